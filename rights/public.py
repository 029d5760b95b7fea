"""The patient's data package page /r/<token>/ (and /hi/r/<token>/): a readable summary of their record,
printable, with a button that downloads the same record as a FHIR R4 file once.

The token is the only key. Unknown tokens get a 404 page; used, expired and revoked links a 410 page
that says which. Nothing here is cached or indexed.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from interop.codes import FHIR_JSON
from patients.models import ItemStatus
from rights.models import LinkState
from rights.services import data_package_download, data_package_find, data_package_open


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # includes no-store: health data stays out of browser and proxy caches
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token must not leak to a site the page links to; same-origin keeps the Origin the CSRF check needs.
    response["Referrer-Policy"] = "same-origin"
    return response


def _refused(request: HttpRequest, state: LinkState | None) -> HttpResponse:
    """404 for a token that was never issued; 410 for a link that is spent, expired or revoked."""
    if state is None:
        return _private(render(request, "rights/public/unknown.html", status=404))
    return _private(render(request, "rights/public/gone.html", {"state": state.value}, status=410))


@require_GET
def package_page(request: HttpRequest, token: str) -> HttpResponse:
    found = data_package_find(token)
    link = found.link
    if link is None or found.state is not LinkState.ACTIVE:
        return _refused(request, found.state)
    rows = data_package_open(link=link, request=request)
    context = {
        "link": link,
        "patient": link.patient,
        "rows": rows,
        "planned": [item for item in rows.schedule if item.status == ItemStatus.PLANNED],
        "resulted": [test for test in rows.tests if test.result_display],
        "token": token,
        "now": timezone.now(),
    }
    return _private(render(request, "rights/public/package.html", context))


@require_POST
def package_download(request: HttpRequest, token: str) -> HttpResponse:
    downloaded = data_package_download(token=token, request=request)
    if downloaded is None:
        state = data_package_find(token).state
        return _refused(request, LinkState.SPENT if state is LinkState.ACTIVE else state)
    link, bundle = downloaded
    body = json.dumps(bundle, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=f"{FHIR_JSON}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-record-{link.patient.reference}-fhir-r4.json"'
    return _private(response)
