"""The patient's data package link, inside i18n_patterns: /r/<token>/ in English, /hi/r/<token>/ in Hindi."""

from django.urls import path

from rights import public

app_name = "rights"

urlpatterns = [
    path("r/<str:token>/", public.package_page, name="package"),
    path("r/<str:token>/download/", public.package_download, name="package-download"),
]
