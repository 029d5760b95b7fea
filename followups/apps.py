from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followups"
    verbose_name = "Automated follow-ups"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which load only after the app registry.
        from followups import hooks

        hooks.connect()
