from django.urls import path

from webchat import views

app_name = "webchat"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("t/<str:token>/", views.thread, name="thread"),
    path("t/<str:token>/leave/", views.leave, name="leave"),
]
