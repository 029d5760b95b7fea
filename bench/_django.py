"""Django for one benchmark process: the production settings (DEBUG off) with a bench-only secret key, no HTTPS
redirect, and the process-local cache that a single process may use (the settings refuse it otherwise)."""

import os


def django_setup() -> None:
    """Set the bench's environment defaults (a variable already set wins) and start Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALLOW_PROCESS_LOCAL_CACHE", "true")
    import django

    django.setup()
