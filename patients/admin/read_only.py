"""Console pages that only show a log (messages, the audit trail): nobody adds, changes or deletes a row there."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Put first among a ModelAdmin's bases: its rows can be listed and opened, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
