"""FHIR routes under /api/v1/."""

from django.urls import path

from interop import api

urlpatterns = [
    path("patients/<int:pk>/fhir/", api.PatientFhirExportView.as_view(), name="patient-fhir-export"),
    path("fhir/Observation", api.ObservationImportView.as_view(), name="fhir-observation-import"),
]
