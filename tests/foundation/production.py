"""The smallest production environment the settings accept: what `check --deploy` and gunicorn start with."""

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Qm2pL9vR4tW8yZ1aB5cD3eF6gH0jK2lM4nP7qS9uV1wX3yZ5aB8cD0eF2gH4jK",
    "ALLOWED_HOSTS": "clinic.example.org",
    "PUBLIC_BASE_URL": "https://clinic.example.org",
    "DATABASE_URL": "sqlite:////tmp/carethread-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # not connected to by `check`; production needs a shared cache
}
