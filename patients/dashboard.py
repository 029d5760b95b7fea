"""This app's cards on the coordinator dashboard: one count query each, linking to the filtered list."""

from datetime import datetime, time

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from clinic.queue import QueueCard
from clinic.timezones import clinic_today, clinic_zone
from patients.capabilities import can_use_console, can_work_triage
from patients.models import MonitoringItem, item_state_q
from patients.models.monitoring import ItemState
from patients.selectors import authorisations_expiring, tasks_due, urgent_symptoms_open, visible
from patients.services.monitoring import protocol_values
from patients.worklist import patients_unassigned


def _url(model: str, mine_only: bool, **filters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {**filters, "scope": "mine" if mine_only else "all"}.items())
    return f"{reverse(f'admin:patients_{model}_changelist')}?{query}"


def end_of_today() -> datetime:
    return datetime.combine(clinic_today(), time.max, tzinfo=clinic_zone())


def care_cards(user: AbstractBaseUser, mine_only: bool) -> list[QueueCard]:
    if not can_use_console(user):
        return []
    today = clinic_today()
    reminder_days = protocol_values()["auth_reminder_days"]
    overdue = visible(MonitoringItem.objects.filter(item_state_q(ItemState.OVERDUE, today)), user, mine_only=mine_only)
    urgent = visible(urgent_symptoms_open(), user, mine_only=mine_only)
    expiring = visible(authorisations_expiring(on=today, days=reminder_days), user, mine_only=mine_only)
    due = tasks_due(user=user, by=end_of_today(), mine_only=mine_only)
    cards: list[QueueCard] = []
    if can_work_triage(user):
        # Under "Mine" too: nobody's patients are everybody's work until a coordinator takes them.
        cards.append(
            QueueCard(
                "triage_unassigned",
                "New / unassigned patients",
                patients_unassigned(user).count(),
                reverse("console-triage"),
                urgent=True,
                order=5,
            )
        )
    return [
        *cards,
        QueueCard(
            "urgent_symptoms",
            "Urgent symptoms",
            urgent.count(),
            _url("symptomreport", mine_only, urgent="open"),
            urgent=True,
            order=10,
        ),
        QueueCard(
            "tasks_due",
            "Tasks due today or earlier",
            due.count(),
            _url("caretask", mine_only, due="today", status="open"),
            order=30,
        ),
        QueueCard(
            "overdue_monitoring",
            "Overdue monitoring",
            overdue.count(),
            _url("monitoringitem", mine_only, state="overdue"),
            urgent=True,
            order=40,
        ),
        QueueCard(
            "expiring_authorisations",
            f"Authorisations expiring within {reminder_days} days",
            expiring.count(),
            _url("insurancepolicy", mine_only, expiry="soon"),
            order=60,
        ),
    ]
