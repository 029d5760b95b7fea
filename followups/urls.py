from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("patients/<int:patient_id>/pause/", views.pause, name="pause"),
    path("patients/<int:patient_id>/resume/", views.resume, name="resume"),
]
