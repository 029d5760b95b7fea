"""Monitoring schedule planning: which tests and scans a patient needs, from the protocol tables.

`plan_schedule` is a pure function of the care record's facts, the latest qPCR state and the
configurable cadences; `patients.services.monitoring` turns its plan into MonitoringItem rows.
Only slots from `on` onwards are planned (history is never invented), except the next qPCR after
the last result, which is due now when it is already late.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from clinic.months import add_months
from patients import protocols

DEFAULT_HORIZON_MONTHS = 12


@dataclass(frozen=True)
class ScheduleInputs:
    diagnosis: str
    cml_phase: str = ""
    gist_risk: str = ""
    gist_extent: str = ""
    treatment_phase: str = "not_started"
    tki_started_on: date | None = None
    phase_started_on: date | None = None
    resected_on: date | None = None
    diagnosed_on: date | None = None
    last_qpcr_on: date | None = None
    last_qpcr_needs_more: bool = False  # warning, failure or awaiting confirmation: test sooner
    mmr_confirmed: bool = False
    values: dict[str, int] | None = None

    def value(self, key: str) -> int:
        if self.values and key in self.values:
            return self.values[key]
        return protocols.CONFIGURABLE[key].value


@dataclass(frozen=True)
class PlannedItem:
    protocol_key: str
    kind: str
    planned_for: date  # the protocol slot
    due_on: date  # the slot, or `on` for a late catch-up item
    window: tuple[int, int]
    reason: str

    @property
    def window_starts_on(self) -> date:
        return self.due_on - timedelta(days=self.window[0])

    @property
    def window_ends_on(self) -> date:
        return self.due_on + timedelta(days=self.window[1])


def _item(key: str, kind: str, slot: date, window: str, reason: str, on: date | None = None) -> PlannedItem:
    due = max(slot, on) if on else slot
    return PlannedItem(key, kind, slot, due, protocols.WINDOWS[window], reason)


def _months(anchor: date, first: int, every: int, *, until: date, last: int | None = None) -> list[date]:
    found, month = [], first
    while (last is None or month <= last) and (day := add_months(anchor, month)) <= until:
        found.append(day)
        month += every
    return found


def plan_schedule(
    inputs: ScheduleInputs, *, on: date, horizon_months: int = DEFAULT_HORIZON_MONTHS
) -> list[PlannedItem]:
    """Every monitoring slot due from `on` to the horizon, for this diagnosis and phase."""
    until = add_months(on, horizon_months)
    planned: list[PlannedItem] = []
    on_drug = inputs.treatment_phase in ("on_treatment", "adjuvant") and inputs.tki_started_on is not None
    if on_drug:
        planned += _label_blood_tests(inputs, until)
    elif inputs.treatment_phase == "not_started" and inputs.tki_started_on:
        planned.append(
            _item(
                "liver",
                "liver",
                inputs.tki_started_on,
                "liver_baseline",
                "Liver tests before starting imatinib (imatinib label).",
            )
        )
    if inputs.diagnosis == "cml":
        planned += _cml_qpcr(inputs, on=on, until=until, on_drug=on_drug)
    elif inputs.diagnosis == "ph_all" and on_drug:
        planned += _qpcr_series(
            inputs,
            on=on,
            until=until,
            every=inputs.value("ph_all_qpcr_months"),
            reason="BCR::ABL1 qPCR every {n} months (Ph+ ALL: clinic default, confirm).",
        )
    elif inputs.diagnosis == "gist":
        planned += _gist_imaging(inputs, until=until, on_drug=on_drug)
    kept = [item for item in planned if item.due_on >= on]
    return sorted(kept, key=lambda item: (item.due_on, item.protocol_key))


def _label_blood_tests(inputs: ScheduleInputs, until: date) -> list[PlannedItem]:
    """Blood counts and liver tests while on imatinib (imatinib label; ELN / ESMO cadence)."""
    start = inputs.tki_started_on
    assert start is not None
    items = [
        _item(
            "cbc",
            "cbc",
            start + timedelta(weeks=week),
            "cbc_weekly",
            "Blood count: weekly in month 1 (imatinib label / ESMO).",
        )
        for week in (1, 2, 3, 4)
    ]
    items += [
        _item(
            "cbc",
            "cbc",
            start + timedelta(weeks=week),
            "cbc_fortnightly",
            "Blood count: every 2 weeks in month 2 (imatinib label / ESMO).",
        )
        for week in (6, 8)
    ]
    steady = inputs.value("cbc_steady_months")
    items += [
        _item("cbc", "cbc", day, "cbc", f"Blood count: every {steady} months after month 2 (ELN / ESMO; configurable).")
        for day in _months(start, 3, steady, until=until)
    ]
    items.append(_item("liver", "liver", start, "liver_baseline", "Liver tests before starting imatinib (label)."))
    every = inputs.value("liver_months")
    items += [
        _item(
            "liver",
            "liver",
            day,
            "liver",
            f"Liver tests (ALT, AST, bilirubin) every {every} month(s) (imatinib label; configurable).",
        )
        for day in _months(start, every, every, until=until)
    ]
    return items


def _qpcr_series(
    inputs: ScheduleInputs,
    *,
    on: date,
    until: date,
    every: int,
    reason: str,
    first_in: int | None = None,
    first_reason: str = "",
) -> list[PlannedItem]:
    """qPCR every `every` months from the last result (the first one after `first_in` months when given),
    or from the start when there is no result yet."""
    start = inputs.tki_started_on
    assert start is not None
    last = inputs.last_qpcr_on if inputs.last_qpcr_on and inputs.last_qpcr_on >= start else None
    text = reason.format(n=every)
    if last is None:
        return [_item("qpcr", "bcr_abl1_qpcr", day, "qpcr", text) for day in _months(start, every, every, until=until)]
    first = add_months(last, first_in or every)
    # The next test after the last result is due now if it is already late; later ones keep their slots.
    items = [_item("qpcr", "bcr_abl1_qpcr", first, "qpcr", (first_reason or reason).format(n=first_in or every), on=on)]
    return items + [
        _item("qpcr", "bcr_abl1_qpcr", day, "qpcr", text) for day in _months(first, every, every, until=until)
    ]


def _cml_qpcr(inputs: ScheduleInputs, *, on: date, until: date, on_drug: bool) -> list[PlannedItem]:
    if inputs.treatment_phase == "tfr" and inputs.phase_started_on:
        stop = inputs.phase_started_on
        items = []
        for first, last, every in protocols.TFR_QPCR_SEGMENTS:
            text = f"Treatment-free remission: BCR::ABL1 qPCR every {every} month(s) (ELN 2020)."
            items += [
                _item("tfr_qpcr", "bcr_abl1_qpcr", day, "qpcr_tfr", text)
                for day in _months(stop, first, every, until=until, last=last)
            ]
        return items
    if not on_drug:
        return []
    if inputs.mmr_confirmed:
        every = inputs.value("qpcr_after_mmr_months")
        reason = "BCR::ABL1 qPCR every {n} months once MMR is confirmed (ELN 2020: every 3–6 months)."
    else:
        every = inputs.value("qpcr_months")
        reason = "BCR::ABL1 qPCR every {n} months until MMR is reached and confirmed (ELN 2020)."
    if inputs.last_qpcr_needs_more:
        # A warning means testing more often: the next test comes sooner, then the usual spacing resumes.
        return _qpcr_series(
            inputs,
            on=on,
            until=until,
            every=every,
            reason=reason,
            first_in=inputs.value("qpcr_after_warning_months"),
            first_reason="BCR::ABL1 qPCR in {n} month(s): the last result was a warning, failure or "
            "loss of MMR (ELN 2020: test more often; confirm a 3-month failure).",
        )
    return _qpcr_series(inputs, on=on, until=until, every=every, reason=reason)


def _gist_imaging(inputs: ScheduleInputs, *, until: date, on_drug: bool) -> list[PlannedItem]:
    """CT or MRI of abdomen and pelvis by risk and phase (brief: GIST follow-up imaging defaults)."""
    text = "CT/MRI abdomen and pelvis: {what} (brief default; configurable)."
    if inputs.gist_extent == "advanced":
        if not on_drug:
            return []
        every = inputs.value("gist_advanced_months")
        what = f"advanced GIST on imatinib, first at 3 months then every {every} months"
        start = inputs.tki_started_on
        days = [add_months(start, 3), *_months(start, 3 + every, every, until=until)]
        return [_item("imaging", "imaging", day, "imaging", text.format(what=what)) for day in days if day <= until]
    surgery = inputs.resected_on or inputs.diagnosed_on
    if inputs.gist_risk in ("low", "intermediate") and surgery:
        every = inputs.value("gist_low_int_months")
        what = f"low/intermediate risk, every {every} months for 5 years"
        return [
            _item("imaging", "imaging", day, "imaging", text.format(what=what))
            for day in _months(surgery, every, every, until=until, last=60)
        ]
    if inputs.gist_risk != "high":
        return []  # very low risk: no routine imaging
    if inputs.treatment_phase == "adjuvant" and inputs.tki_started_on:
        every = inputs.value("gist_adjuvant_months")
        months = 12 * inputs.value("gist_adjuvant_years")
        what = f"high risk on adjuvant imatinib, every {every} months"
        return [
            _item("imaging", "imaging", day, "imaging", text.format(what=what))
            for day in _months(inputs.tki_started_on, every, every, until=until, last=months)
        ]
    anchor = inputs.phase_started_on or surgery
    if anchor is None:
        return []
    early, late = inputs.value("gist_after_adjuvant_early_months"), inputs.value("gist_after_adjuvant_late_months")
    end = add_months(surgery or anchor, 120)
    items = [
        _item(
            "imaging",
            "imaging",
            day,
            "imaging",
            text.format(what=f"high risk after adjuvant, every {early} months for 2 years"),
        )
        for day in _months(anchor, early, early, until=until, last=24)
    ]
    items += [
        _item(
            "imaging",
            "imaging",
            day,
            "imaging",
            text.format(what=f"high risk after adjuvant, every {late} months to year 10"),
        )
        for day in _months(anchor, 24 + late, late, until=min(until, end))
    ]
    return items
