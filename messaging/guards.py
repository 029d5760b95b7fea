"""Send guards: other apps may block automated kinds for a patient (e.g. follow-ups paused).

A guard is `guard(*, patient, kind) -> str`: a non-empty plain-language reason blocks the message
(status `blocked`, the reason shown to coordinators). Registered in an AppConfig.ready(); messaging
never imports the apps that register them.
"""

from collections.abc import Callable

from patients.models import Patient

SendGuard = Callable[..., str]
_guards: list[SendGuard] = []


def register_send_guard(guard: SendGuard) -> SendGuard:
    if guard not in _guards:
        _guards.append(guard)
    return guard


def send_guard_reason(*, patient: Patient, kind: str) -> str:
    """The first guard's reason to block this message, or ""."""
    for guard in _guards:
        reason = guard(patient=patient, kind=kind)
        if reason:
            return reason
    return ""
