"""The care console: patient data admins, split by subdomain. Importing registers them."""

from patients.admin import audit, patient, resources, results, schedule, work

__all__ = ["audit", "patient", "resources", "results", "schedule", "work"]
