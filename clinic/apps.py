from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinic core"

    def ready(self) -> None:
        import clinic.request_guards  # noqa: F401  registers the deploy check for the shared cache rate limits need
