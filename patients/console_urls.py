"""The work queue's console pages, under /admin/work/ (mounted before the admin's catch-all)."""

from django.contrib import admin
from django.urls import path

from patients import console_views

urlpatterns = [
    path("triage/", admin.site.admin_view(console_views.triage_page), name="console-triage"),
    path("triage/<int:pk>/take/", admin.site.admin_view(console_views.triage_take), name="console-triage-take"),
    path("search/", admin.site.admin_view(console_views.search_page), name="console-search"),
]
