from django.urls import path

import clinic.ids  # noqa: F401  (registers the <id:…> path converter)
from followups import views

app_name = "followups"
urlpatterns = [
    path("patients/<id:patient_id>/pause/", views.pause, name="pause"),
    path("patients/<id:patient_id>/resume/", views.resume, name="resume"),
]
