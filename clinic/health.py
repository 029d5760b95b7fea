"""`/healthz` for load balancers: cheap, unauthenticated, no patient data."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.tasks import task_broker

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health: database check failed")
        return "down"
    return "ok"


def broker_status() -> str:
    try:
        return "ok" if task_broker().ping() else "down"
    except Exception:  # any broker client error means "down"; the web app itself still serves
        logger.warning("health: broker check failed", exc_info=True)
        return "down"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    broker = broker_status() if database == "ok" else "down"
    body = {"status": "ok" if database == "ok" else "down", "database": database, "broker": broker}
    return JsonResponse(body, status=200 if database == "ok" else 503)
