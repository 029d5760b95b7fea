"""Version 1 of the API: each app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("consults.api_urls")),
    path("", include("patients.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("followups.api_urls")),
    path("", include("interop.urls")),  # FHIR export and import (issue 16)
    path("", include("rights.api_urls")),  # data package link, correction and erasure requests (issue 16)
]
