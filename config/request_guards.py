"""Refuse input no view can use before it reaches one."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from config.views import not_found, wants_json


class NulQueryMiddleware:
    """A NUL character in a query parameter answers 400 naming the parameter; in the path, 404.

    PostgreSQL text cannot hold NUL, so any filter built from such a value (including the admin's
    own list filters) would otherwise fail inside the database as a 500. Forms and serializers
    already refuse NUL in posted fields; this covers the query string every list page reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            # No URL of ours contains NUL; a token or id with one would reach the database otherwise.
            return not_found(request)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                field = name.replace("\x00", "")
                detail = f"The parameter {field!r} contains a NUL character; remove it and try again."
                if wants_json(request):
                    return JsonResponse({"code": "invalid", "detail": detail, "field": field, field: [detail]},
                                        status=400)
                return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
