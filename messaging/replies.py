"""Replies to prompts: apps register a handler for the kind of message that asks the patient
something (a consult reminder: C/R/X; a dose check: TAKEN; a symptom check-in).

A patient's message that is not a keyword (STOP, HELP…) is offered to the handler of the most
recent outbound message of a registered kind on the same channel, if Twilio took that message
within MESSAGING_REPLY_WINDOW_HOURS. The handler returns True when it dealt with the reply (the
message is then marked handled); False (or an exception) leaves it unread in the conversation for
a coordinator. Handlers run inside the routing task's transaction and may call message_send.
"""

from collections.abc import Callable

_handlers: dict[str, Callable[..., bool]] = {}


def register_reply_handler(kind: str, handler: Callable[..., bool]) -> Callable[..., bool]:
    """Route replies to messages of `kind` to handler(*, inbound, prompt) -> bool. One handler per kind."""
    _handlers[kind] = handler
    return handler


def unregister_reply_handler(kind: str) -> None:
    _handlers.pop(kind, None)


def reply_handler_for(kind: str) -> Callable[..., bool] | None:
    return _handlers.get(kind)


def registered_reply_kinds() -> list[str]:
    return sorted(_handlers)
