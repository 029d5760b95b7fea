from django.urls import path

from consults import views

app_name = "consults"

urlpatterns = [
    path("", views.home, name="home"),
]
