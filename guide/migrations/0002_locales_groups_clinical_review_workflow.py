"""Hindi locale, the "Guide editors" and "Clinical reviewers" groups, and the "Clinical review" workflow.

Editors may add and change guide pages but not publish: their "Submit to Clinical review" starts the
workflow, and only a member of "Clinical reviewers" approves it (which publishes the page). The workflow
is assigned to Wagtail's root page, so it covers every page in every language.
"""

from django.db import migrations

PAGE_ACTIONS = {
    "Guide editors": ["add_page", "change_page", "lock_page", "unlock_page"],
    "Clinical reviewers": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
WORKFLOW_NAME = "Clinical review"


def permission(apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})
    return found


def forwards(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for code in ("en", "hi"):
        Locale.objects.get_or_create(language_code=code)

    root = Page.objects.filter(depth=1).order_by("path").first()
    access_admin = permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    translate = permission(apps, "simple_translation", "simpletranslation", "submit_translation",
                           "Can submit translations")
    groups = {}
    for name, codenames in PAGE_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin, translate)
        for codename in codenames:
            page_permission = permission(apps, "wagtailcore", "page", codename, f"Can {codename.replace('_', ' ')}")
            if root is not None:
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=page_permission)
        groups[name] = group

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([groups["Clinical reviewers"]])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0001_guide_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("simple_translation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
