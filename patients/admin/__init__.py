"""The care console: patient data admins, split by subdomain. Importing registers them."""

from patients.admin import access, audit, patient, resources, results, schedule, work

__all__ = ["access", "audit", "patient", "resources", "results", "schedule", "work"]
