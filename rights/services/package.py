"""The patient's data package: a one-time, expiring link (sent by message) to a readable summary of their
record and a download of the same record as a FHIR R4 bundle (interop's export).

Link states: active → spent (first successful download) | expired (7 days) | revoked (staff, or the
patient's erasure). Only the token's SHA-256 is stored; the message that carried the token has it cut
out once the link is spent or revoked.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from clinic.errors import Conflict, DomainError
from interop.export import care_record_bundle
from interop.selectors import CareRecordRows, care_record_rows
from messaging.models import Message, Status
from messaging.services import message_send, messages_cancel_pending
from patients.audit import audit_record
from patients.capabilities import can_manage_patient_rights
from patients.models import AuditAction, Patient
from rights.models import DataPackageLink, LinkState

LINK_VALID_DAYS = 7
MESSAGE_KIND = "data_package_link"
_TOKEN_IN_TEXT = re.compile(r"/r/[A-Za-z0-9_-]{20,}/")
_TOKEN_CUT = "/r/[used]/"


class PackageNotSent(Conflict):
    code = "package_not_sent"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def data_package_url(token: str, language: str) -> str:
    """The absolute link in the patient's language (/r/… in English, /hi/r/… in Hindi)."""
    with translation.override(language):
        return str(settings.PUBLIC_BASE_URL) + reverse("rights:package", args=[token])


def link_topic(link: DataPackageLink) -> str:
    return f"data-package:{link.pk}"


def data_package_link_create(
    *,
    actor: User,
    patient: Patient,
    channel: str | None = None,
    include_message_bodies: bool = True,
    request: HttpRequest | None = None,
    via: str = "console",
) -> DataPackageLink:
    """Make a link and send it to the patient; the link, its message and the audit entry commit together.

    A message that cannot go (no consent, opted out) undoes the whole thing with PackageNotSent, so no
    link exists that the patient was never sent."""
    if not can_manage_patient_rights(actor, patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can send the data package.")
    if patient.erased_at is not None:
        raise Conflict(
            "This patient's personal data was erased; there is nobody to send a package to.", field="patient"
        )
    if not patient.is_verified:
        raise DomainError(
            "This is an unverified booking; send the package from the patient's own record.", field="patient"
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        link = DataPackageLink.objects.create(
            patient=patient,
            token_hash=token_digest(token),
            include_message_bodies=include_message_bodies,
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=LINK_VALID_DAYS),
        )
        message = message_send(
            patient=patient,
            kind=MESSAGE_KIND,
            idempotency_key=f"data-package:{link.pk}",
            channel=channel or None,
            context={"url": data_package_url(token, patient.language), "expires_on": link.expires_at},
            topic=link_topic(link),
            sent_by=actor,
        )
        if message.status == Status.BLOCKED:
            raise PackageNotSent(f"The link was not sent, so none was made. {message.status_reason}", field="channel")
        link.message = message
        link.save(update_fields=["message"])
        audit_record(
            actor=actor,
            action=AuditAction.SEND,
            obj=link,
            patient=patient,
            changed_fields=["data_package_link", *(["message_bodies"] if include_message_bodies else [])],
            request=request,
            via=via,
        )
    return link


def _cut_token_from_message(link: DataPackageLink) -> None:
    """The link's token is a password: once it is no use, it is not kept in the message text either."""
    if link.message_id is None:
        return
    message = Message.objects.filter(pk=link.message_id).only("pk", "body", "content_variables").first()
    if message is None:
        return
    variables = {
        key: _TOKEN_IN_TEXT.sub(_TOKEN_CUT, value) if isinstance(value, str) else value
        for key, value in (message.content_variables or {}).items()
    }
    Message.objects.filter(pk=message.pk).update(
        body=_TOKEN_IN_TEXT.sub(_TOKEN_CUT, message.body), content_variables=variables
    )


def data_package_link_revoke(
    *, actor: User, link: DataPackageLink, request: HttpRequest | None = None, via: str = "console"
) -> DataPackageLink:
    """Stop a link from working (and its message from going, if still queued); a used or revoked link stays so."""
    if not can_manage_patient_rights(actor, link.patient):
        raise PermissionDenied("Only the patient's coordinator or an admin can revoke a data package link.")
    with transaction.atomic():
        now = timezone.now()
        revoked = DataPackageLink.objects.filter(pk=link.pk, revoked_at__isnull=True, spent_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if revoked:
            messages_cancel_pending(topic=link_topic(link))
            _cut_token_from_message(link)
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=link,
                patient=link.patient,
                changed_fields=["revoked_at"],
                request=request,
                via=via,
            )
        link.refresh_from_db()
    return link


@dataclass(frozen=True)
class PackageLookup:
    state: LinkState | None  # None: no link has this token
    link: DataPackageLink | None


def data_package_find(token: str) -> PackageLookup:
    """The link behind a token as the patient presents it (one query, with the patient)."""
    if not token or len(token) > 100:
        return PackageLookup(state=None, link=None)
    link = DataPackageLink.objects.select_related("patient").filter(token_hash=token_digest(token)).first()
    if link is None:
        return PackageLookup(state=None, link=None)
    return PackageLookup(state=link.state(), link=link)


def data_package_rows(link: DataPackageLink) -> CareRecordRows:
    return care_record_rows(patient=link.patient, with_message_bodies=link.include_message_bodies)


def data_package_open(*, link: DataPackageLink, request: HttpRequest | None = None) -> CareRecordRows:
    """The rows of the summary page; each opening is audited as the patient's own view (via "link")."""
    with transaction.atomic():
        DataPackageLink.objects.filter(pk=link.pk, first_opened_at__isnull=True).update(first_opened_at=timezone.now())
        audit_record(
            actor=AnonymousUser(), action=AuditAction.VIEW, obj=link, patient=link.patient, request=request, via="link"
        )
    return data_package_rows(link)


def data_package_download(
    *, token: str, request: HttpRequest | None = None
) -> tuple[DataPackageLink, dict[str, Any]] | None:
    """Spend the link and build its FHIR bundle, or None when it is unknown, used, expired or revoked.

    Compare-and-set: of two downloads at once exactly one gets the bundle. The spend, the bundle and the
    audit entry share a transaction, so a failure while building leaves the link unspent."""
    digest = token_digest(token) if token and len(token) <= 100 else ""
    with transaction.atomic():
        now = timezone.now()
        spent = DataPackageLink.objects.filter(
            token_hash=digest, spent_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(spent_at=now)
        if not spent:
            return None
        link = DataPackageLink.objects.select_related("patient").get(token_hash=digest)
        bundle = care_record_bundle(data_package_rows(link), with_message_bodies=link.include_message_bodies)
        audit_record(
            actor=AnonymousUser(),
            action=AuditAction.EXPORT,
            obj=link,
            patient=link.patient,
            changed_fields=["message_bodies"] if link.include_message_bodies else [],
            request=request,
            via="link",
        )
        _cut_token_from_message(link)
    return link, bundle
