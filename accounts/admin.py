"""Console: unlock sign-ins, remove a lost second factor, revoke anyone's API token, set a staff member's
time zone (admins only, audited)."""

from axes.admin import AccessAttemptAdmin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import login_lockout_clear
from accounts.mfa import mfa_device_remove
from accounts.models import ApiToken, SignInLock, StaffProfile
from accounts.preferences import staff_time_zone_set
from accounts.tokens import api_token_revoke
from clinic.date_inputs import ConsoleDatesMixin
from clinic.roles import ROLE_GROUPS, is_admin, is_clinic_staff
from clinic.timezones import zone_choices
from patients.capabilities import can_change_staff_settings, can_manage_sign_in_security


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
class LockoutAdmin(ConsoleDatesMixin, AdminOnly, AccessAttemptAdmin):
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
        self.message_user(request, f"Unlocked {count} sign-in record(s); they can sign in again now.", messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: SignInLock) -> None:
        login_lockout_clear(attempt=obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        for attempt in queryset:
            login_lockout_clear(attempt=attempt, actor=request.user, request=request)


@admin.register(ApiToken)
class ApiTokenAdmin(ConsoleDatesMixin, AdminOnly, admin.ModelAdmin):
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


class DeviceAdmin(ConsoleDatesMixin, AdminOnly, admin.ModelAdmin):
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


class StaffProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Console pages show this person's dates and times in this zone, from their next sign-in.",
        error_messages={"invalid_choice": "Choose a time zone from the list, e.g. Asia/Kolkata or Europe/London."},
    )

    class Meta:
        model = StaffProfile
        fields = ["user", "time_zone"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", f"The clinic's zone ({settings.TIME_ZONE})"), *zone_choices()]
        if "user" in self.fields:
            staff = Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS)
            self.fields["user"].queryset = (
                get_user_model().objects.filter(staff, is_active=True).distinct().order_by("username")
            )

    def clean(self) -> dict:
        data = super().clean()
        user = data.get("user") or getattr(self.instance, "user", None)
        if user is not None and not is_clinic_staff(user):
            self.add_error(
                "user" if "user" in self.fields else None,
                "Settings are for clinic staff accounts: give this person a role first.",
            )
        return data


@admin.register(StaffProfile)
class StaffProfileAdmin(ConsoleDatesMixin, admin.ModelAdmin):
    """Admins set anyone's console time zone; each person sets their own on "My settings"."""

    form = StaffProfileForm
    list_display = ["user", "zone", "updated_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "time_zone"]
    list_select_related = ["user"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_admin(request.user) and (obj is None or can_change_staff_settings(request.user, obj.user))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an empty zone means "the clinic's"; the row stays for the audit trail

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["user"] if obj is not None else []

    @admin.display(description="time zone", ordering="time_zone")
    def zone(self, obj: StaffProfile) -> str:
        return obj.time_zone or f"The clinic's ({settings.TIME_ZONE})"

    def save_model(self, request: HttpRequest, obj: StaffProfile, form: forms.ModelForm, change: bool) -> None:
        # Through the service: the same checks and audit entry as "My settings".
        saved = staff_time_zone_set(
            user=obj.user, time_zone=form.cleaned_data["time_zone"], by=request.user, request=request
        )
        obj.pk, obj.updated_at = saved.pk, saved.updated_at
