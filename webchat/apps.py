from django.apps import AppConfig


class WebchatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webchat"
    verbose_name = "Web chat"
