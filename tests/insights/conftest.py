"""A small clinic with known activity, seen on Wednesday 18 Nov 2026, 10:00 IST.

The default period (12 weeks) runs from Monday 31 Aug to Sunday 22 Nov 2026. Alice coordinates
Asha and Bina, Bob coordinates Chandra, and Devi is unassigned; so Alice counts Asha, Bina and
Devi, and Ada (admin) counts all four.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from consults.models import ConsultSource, ConsultStatus, Topic
from followups.models import DoseStatus
from messaging.models import Status
from tests.factories.activity import dose, inbound, outbound
from tests.factories.care import cml_patient, qpcr
from tests.factories.consults import ConsultFactory
from tests.factories.people import PatientFactory

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=IST)
LAST_WEEK = date(2026, 11, 9)
THIS_WEEK = date(2026, 11, 16)
WEEK_OF_RESULTS = date(2026, 11, 2)


def ist(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=IST)


@pytest.fixture
def frozen_now(time_machine) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def clinic(frozen_now, alice, bob) -> dict:
    asha = cml_patient(started_on=date(2026, 8, 1), coordinator=alice)
    bina = cml_patient(started_on=date(2026, 5, 1), coordinator=alice)
    chandra = PatientFactory(coordinator=bob)
    devi = PatientFactory(coordinator=None)

    # Each consult: who, booked at, starts at, topic, how it was booked, where it stands.
    consults = [
        (asha, ist(10, 11), ist(12, 10), Topic.SIDE_EFFECTS, ConsultSource.WEB, ConsultStatus.COMPLETED),
        (bina, ist(10, 12), ist(13, 10), Topic.DIET, ConsultSource.SMS, ConsultStatus.NO_SHOW),
        (asha, ist(11, 9), ist(14, 10), Topic.SIDE_EFFECTS, ConsultSource.STAFF, ConsultStatus.CANCELLED),
        # Booked 00:30 IST on Monday 16 Nov, still Sunday in UTC: it belongs to the clinic's new week.
        (devi, ist(16, 0, 30), ist(20, 10), Topic.NEW_DIAGNOSIS, ConsultSource.WEB, ConsultStatus.CONFIRMED),
        (chandra, ist(10, 13), ist(12, 11), Topic.DIET, ConsultSource.WEB, ConsultStatus.NO_SHOW),
    ]
    for patient, booked, start, topic, source, status in consults:
        ConsultFactory(patient=patient, created_at=booked, start=start, topic=topic, source=source, status=status)

    # Asha writes twice, gets an automatic answer, then Alice replies 40 minutes after the first message.
    inbound(asha, ist(10, 9))
    inbound(asha, ist(10, 9, 10))
    outbound(asha, ist(10, 9, 11), kind="auto_ack")
    outbound(asha, ist(10, 9, 40), by=alice)
    inbound(asha, ist(11, 12))
    outbound(asha, ist(11, 14), by=alice)  # 120 minutes
    inbound(bina, ist(12, 8))
    outbound(bina, ist(12, 8, 10), by=alice)  # 10 minutes
    inbound(bina, ist(13, 8))  # not answered yet
    inbound(chandra, ist(12, 8))
    outbound(chandra, ist(12, 9), by=bob)  # 60 minutes, Bob's patient

    no_consent = "Not sent: the patient has not agreed to SMS."
    outbound(asha, ist(11, 10), status=Status.BLOCKED, reason=no_consent, kind="reminder")
    outbound(bina, ist(12, 10), status=Status.BLOCKED, reason=no_consent, kind="reminder")
    outbound(
        bina, ist(13, 10), status=Status.FAILED, reason="Unreachable handset.", error_code="30003", kind="reminder"
    )
    outbound(
        chandra, ist(13, 11), status=Status.FAILED, reason="Unreachable handset.", error_code="30003", kind="reminder"
    )

    for day, status in [
        (9, DoseStatus.TAKEN),
        (10, DoseStatus.TAKEN),
        (11, DoseStatus.TAKEN),
        (12, DoseStatus.MISSED),
        (13, DoseStatus.NOT_CONFIRMED),
        (16, DoseStatus.PENDING),
    ]:
        dose(asha, date(2026, 11, day), status)
    dose(chandra, date(2026, 11, 9), DoseStatus.MISSED)

    qpcr(asha, date(2026, 11, 3), "4.5")  # 3 months on imatinib: optimal (<= 10 %)
    qpcr(bina, date(2026, 11, 4), "4.5")  # 6 months: warning (1-10 %)
    return {"asha": asha, "bina": bina, "chandra": chandra, "devi": devi}
