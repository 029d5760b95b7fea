"""The whole OpenAPI, fuzzed in-process by schemathesis: anonymous and as every role of the cast.

Bounded (see the phases below and MAX_EXAMPLES) so it runs in `make test`; it fails on any 5xx and
on any documented response whose body does not match the schema. Status-code conformance is not
checked: drf-spectacular documents success codes only; test_staff_input.py checks the 400s/404s.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import api_credentials
from tests.factories.people import PatientFactory

CHECKS = [not_a_server_error, response_schema_conformance]
MAX_EXAMPLES = 15
# The coverage phase (boundary and invalid values for every parameter) finds most 500s but costs most
# of the time, so it runs where those values reach our code: every operation as a coordinator, and the
# public operations (booking, slots, manage links) anonymously. An anonymous request to a staff operation
# is refused (at most a list's filters are checked first, the same code the coordinator's coverage run
# reaches), so there the derandomized fuzzing phase is enough, as for the other roles: every operation is
# still asked by every role.
FUZZING_ROLES = ["expert", "admin", "outsider"]


def accepts_anonymous(context) -> bool:
    """drf-spectacular lists the empty requirement `{}` among an operation's security when it needs no
    credentials (AllowAny); every other operation requires a token."""
    return {} in context.operation.definition.raw.get("security", [])


def load_schema(*, coverage: bool) -> schemathesis.schemas.BaseSchema:
    """The OpenAPI from /api/schema/, loaded at collection (pytest-django has set Django up by then)."""
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "phases": {
                "coverage": {
                    "enabled": coverage,
                    "unexpected-methods": [],
                    "generate-duplicate-query-parameters": False,
                }
            }
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=config)


with_coverage = load_schema(coverage=True)
fuzzing_only = load_schema(coverage=False)


@pytest.fixture(autouse=True)
def keep_the_test_transaction_open():
    """Schemathesis calls the WSGI app directly, so each request fires request_started/finished, whose
    close_old_connections would close the test's connection mid-transaction on PostgreSQL (every later
    request then sees "the connection is closed"). Django's own test client unhooks it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(role: str, alice, bob, erin, ada, charlie) -> dict[str, str]:
    """Headers for one role of the cast, with a patient of alice's so some ids resolve to real rows."""
    PatientFactory(coordinator=alice)
    users = {"coordinator": alice, "expert": erin, "admin": ada, "outsider": charlie}
    if role == "anonymous":
        return {}
    return api_credentials(users[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator"])
@with_coverage.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, role_headers) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous"])
@with_coverage.include(accepts_anonymous).parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_public_operations_conform_to_the_schema_anonymously(case, role_headers) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous"])
@fuzzing_only.exclude(accepts_anonymous).parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_staff_operations_conform_to_the_schema_anonymously(case, role_headers) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", FUZZING_ROLES)
@fuzzing_only.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_for_every_other_role(case, role_headers) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)
