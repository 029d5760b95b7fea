"""What came in through the FHIR import: one row per imported Observation identifier."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ImportedObservation(models.Model):
    """An Observation recorded from outside, keyed by its identifier so a re-send changes nothing.

    The unique constraint on (system, value) is the guard: a second import of the same identifier,
    even a concurrent one, cannot create a second result.
    """

    identifier_system = models.CharField(max_length=255)
    identifier_value = models.CharField(max_length=255)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="imported_observations")
    genetic_test = models.OneToOneField(
        "patients.GeneticTest", null=True, blank=True, on_delete=models.CASCADE, related_name="fhir_import"
    )
    lab_result = models.OneToOneField(
        "patients.LabResult", null=True, blank=True, on_delete=models.CASCADE, related_name="fhir_import"
    )
    # sha256 of the resource as sent: the same identifier with other values is a conflict, not a re-send.
    fingerprint = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_system", "identifier_value"], name="one_import_per_observation_identifier"
            ),
            models.CheckConstraint(
                condition=Q(genetic_test__isnull=False, lab_result__isnull=True)
                | Q(genetic_test__isnull=True, lab_result__isnull=False),
                name="import_records_one_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier_system}|{self.identifier_value}"
