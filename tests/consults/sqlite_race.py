"""Run by test_race.py in a subprocess: N threads book one slot on a real SQLite file.

The test database pytest gives SQLite is in memory, where threads cannot race the way separate
clients of a file do; this script builds a throwaway file database and prints the outcome as JSON.
Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.consults.sqlite_race 20
"""

import json
import os
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def main(attempts: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from consults.models import Consult
    from consults.selectors import next_free_slots
    from patients.models import Patient
    from tests.factories.consults import ExpertFactory

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"booking_ip": "1000/hour", "booking_phone": "1000/hour", "public_read": "1000/hour"},
    }
    call_command("migrate", verbosity=0)
    expert = ExpertFactory()
    slot = next_free_slots([expert], after=django.utils.timezone.now(), limit=1)[0]
    connection.close()
    barrier = threading.Barrier(attempts)

    def attempt(index: int) -> tuple[int, dict]:
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/consults/",
                {
                    "expert": expert.pk,
                    "start": slot.start.isoformat(),
                    "topic": "side_effects",
                    "name": f"Racer {chr(65 + index % 26)}",  # letters only: names are validated
                    "phone": f"+9198700{index:05d}",
                },
                content_type="application/json",
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(attempts) as pool:
        results = list(pool.map(attempt, range(attempts)))
    return {
        "statuses": Counter(status for status, _ in results),
        "codes_409": sorted({body.get("code") for status, body in results if status == 409}),
        "next_slots_offered": all(body.get("next_slots") for status, body in results if status == 409),
        "consults": Consult.objects.filter(expert=expert).count(),
        "patients": Patient.objects.count(),
        "engine": connection.vendor,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
