"""Patient-rights routes under /api/v1/."""

from django.urls import path

import clinic.ids  # noqa: F401  (registers the <id:…> path converter)
from rights import api

urlpatterns = [
    path("patients/<id:pk>/data-package-links/", api.PatientPackageLinks.as_view(), name="patient-package-links"),
    path("data-package-links/<id:pk>/revoke/", api.PackageLinkRevoke.as_view(), name="package-link-revoke"),
    path("correction-requests/", api.CorrectionList.as_view(), name="correction-requests"),
    path("correction-requests/<id:pk>/", api.CorrectionDetail.as_view(), name="correction-request"),
    path("erasure-requests/", api.ErasureList.as_view(), name="erasure-requests"),
    path("erasure-requests/<id:pk>/", api.ErasureDetail.as_view(), name="erasure-request"),
    path("erasure-requests/<id:pk>/complete/", api.ErasureComplete.as_view(), name="erasure-request-complete"),
]
