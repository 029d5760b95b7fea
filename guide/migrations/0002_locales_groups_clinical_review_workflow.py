"""Hindi locale, the "Guide editors" and "Clinical reviewers" groups, and the "Clinical review" workflow
(see guide/structure.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from guide.structure import guide_structure_ensure

    guide_structure_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0001_guide_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("simple_translation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
