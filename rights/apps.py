from django.apps import AppConfig


class RightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rights"
    verbose_name = "Patient rights: data package, corrections, erasure"

    def ready(self) -> None:
        from clinic.panels import register_record_panel
        from messaging.guards import register_send_guard
        from rights.guards import erased_patient_guard
        from rights.panel import RIGHTS_PANEL

        register_send_guard(erased_patient_guard)  # nothing is ever sent to an erased record
        register_record_panel(RIGHTS_PANEL)  # the "Patient rights" section of the care record
