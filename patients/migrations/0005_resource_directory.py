from django.db import migrations


def load_directory(apps, schema_editor):
    from patients.resource_directory import ensure_resources

    ensure_resources(apps.get_model("patients", "Resource"))


class Migration(migrations.Migration):
    dependencies = [("patients", "0004_care_record")]

    operations = [migrations.RunPython(load_directory, migrations.RunPython.noop)]
