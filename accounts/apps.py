from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Staff sign-in and API tokens"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        import accounts.schema  # noqa: F401 - registers the OpenAPI descriptions of the authentication classes
        from accounts.preferences import session_zone_start
        from accounts.sessions import session_start

        # Stamps the sign-in time and the two-step state on every new staff session.
        user_logged_in.connect(session_start, dispatch_uid="accounts.session_start")
        # Puts the user's own time zone in the session, so console pages need no query for it.
        user_logged_in.connect(session_zone_start, dispatch_uid="accounts.session_zone_start")
