"""Patient-rights pages under /admin/patients/patient/<pk>/rights/ (mounted before the admin's catch-all)."""

from django.contrib import admin
from django.urls import path

import clinic.ids  # noqa: F401  (registers the <id:…> converter)
from rights import console

urlpatterns = [
    path("package/", admin.site.admin_view(console.package_send), name="rights-console-package"),
    path(
        "package/<id:link_id>/revoke/",
        admin.site.admin_view(console.package_revoke),
        name="rights-console-package-revoke",
    ),
    path("corrections/new/", admin.site.admin_view(console.correction_new), name="rights-console-correction-new"),
    path(
        "corrections/<id:correction_id>/",
        admin.site.admin_view(console.correction_decide),
        name="rights-console-correction",
    ),
    path("erasure/", admin.site.admin_view(console.erasure_record), name="rights-console-erasure-record"),
    path("erasure/<id:erasure_id>/", admin.site.admin_view(console.erasure_complete), name="rights-console-erasure"),
    path(
        "erasure/<id:erasure_id>/confirmation/",
        admin.site.admin_view(console.erasure_confirmation),
        name="rights-console-erasure-confirmation",
    ),
]
