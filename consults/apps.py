from django.apps import AppConfig


class ConsultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consults"
    verbose_name = "Consults"
