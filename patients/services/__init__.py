"""Writes to patient data (`<entity>_<action>`, keyword-only, transactional). Import from here."""

from patients.services.monitoring import (
    monitoring_item_add,
    monitoring_item_complete,
    monitoring_item_override,
    monitoring_item_skip,
    monitoring_schedule_generate,
    protocol_values,
)
from patients.services.records import (
    care_record_refresh,
    care_record_save,
    care_sweep,
    medication_dose_change,
    medication_start,
    medication_stop,
    note_add,
    resource_assign,
)
from patients.services.results import genetic_test_result_record, genetic_test_save, lab_result_record, lab_result_save
from patients.services.symptoms import symptom_report_record
from patients.services.tasks import care_task_create, care_task_open, care_task_set_status

__all__ = [
    "care_record_refresh",
    "care_record_save",
    "care_sweep",
    "care_task_create",
    "care_task_open",
    "care_task_set_status",
    "genetic_test_result_record",
    "genetic_test_save",
    "lab_result_record",
    "lab_result_save",
    "medication_dose_change",
    "medication_start",
    "medication_stop",
    "monitoring_item_add",
    "monitoring_item_complete",
    "monitoring_item_override",
    "monitoring_item_skip",
    "monitoring_schedule_generate",
    "note_add",
    "protocol_values",
    "resource_assign",
    "symptom_report_record",
]
