"""The monitoring schedule as rows: generate from the protocol plan, complete, skip, override, add."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from clinic.errors import Conflict, DomainError
from clinic.timezones import EARLIEST_DATE, LATEST_DATE, clinic_today, is_plausible_date
from patients import protocols
from patients.audit import audit_record
from patients.models import (
    AuditAction,
    CareRecord,
    GeneticTest,
    ItemSource,
    ItemStatus,
    LabResult,
    MonitoringItem,
    MonitoringKind,
    Patient,
    ProtocolSetting,
    TestKind,
    TestStatus,
)
from patients.molecular import PriorResult, mmr_confirmed
from patients.schedule import PlannedItem, ScheduleInputs, plan_schedule


def protocol_values() -> dict[str, int]:
    """Configurable protocol values: the brief's defaults overlaid by admins' ProtocolSetting rows."""
    values = {key: item.value for key, item in protocols.CONFIGURABLE.items()}
    values.update(dict(ProtocolSetting.objects.values_list("key", "value")))
    return values


def qpcr_history(patient: Patient) -> list[GeneticTest]:
    return list(
        GeneticTest.objects.filter(patient=patient, kind=TestKind.BCR_ABL1_QPCR, status=TestStatus.RESULTED).order_by(
            "collected_on", "resulted_on", "id"
        )
    )


def as_prior(test: GeneticTest) -> PriorResult:
    return PriorResult(test.sample_on, bool(test.bcr_abl1_detected), test.is_percent, test.molecular_response)


def schedule_inputs(record: CareRecord, *, values: dict[str, int]) -> ScheduleInputs:
    history = qpcr_history(record.patient) if record.diagnosis in ("cml", "ph_all") else []
    last = history[-1] if history else None
    return ScheduleInputs(
        diagnosis=record.diagnosis,
        cml_phase=record.cml_phase,
        gist_risk=record.gist_risk,
        gist_extent=record.gist_extent,
        treatment_phase=record.treatment_phase,
        tki_started_on=record.tki_started_on,
        phase_started_on=record.phase_started_on,
        resected_on=record.resected_on,
        diagnosed_on=record.diagnosed_on,
        last_qpcr_on=last.sample_on if last else None,
        last_qpcr_needs_more=bool(
            last and (last.eln_assessment in ("warning", "failure") or last.needs_confirmation or last.lost_mmr)
        ),
        mmr_confirmed=mmr_confirmed([as_prior(t) for t in history], needed=values["mmr_confirm_results"]),
        values=values,
    )


@dataclass(frozen=True)
class ScheduleChange:
    created: int
    updated: int
    removed: int


@transaction.atomic
def monitoring_schedule_generate(
    *, patient: Patient | None = None, care_record: CareRecord | None = None, on: date | None = None
) -> ScheduleChange:
    """Bring generated items in line with the protocol plan from `on` (default today); idempotent.

    Done, skipped, overridden and hand-added items are never touched; past-due generated items stay
    (they are overdue work). Future generated items the plan no longer asks for are removed.
    """
    if care_record is None:
        if patient is None:
            raise ValueError("Pass a patient or a care record.")
        care_record = CareRecord.objects.filter(patient=patient).select_related("patient").first()
        if care_record is None:
            return ScheduleChange(0, 0, 0)
    # One generator per patient at a time: lock the record row.
    care_record = CareRecord.objects.select_for_update().select_related("patient").get(pk=care_record.pk)
    return monitoring_schedule_apply(care_record=care_record, on=on or clinic_today(), values=protocol_values())


def monitoring_schedule_apply(*, care_record: CareRecord, on: date, values: dict[str, int]) -> ScheduleChange:
    """The body of `monitoring_schedule_generate`, for a caller that already holds the record's row lock
    inside its transaction (the nightly sweep locks a chunk of records in one query)."""
    patient = care_record.patient
    plan = plan_schedule(schedule_inputs(care_record, values=values), on=on)
    existing = {
        (item.protocol_key, item.planned_for): item
        for item in MonitoringItem.objects.filter(
            patient=patient, planned_for__isnull=False, source__in=[ItemSource.GENERATED, ItemSource.OVERRIDE]
        )
    }
    wanted = {(p.protocol_key, p.planned_for) for p in plan}
    created = updated = 0
    new_items = []
    for planned in plan:
        item = existing.get((planned.protocol_key, planned.planned_for))
        if item is None:
            new_items.append(_new_item(patient, planned))
        elif (
            item.source == ItemSource.GENERATED
            and item.status == ItemStatus.PLANNED
            and (item.due_on != planned.due_on or item.reason != planned.reason)
        ):
            _place(item, planned.due_on, planned.window)
            item.reason = planned.reason
            item.save(update_fields=["due_on", "window_starts_on", "window_ends_on", "reason", "updated_at"])
            updated += 1
    MonitoringItem.objects.bulk_create(new_items)
    created = len(new_items)
    stale = [
        item.pk
        for key, item in existing.items()
        if key not in wanted
        and item.source == ItemSource.GENERATED
        and item.status == ItemStatus.PLANNED
        and item.planned_for is not None
        and item.planned_for >= on
        and item.genetic_test_id is None
        and item.lab_result_id is None
    ]
    removed = MonitoringItem.objects.filter(pk__in=stale).delete()[0] if stale else 0
    return ScheduleChange(created, updated, removed)


def _place(item: MonitoringItem, due_on: date, window: tuple[int, int]) -> None:
    item.due_on = due_on
    item.window_starts_on = due_on - timedelta(days=window[0])
    item.window_ends_on = due_on + timedelta(days=window[1])


def _check_due_on(due_on: date) -> None:
    # A staff-typed date; a slip like year 9999 would overflow when the window is placed around it.
    if not is_plausible_date(due_on):
        raise DomainError(f"Enter a due date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.", field="due_on")


def _new_item(patient: Patient, planned: PlannedItem) -> MonitoringItem:
    item = MonitoringItem(
        patient=patient,
        kind=planned.kind,
        planned_for=planned.planned_for,
        protocol_key=planned.protocol_key,
        reason=planned.reason,
        source=ItemSource.GENERATED,
    )
    _place(item, planned.due_on, planned.window)
    return item


def _planned_for_update(item: MonitoringItem) -> MonitoringItem:
    item = MonitoringItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.PLANNED:
        raise Conflict(f"This item is already {item.get_status_display().lower()}; reload the schedule.")
    return item


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def _audit_change(
    *, item: MonitoringItem, by: User | None, fields: list[str], request: HttpRequest | None, audit_via: str | None
) -> None:
    """A person's action from a door (`audit_via`: "admin", "api") is audited in the service's transaction; a
    completion that is part of recording a result is covered by that result's own entry."""
    if audit_via is not None and by is not None and by.is_authenticated:
        audit_record(
            actor=by, action=AuditAction.CHANGE, obj=item, changed_fields=fields, request=request, via=audit_via
        )


@transaction.atomic
def monitoring_item_complete(
    *,
    item: MonitoringItem,
    completed_on: date,
    by: User | None = None,
    genetic_test: GeneticTest | None = None,
    lab_result: LabResult | None = None,
    request: HttpRequest | None = None,
    audit_via: str | None = None,
) -> MonitoringItem:
    """Mark a planned item done, optionally linking the result that fulfilled it (audited when `audit_via`)."""
    item = _planned_for_update(item)
    if completed_on > clinic_today():
        raise DomainError("The completion date is in the future; enter when the test was done.", field="completed_on")
    if not is_plausible_date(completed_on):
        raise DomainError(f"Enter a completion date after {EARLIEST_DATE.year}.", field="completed_on")
    item.status, item.completed_on, item.updated_by = ItemStatus.DONE, completed_on, _actor(by)
    item.genetic_test, item.lab_result = genetic_test or item.genetic_test, lab_result or item.lab_result
    item.save()
    _audit_change(item=item, by=by, fields=["completed_on"], request=request, audit_via=audit_via)
    return item


@transaction.atomic
def monitoring_item_skip(
    *,
    item: MonitoringItem,
    reason: str,
    by: User | None = None,
    request: HttpRequest | None = None,
    audit_via: str | None = None,
) -> MonitoringItem:
    """Skip a planned item; the reason is required and kept (audited when `audit_via`)."""
    if not reason.strip():
        raise DomainError("Say why this item is skipped.", field="reason")
    item = _planned_for_update(item)
    item.status, item.skipped_reason, item.updated_by = ItemStatus.SKIPPED, reason.strip(), _actor(by)
    item.save()
    _audit_change(item=item, by=by, fields=["reason"], request=request, audit_via=audit_via)
    return item


@transaction.atomic
def monitoring_item_override(
    *,
    item: MonitoringItem,
    due_on: date,
    reason: str,
    by: User | None = None,
    request: HttpRequest | None = None,
    audit_via: str | None = None,
) -> MonitoringItem:
    """Move a planned item to another date with a reason; regeneration then leaves it alone (audited when
    `audit_via`)."""
    if not reason.strip():
        raise DomainError("Say why the date is changed.", field="reason")
    _check_due_on(due_on)
    item = _planned_for_update(item)
    before, after = (item.due_on - item.window_starts_on).days, (item.window_ends_on - item.due_on).days
    _place(item, due_on, (before, after))
    item.source, item.override_reason, item.updated_by = (
        ItemSource.OVERRIDE if item.planned_for else ItemSource.MANUAL,
        reason.strip(),
        _actor(by),
    )
    item.save()
    _audit_change(item=item, by=by, fields=["due_on", "reason"], request=request, audit_via=audit_via)
    return item


@transaction.atomic
def monitoring_item_add(
    *,
    patient: Patient,
    kind: str,
    due_on: date,
    reason: str,
    by: User | None = None,
    window_days: int = 7,
) -> MonitoringItem:
    """Add an item the protocol does not generate (e.g. an extra test the oncologist asked for)."""
    if kind not in MonitoringKind.values:
        raise DomainError("Choose what is to be done.", field="kind")
    if not reason.strip():
        raise DomainError("Say why this item is added.", field="reason")
    _check_due_on(due_on)
    item = MonitoringItem(
        patient=patient,
        kind=kind,
        reason=reason.strip()[:300],
        source=ItemSource.MANUAL,
        override_reason=reason.strip()[:300],
        updated_by=_actor(by),
    )
    _place(item, due_on, (window_days, window_days))
    item.save()
    return item


@transaction.atomic
def monitoring_item_add_event(*, patient: Patient, kind: str, slot: date, days: int, key: str, reason: str) -> None:
    """A protocol item triggered by a result (e.g. marrow cytogenetics at failure); once per slot."""
    if MonitoringItem.objects.filter(patient=patient, protocol_key=key, planned_for=slot).exists():
        return
    item = MonitoringItem(
        patient=patient, kind=kind, planned_for=slot, protocol_key=key, reason=reason, source=ItemSource.EVENT
    )
    _place(item, slot + timedelta(days=days), (days, 0))
    item.save()


def planned_item_for_result(*, patient: Patient, kinds: list[str], sample_on: date) -> MonitoringItem | None:
    """The earliest open item a result fulfils: same kind, window opening no more than a month after the sample."""
    return (
        MonitoringItem.objects.select_for_update()
        .filter(
            patient=patient,
            kind__in=kinds,
            status=ItemStatus.PLANNED,
            window_starts_on__lte=sample_on + timedelta(days=31),
        )
        .order_by("due_on", "id")
        .first()
    )


def monitoring_items_supersede(*, patient: Patient, kinds: list[str], on: date) -> int:
    """Drop generated items already open when a newer result arrives late: the plan restarts from that result."""
    return MonitoringItem.objects.filter(
        patient=patient,
        kind__in=kinds,
        status=ItemStatus.PLANNED,
        source=ItemSource.GENERATED,
        window_starts_on__lte=on,
    ).delete()[0]
