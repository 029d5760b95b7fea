from django.apps import AppConfig


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = "Patients and care records"

    def ready(self) -> None:
        from patients.dashboard import care_cards
        from patients.queue import register_card_provider

        register_card_provider(care_cards)

        from patients.intake_link import register as register_intake_replies

        register_intake_replies()  # a YES to the intake verification message links the booking
