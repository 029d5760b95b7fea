"""Consult-specific domain errors (mapped to form messages and HTTP codes by config.errors)."""

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

from rest_framework import status as http

from config.errors import Conflict, DomainError
from consults.slots import Slot


def slot_json(slot: Slot, tz: tzinfo, expert_names: dict[int, str]) -> dict[str, Any]:
    return {
        "start": slot.start.astimezone(tz).isoformat(),
        "end": slot.end.astimezone(tz).isoformat(),
        "expert": slot.expert_id,
        "expert_name": expert_names.get(slot.expert_id, ""),
    }


class SlotTaken(Conflict):
    """Someone else booked the time first; carries the next free slots to offer instead."""

    code = "slot_taken"

    def __init__(self, message: str, *, next_slots: Sequence[Slot] = (), expert_names: dict[int, str] | None = None):
        super().__init__(message, field="start")
        self.next_slots = list(next_slots)
        self.expert_names = expert_names or {}
        self.tz: tzinfo = UTC  # the API sets the caller's zone before the error is rendered

    def as_json(self) -> dict[str, Any]:
        body = super().as_json()
        body["next_slots"] = [slot_json(slot, self.tz, self.expert_names) for slot in self.next_slots]
        return body


class UpcomingLimitReached(Conflict):
    code = "upcoming_limit"


class ConsultNotChangeable(Conflict):
    code = "not_changeable"


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different request body."""

    status = http.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
