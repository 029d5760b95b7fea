"""Public web chat pages: start (name + mobile), code, the private thread, leave. Every page is
`noindex` and `Cache-Control: no-store`; the thread is shown only to the browser session that
proved the number, and ends with that session."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from clinic.errors import DomainError
from clinic.form_errors import add_service_errors
from patients.audit import client_ip
from webchat.forms import ChatCodeForm, ChatMessageForm, ChatStartForm
from webchat.models import PhoneVerification, WebChat
from webchat.selectors import chat_thread
from webchat.services import (
    ChatEnded,
    chat_end,
    chat_for_session,
    chat_mark_seen,
    chat_message_post,
    verification_check,
    verification_start,
)

SESSION_VERIFICATION = "webchat_verification"
SESSION_CHAT = "webchat_chat"


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No caching anywhere (shared computers, proxies) and no search engine indexing."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # includes no-store
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _open_chat(request: HttpRequest) -> WebChat | None:
    try:
        return chat_for_session(
            token=request.session.get(SESSION_CHAT, ""), session_token=request.session.get(SESSION_CHAT)
        )
    except ChatEnded:
        return None


def codes_can_be_sent() -> bool:
    # The console backend only prints codes: fine for `make run`, useless to a real patient. With
    # debug off and no Verify service configured, say so instead of promising an SMS.
    return settings.DEBUG or settings.VERIFY_BACKEND != "console"


@private_page
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not codes_can_be_sent():
        return render(request, "webchat/unavailable.html", status=503)
    chat = _open_chat(request)
    if chat is not None:
        return redirect("webchat:thread", token=chat.token)
    form = ChatStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = verification_start(
                phone=form.cleaned_data["phone"].as_e164,
                full_name=form.cleaned_data["name"],
                consent_sms=form.cleaned_data["consent_sms"],
                ip_address=client_ip(request),
            )
        except DomainError as error:
            add_service_errors(form, error)
            return render(request, "webchat/start.html", {"form": form}, status=error.status)
        request.session[SESSION_VERIFICATION] = verification.pk
        return redirect("webchat:code")
    context = {"form": form, "left": request.GET.get("left") == "1"}
    return render(request, "webchat/start.html", context, status=400 if form.errors else 200)


@private_page
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    verification = PhoneVerification.objects.filter(pk=request.session.get(SESSION_VERIFICATION) or 0).first()
    if verification is None:
        return redirect("webchat:start")
    form = ChatCodeForm(request.POST or None)
    context = {"form": form, "phone_end": verification.phone[-4:], "ttl_minutes": settings.VERIFY_CODE_TTL_MINUTES}
    if request.method == "POST" and form.is_valid():
        try:
            chat = verification_check(
                verification=verification, code=form.cleaned_data["code"], language=request.LANGUAGE_CODE
            )
        except DomainError as error:
            add_service_errors(form, error, fallback="code")
            return render(request, "webchat/code.html", context, status=error.status)
        # A new session key once the number is proven (no session fixation); the chat ends with
        # the browser session (expiry 0 = when the browser closes).
        request.session.cycle_key()
        request.session.pop(SESSION_VERIFICATION, None)
        request.session[SESSION_CHAT] = chat.token
        request.session.set_expiry(0)
        return redirect("webchat:thread", token=chat.token)
    return render(request, "webchat/code.html", context, status=400 if form.errors else 200)


@private_page
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, token: str) -> HttpResponse:
    try:
        chat = chat_for_session(token=token, session_token=request.session.get(SESSION_CHAT))
    except ChatEnded as exc:
        raise Http404("This chat is not open in this browser.") from exc
    form = ChatMessageForm.blank()
    status = 200
    if request.method == "POST":
        form = ChatMessageForm(request.POST)
        if form.is_valid():
            try:
                chat_message_post(
                    chat=chat, text=form.cleaned_data["text"], idempotency_key=form.cleaned_data["idempotency_key"]
                )
            except DomainError as error:
                add_service_errors(form, error, fallback="text")
                status = error.status
            else:
                return redirect("webchat:thread", token=chat.token)
        else:
            status = 400
    chat_mark_seen(chat=chat)
    context = {"chat": chat, "thread": chat_thread(chat), "form": form}
    template = "webchat/_messages.html" if request.GET.get("partial") == "1" else "webchat/thread.html"
    return render(request, template, context, status=status)


@private_page
@require_POST
def leave(request: HttpRequest, token: str) -> HttpResponse:
    try:
        chat = chat_for_session(token=token, session_token=request.session.get(SESSION_CHAT))
    except ChatEnded as exc:
        raise Http404("This chat is not open in this browser.") from exc
    chat_end(chat=chat)
    request.session.flush()
    # A notice in the page itself, not a flash message: the session that would carry it is gone.
    return redirect(reverse("webchat:start") + "?left=1")
