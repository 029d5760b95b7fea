"""Row ids from URLs and query strings: digits that fit a 64-bit key, or a clean 404/400.

A path like `/api/v1/follow-ups/abc/` or an id of 30 digits used to reach the ORM and fail there
(ValueError, or an integer the database cannot hold) as a 500.
"""

from typing import Any

from django.urls import register_converter
from rest_framework.exceptions import ValidationError

# At most 18 digits: always below 2**63, so every database's bigint can hold it.
ID_REGEX = "[0-9]{1,18}"
# The largest id a serializer's IntegerField should accept (`max_value=MAX_ID`) for the same reason.
MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:pk>` in a URL: like `<int:…>`, but a value no row can have does not match (→ 404)."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


def query_id(query_params: Any, name: str) -> int | None:
    """The id in `?name=`, None when absent or empty, a 400 naming `name` when it is not an id."""
    value = query_params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise ValidationError({name: [f"{name} must be a whole-number id, like ?{name}=42."]})
    return int(value)
