from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.insights_page, name="index"),
    path("<slug:key>.csv", views.insights_csv, name="csv"),
]
