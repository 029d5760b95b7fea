"""Consult-specific domain errors (see clinic/errors.py; shown on forms and in the API by config's mappers)."""

from collections.abc import Sequence
from http import HTTPStatus

from clinic.errors import Conflict, DomainError
from consults.slots import Slot


class SlotTaken(Conflict):
    """Someone else booked the time first; carries the next free slots to offer instead (the caller shows
    them in the viewer's zone)."""

    code = "slot_taken"

    def __init__(self, message: str, *, next_slots: Sequence[Slot] = (), expert_names: dict[int, str] | None = None):
        super().__init__(message, field="start")
        self.next_slots = list(next_slots)
        self.expert_names = expert_names or {}


class UpcomingLimitReached(Conflict):
    code = "upcoming_limit"


class ConsultNotChangeable(Conflict):
    code = "not_changeable"


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different request body."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
