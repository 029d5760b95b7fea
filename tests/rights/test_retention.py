"""Retention periods: defaults shown as such until an admin sets them; only admins set them; audited."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from clinic.errors import DomainError
from patients.models import AuditEntry
from rights.models import DEFAULT_CLINICAL_RECORD_YEARS, RetentionPolicy
from rights.services import retention_policy_current, retention_policy_update

pytestmark = pytest.mark.django_db


def set_periods(actor, **overrides) -> RetentionPolicy:
    values = {"clinical_record_years": 8, "message_log_days": 90, "audit_log_years": 6, "basis": "Advice, 2026"}
    return retention_policy_update(actor=actor, **{**values, **overrides})


def test_until_an_admin_sets_them_the_defaults_apply():
    policy = retention_policy_current()
    assert (policy.clinical_record_years, policy.is_default) == (DEFAULT_CLINICAL_RECORD_YEARS, True)


def test_the_page_says_the_defaults_need_confirming(ada):
    client = Client()
    client.force_login(ada)
    body = html.unescape(client.get("/admin/rights/retention/").content.decode())
    assert "default, confirm with the clinic's legal advice" in body


def test_an_admin_sets_the_periods(ada):
    set_periods(ada)
    policy = retention_policy_current()
    assert (policy.clinical_record_years, policy.message_log_days, policy.audit_log_years) == (8, 90, 6)
    assert policy.is_default is False


def test_setting_them_is_audited_with_the_changed_fields(ada):
    set_periods(ada)
    entry = AuditEntry.objects.get(object_type="rights.RetentionPolicy")
    assert (entry.actor, entry.action) == (ada, "change")
    assert "clinical_record_years" in entry.changed_fields


def test_a_coordinator_cannot_set_them(alice):
    with pytest.raises(PermissionDenied):
        set_periods(alice)


@pytest.mark.parametrize(
    ("field", "value"), [("clinical_record_years", 0), ("message_log_days", 4000), ("audit_log_years", 101)]
)
def test_a_value_outside_the_limits_is_refused_naming_the_field(ada, field, value):
    with pytest.raises(DomainError) as refused:
        set_periods(ada, **{field: value})
    assert refused.value.field == field


def test_there_is_only_ever_one_policy_row(ada):
    set_periods(ada)
    set_periods(ada, clinical_record_years=12)
    assert RetentionPolicy.objects.count() == 1


def test_the_page_shows_a_bad_value_next_to_its_field(ada):
    client = Client()
    client.force_login(ada)
    response = client.post(
        "/admin/rights/retention/", {"clinical_record_years": "0", "message_log_days": "90", "audit_log_years": "6"}
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
