from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa/setup/", views.mfa_setup, name="mfa-setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("tokens/", views.tokens, name="tokens"),
    path("settings/", views.preferences, name="preferences"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
