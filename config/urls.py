from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from clinic.health import healthz
from clinic.views import bench_bare
from guide import views as guide_views
from interop.console import fhir_export_page
from patients.access_report import access_report
from patients.consent_console import consent_phone_record
from rights.console import retention_page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("bench/bare", bench_bare, name="bench-bare"),
    path("admin/insights/", include("insights.urls")),  # clinic insights (issue 14); before the admin catch-all
    # The care record's FHIR download page (issue 16); before admin/ so the admin's catch-all does not take it.
    path("admin/patients/patient/<int:pk>/fhir/", admin.site.admin_view(fhir_export_page), name="patient-fhir-page"),
    # The work queue's triage list and the header's patient search (issue 14); before the admin catch-all.
    path("admin/work/", include("patients.console_urls")),
    # Consent recorded by staff on the phone, and the admin's access report (issue 16); before admin/ too.
    path(
        "admin/patients/patient/<int:pk>/consent/",
        admin.site.admin_view(consent_phone_record),
        name="patient-consent-phone",
    ),
    path("admin/access-report/", access_report, name="access-report"),  # admins only; the view checks
    # Patient rights (issue 16): data package link, corrections, erasure; the admins' retention periods.
    path("admin/patients/patient/<int:pk>/rights/", include("rights.console_urls")),
    path("admin/rights/retention/", admin.site.admin_view(retention_page), name="rights-retention"),
    path("admin/", admin.site.urls),
    # Staff sign-in security: two-step login and personal API tokens (outside /admin/, so a user who
    # still owes the two-step login can reach these pages).
    path("account/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("config.api_urls")),
    path("messaging/", include("messaging.urls")),
    path("followups/", include("followups.urls")),
    path("", include("patients.urls")),
    # The patient guide (Wagtail): editors at /cms/; sitemap and robots for the whole public site.
    path("cms/", include("wagtail.admin.urls")),
    path("sitemap.xml", guide_views.sitemap, name="sitemap"),
    path("robots.txt", guide_views.robots, name="robots"),
]

# Public pages in English at / and in Hindi at /hi/: booking, manage links, web chat, guide search, then
# every guide page (Wagtail's catch-all, so it must come last).
urlpatterns += i18n_patterns(
    path("", include("consults.urls")),
    path("chat/", include("webchat.urls")),  # web chat (issue 13): /chat/ and /hi/chat/
    path("", include("rights.urls")),  # the patient's data package link /r/<token>/ (issue 16)
    path("search/", guide_views.search, name="guide-search"),
    path("", include("wagtail.urls")),
    prefix_default_language=False,
)

handler404 = "clinic.views.not_found"
handler500 = "clinic.views.server_error"
