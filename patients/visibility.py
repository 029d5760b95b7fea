"""Care relationships other apps own, registered so patients can say which patients an expert may see.

An app that creates a relationship between an expert and a patient (consults: a booked consult)
registers a rule in its `AppConfig.ready()`; `patients.selectors.expert_patient_ids` joins every
rule with patients' own (care team, break-glass). A rule returns a subquery of `patient_id`s
(`.values("patient_id")`), never a list, so the visibility filter stays one SQL statement and list
pages keep their fixed query counts. Patients itself imports none of the apps that register.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.db.models import QuerySet


class PatientIdRow(TypedDict):
    patient_id: int


# (the expert's login, the moment) -> a subquery of patient_id values
ExpertVisibilityRule = Callable[[User, datetime], QuerySet[Any, PatientIdRow]]

_rules: dict[str, ExpertVisibilityRule] = {}


def register_visibility_rule(name: str, rule: ExpertVisibilityRule) -> ExpertVisibilityRule:
    """Add (or replace, by name) a rule giving an expert sight of the patients it selects."""
    _rules[name] = rule
    return rule


def visibility_rules() -> list[ExpertVisibilityRule]:
    return [_rules[name] for name in sorted(_rules)]
