from django.apps import AppConfig


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = "Patients and care records"

    def ready(self) -> None:
        from clinic.queue import register_card_provider
        from patients.dashboard import care_cards

        register_card_provider(care_cards)

        from patients.intake_link import register as register_intake_replies

        register_intake_replies()  # a YES to the intake verification message links the booking

        from clinic.panels import register_record_panel
        from patients.consent_console import CONSENT_HISTORY_PANEL

        register_record_panel(CONSENT_HISTORY_PANEL)  # the consent ledger's history on the care record (issue 16)

        from django.contrib import admin

        from clinic.date_inputs import console_dates_everywhere

        # After the admin's autodiscovery (django.contrib.admin's ready() ran first): date pickers that take
        # dd/mm/yyyy on the admins other packages registered too (clinic/date_inputs.py).
        console_dates_everywhere(admin.site)
