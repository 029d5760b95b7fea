"""Writes for patient rights (`<entity>_<action>`, keyword-only, transactional, audited). Import from here."""

from rights.services.corrections import correction_request_decide, correction_request_record
from rights.services.erasure import erasure_request_complete, erasure_request_record
from rights.services.package import (
    data_package_download,
    data_package_find,
    data_package_link_create,
    data_package_link_revoke,
    data_package_open,
)
from rights.services.retention import retention_policy_current, retention_policy_update

__all__ = [
    "correction_request_decide",
    "correction_request_record",
    "data_package_download",
    "data_package_find",
    "data_package_link_create",
    "data_package_link_revoke",
    "data_package_open",
    "erasure_request_complete",
    "erasure_request_record",
    "retention_policy_current",
    "retention_policy_update",
]
