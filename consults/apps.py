from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consults"
    verbose_name = "Consults"

    def ready(self) -> None:
        import config.request_guards  # noqa: F401  registers the deploy check for the shared cache the throttles need
        from consults.constraints import on_post_migrate
        from consults.queue_cards import consult_cards
        from consults.replies import consult_reminder_reply
        from messaging.replies import register_reply_handler
        from patients.queue import register_card_provider

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="consults_sqlite_overlap_triggers")
        register_card_provider(consult_cards)
        register_reply_handler("consult_reminder", consult_reminder_reply)
