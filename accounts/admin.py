"""Console: unlock sign-ins, remove a lost second factor, revoke anyone's API token (admins only, audited)."""

from axes.admin import AccessAttemptAdmin
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import login_lockout_clear
from accounts.mfa import mfa_device_remove
from accounts.models import ApiToken, SignInLock
from accounts.tokens import api_token_revoke
from patients.capabilities import can_manage_sign_in_security


class AdminOnly:
    """Sign-in security is for admins: nobody else sees these lists."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_sign_in_security(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_sign_in_security(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SignInLock)
class LockoutAdmin(AdminOnly, AccessAttemptAdmin):
    """Failed sign-ins per username and address; deleting a row (or "Unlock") lets that pair sign in again."""

    actions = ["unlock"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_sign_in_security(request.user)

    @admin.action(description="Unlock the selected sign-ins")
    def unlock(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        count = 0
        for attempt in queryset:
            login_lockout_clear(attempt=attempt, actor=request.user, request=request)
            count += 1
        self.message_user(request, f"Unlocked {count} sign-in record(s); they can sign in again now.",
                          messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: SignInLock) -> None:
        login_lockout_clear(attempt=obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        for attempt in queryset:
            login_lockout_clear(attempt=attempt, actor=request.user, request=request)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminOnly, admin.ModelAdmin):
    """Every staff member's tokens (never their secrets); an admin revokes any of them here."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "status"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Revoked tokens stay listed: the audit trail refers to them.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token, actor=request.user, request=request)
        self.message_user(request, f"Revoked {len(queryset)} token(s); they stop working at once.", messages.SUCCESS)


# django-otp's own admins show each device's secret key (and a QR code of it) and the recovery codes in
# plain text: an admin could copy a colleague's second factor. These replace them: who has what, and an
# audited "remove" for a lost phone (the user then enrols again).
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class DeviceAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_sign_in_security(request.user)

    def delete_model(self, request: HttpRequest, obj: TOTPDevice | StaticDevice) -> None:
        mfa_device_remove(device=obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for device in queryset:
            mfa_device_remove(device=device, actor=request.user, request=request)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
