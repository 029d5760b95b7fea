from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consults"
    verbose_name = "Consults"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which load only after the app registry.
        from clinic.queue import register_card_provider
        from consults.constraints import on_post_migrate
        from consults.queue_cards import consult_cards
        from consults.replies import consult_reminder_reply
        from consults.selectors import expert_consult_patient_ids
        from messaging.replies import register_reply_handler
        from patients.visibility import register_visibility_rule

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="consults_sqlite_overlap_triggers")
        register_card_provider(consult_cards)
        register_reply_handler("consult_reminder", consult_reminder_reply)
        register_visibility_rule("consults", expert_consult_patient_ids)  # an expert sees their consults' patients
