"""Audit trail for staff access to patient data: every view and change, who, when, from where.

Call `audit_record` from any staff-facing code path (admin, API, console pages) that shows or
changes patient data. `AuditedAdminMixin` does it for ModelAdmins; `AuditedAPIMixin` for DRF views.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest

from clinic.observability import request_id_var
from clinic.request_guards import client_address
from patients.models import AuditAction, AuditEntry, Patient


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # A client can send X-Real-IP or X-Forwarded-For itself: only what NUM_PROXIES vouches for counts.
    return client_address(request) or None


def patient_of(obj: models.Model | None) -> Patient | None:
    if obj is None:
        return None
    if isinstance(obj, Patient):
        return obj
    patient = getattr(obj, "patient", None)
    return patient if isinstance(patient, Patient) else None


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    action: str,
    obj: models.Model | None = None,
    patient: Patient | None = None,
    changed_fields: Iterable[str] = (),
    request: HttpRequest | None = None,
    via: str = "admin",
    list_of: type[models.Model] | None = None,
    query: str = "",
) -> AuditEntry:
    """Write one audit entry; `patient` defaults to the object's own patient.

    For a list page or list API call pass `list_of` (the model listed) and the `query` used instead of `obj`.
    """
    patient = patient or patient_of(obj)
    if list_of is not None:
        object_type, object_id, object_repr = list_of._meta.label, "", f"list {query}".strip()[:200]
    else:
        object_type = obj._meta.label if obj is not None else ""
        object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
        object_repr = str(obj)[:200] if obj is not None else ""
    return AuditEntry.objects.create(
        actor=actor if actor.is_authenticated else None,
        actor_name=actor.get_username() if actor.is_authenticated else "anonymous",
        action=action,
        patient=patient,
        patient_ref=patient.pk if patient else None,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changed_fields=sorted(changed_fields),
        via=via,
        ip_address=client_ip(request),
        user_agent=(request.headers.get("User-Agent", "")[:200] if request is not None else ""),
        request_id=request_id_var.get() if request is not None else "",
    )


def audit_list_view(
    *, actor: AbstractBaseUser | AnonymousUser, request: HttpRequest, listed: type[models.Model], via: str
) -> AuditEntry:
    """One view entry per list page or list API call: which list and which filters (its query), not each row."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        request=request,
        via=via,
        list_of=listed,
        query=request.META.get("QUERY_STRING", ""),
    )


class AuditedAdminMixin:
    """ModelAdmin mixin: records each change-page view, save and delete of patient data.

    Pair it with patients.admin_base.ServiceRefusalAdminMixin, which shows a service's refusal on the form.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(actor=request.user, action=AuditAction.VIEW, obj=obj, request=request)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            audit_list_view(actor=request.user, request=request, listed=self.model, via="admin")
        return response

    def save_model(self, request, obj, form, change):
        self.persist_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
            changed_fields=form.changed_data if form is not None else (),
            request=request,
        )

    def persist_model(self, request, obj, form, change):
        """Write the object; override to route the write through a service."""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(
                actor=request.user,
                action=AuditAction.CREATE,
                obj=obj,
                request=request,
                changed_fields=[f.name for f in obj._meta.concrete_fields if f.editable],
            )
        for obj, fields in formset.changed_objects:
            audit_record(actor=request.user, action=AuditAction.CHANGE, obj=obj, changed_fields=fields, request=request)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, request=request)

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, request=request)
        super().delete_queryset(request, queryset)


class AuditedAPIMixin:
    """DRF generic-view mixin: records retrieve, create, update and delete of patient data."""

    audit_via = "api"

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_list_view(actor=request.user, request=request, listed=self.get_queryset().model, via="api")
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=self.get_object(), request=request, via="api")
        return response

    # Each write and its audit entry commit together, as the admin's (atomic) change form does.
    def perform_create(self, serializer):
        with transaction.atomic():
            super().perform_create(serializer)
            self._audit_saved(serializer, AuditAction.CREATE)

    def perform_update(self, serializer):
        with transaction.atomic():
            super().perform_update(serializer)
            self._audit_saved(serializer, AuditAction.CHANGE)

    def _audit_saved(self, serializer, action):
        audit_record(
            actor=self.request.user,
            action=action,
            obj=serializer.instance,
            changed_fields=serializer.validated_data.keys(),
            request=self.request,
            via="api",
        )

    def perform_destroy(self, instance):
        with transaction.atomic():
            audit_record(
                actor=self.request.user, action=AuditAction.DELETE, obj=instance, request=self.request, via="api"
            )
            super().perform_destroy(instance)
