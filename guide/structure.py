"""The guide's fixed structure: locales, the editor and reviewer groups, and the "Clinical review" workflow.

Editors may add and change guide pages but not publish: their "Submit to Clinical review" starts the
workflow, and only a member of "Clinical reviewers" approves it (which publishes the page). The workflow
is assigned to Wagtail's root page, so it covers every page in every language.

`guide_structure_ensure(apps)` is idempotent; the data migration runs it with historical models and
seed_guide runs it again (a test database flushed by a transactional test has lost the migration's rows).
"""

from django.apps.registry import Apps

LANGUAGE_CODES = ["en", "hi"]
EDITORS_GROUP = "Guide editors"
REVIEWERS_GROUP = "Clinical reviewers"
WORKFLOW_NAME = "Clinical review"
PAGE_ACTIONS = {
    EDITORS_GROUP: ["add_page", "change_page", "lock_page", "unlock_page"],
    REVIEWERS_GROUP: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _permission(apps: Apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})
    return found


def guide_structure_ensure(apps: Apps) -> None:
    """Create whatever of the locales, groups, permissions and workflow is missing; change nothing else."""
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for code in LANGUAGE_CODES:
        Locale.objects.get_or_create(language_code=code)

    root = Page.objects.filter(depth=1).order_by("path").first()
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    translate = _permission(
        apps, "simple_translation", "simpletranslation", "submit_translation", "Can submit translations"
    )
    groups = {}
    for name, codenames in PAGE_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin, translate)
        for codename in codenames:
            page_permission = _permission(apps, "wagtailcore", "page", codename, f"Can {codename.replace('_', ' ')}")
            if root is not None:
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=page_permission)
        groups[name] = group

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"content_type": task_type, "active": True}
    )
    task.groups.add(groups[REVIEWERS_GROUP])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
