"""The whole OpenAPI, fuzzed in-process by schemathesis: anonymous and as every role of the cast.

Bounded (the coverage phase plus MAX_EXAMPLES derandomized cases per operation) so it runs in
`make test`; it fails on any 5xx and on any documented response whose body does not match the
schema. (Status-code conformance is not checked: drf-spectacular documents success codes only, and
the 400/403/404 answers are checked to be JSON by the tests beside this one.)
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import api_credentials
from tests.factories.people import PatientFactory

ROLES = ["anonymous", "coordinator", "expert", "admin", "outsider"]
CHECKS = [not_a_server_error, response_schema_conformance]
MAX_EXAMPLES = 15

# Loaded at collection (pytest-django has set Django up by then): the schema endpoint needs no database.
# The coverage phase (boundary and invalid values for every parameter) finds most 500s; fuzzing adds
# MAX_EXAMPLES random cases per operation. Both are derandomized: the same cases on every run.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"unexpected-methods": [], "generate-duplicate-query-parameters": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def role_headers(role: str, alice, bob, erin, ada, charlie) -> dict[str, str]:
    """Headers for one role of the cast, with a patient of alice's so some ids resolve to real rows."""
    PatientFactory(coordinator=alice)
    users = {"coordinator": alice, "expert": erin, "admin": ada, "outsider": charlie}
    if role == "anonymous":
        return {}
    return api_credentials(users[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, role_headers) -> None:
    case.call_and_validate(headers=role_headers, checks=CHECKS)
