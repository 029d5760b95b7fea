from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = "Patient guide"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move, workflow_approved

        from clinic.queue import register_card_provider
        from guide.governance import on_page_changed, on_workflow_approved
        from guide.queue_cards import guide_review_cards
        from patients.models import Resource

        register_card_provider(guide_review_cards)
        workflow_approved.connect(on_workflow_approved, dispatch_uid="guide_review_record")
        # Cached pages show child cards, translations and resources: any of these changes them.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(on_page_changed, dispatch_uid=f"guide_cache_{id(signal)}")
        post_delete.connect(on_page_changed, sender=Page, dispatch_uid="guide_cache_page_delete")
        post_save.connect(on_page_changed, sender=Resource, dispatch_uid="guide_cache_resource_save")
        _leave_wagtail_models_to_the_cms()


def _leave_wagtail_models_to_the_cms() -> None:
    """Wagtail's documents, images and tags are edited at /cms/. Their Django-admin registrations would
    put a second, unsupported editor for them in the care console (its add pages fail). The admin's
    autodiscovery ran in django.contrib.admin's ready(), before this one, so they can be removed here."""
    from django.contrib import admin
    from taggit.models import Tag
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    for model in (get_document_model(), get_image_model(), Tag):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
