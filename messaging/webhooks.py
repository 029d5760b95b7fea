"""Twilio webhooks: inbound messages and status callbacks. Both check `X-Twilio-Signature` against
the public URL Twilio called (PUBLIC_BASE_URL + path + query), store what they must, and answer
at once; routing and replies happen in a task."""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from clinic.api_errors import error_body
from clinic.errors import DomainError
from messaging.inbound import inbound_parse, inbound_record
from messaging.status import message_status_record

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def public_url(request: HttpRequest) -> str:
    # Behind the proxy the internal host differs from what Twilio signed: rebuild the public URL.
    return settings.PUBLIC_BASE_URL + request.get_full_path()


def signature_valid(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    # Every POST parameter is signed, including ones Twilio adds later: pass them all.
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(public_url(request), request.POST, signature)


def twilio_signed(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        if not signature_valid(request):
            logger.warning("rejected a Twilio webhook with a missing or wrong signature at %s", request.path)
            return HttpResponseForbidden("Invalid Twilio signature.", content_type="text/plain")
        return view(request)

    return checked


@csrf_exempt
@require_POST
@twilio_signed
def inbound(request: HttpRequest) -> HttpResponse:
    try:
        parsed = inbound_parse(request.POST)
    except DomainError as error:
        return JsonResponse(error_body(error), status=400)
    inbound_record(inbound=parsed)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
@twilio_signed
def status(request: HttpRequest) -> HttpResponse:
    sid = (request.POST.get("MessageSid") or request.POST.get("SmsSid") or "").strip()
    twilio_status = request.POST.get("MessageStatus") or request.POST.get("SmsStatus") or ""
    if not sid or not twilio_status:
        return JsonResponse({"code": "invalid", "detail": "MessageSid and MessageStatus are required."}, status=400)
    message_status_record(
        sid=sid[:34],
        twilio_status=twilio_status,
        error_code=request.POST.get("ErrorCode") or "",
        message_ref=request.GET.get("m", ""),
    )
    # Unknown SIDs are answered 200 too: Twilio retrying would not make them known.
    return HttpResponse("", content_type="text/plain")
