"""URLs for bench/slots.py: the whole site plus a bare JSON view to compare booking against."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def bare_json(request: HttpRequest) -> JsonResponse:
    """Parse the same JSON body and answer 201: the floor a booking POST cannot beat."""
    body = json.loads(request.body or b"{}")
    return JsonResponse({"received": len(body)}, status=201)


urlpatterns = [path("bench/bare/", bare_json), *site_urlpatterns]
