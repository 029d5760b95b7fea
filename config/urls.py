from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.health import healthz
from config.views import bench_bare
from guide import views as guide_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("bench/bare", bench_bare, name="bench-bare"),
    path("admin/", admin.site.urls),
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

# Public pages in English at / and in Hindi at /hi/: booking, manage links, guide search, then every
# guide page (Wagtail's catch-all, so it must come last).
urlpatterns += i18n_patterns(
    path("", include("consults.urls")),
    path("search/", guide_views.search, name="guide-search"),
    path("", include("wagtail.urls")),
    prefix_default_language=False,
)

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
