from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followups"
    verbose_name = "Automated follow-ups"

    def ready(self) -> None:
        from followups import hooks

        hooks.connect()
