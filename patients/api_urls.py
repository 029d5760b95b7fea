"""Patients API under /api/v1/: staff only, same visibility and roles as the console, every call audited."""

from rest_framework.routers import SimpleRouter

from patients.api import access, medications, views

router = SimpleRouter()
router.register("patients", views.PatientViewSet, basename="patient")
router.register("care-records", views.CareRecordViewSet, basename="care-record")
router.register("genetic-tests", views.GeneticTestViewSet, basename="genetic-test")
router.register("results", views.ResultViewSet, basename="result")
router.register("lab-results", views.LabResultViewSet, basename="lab-result")
router.register("schedule-items", views.MonitoringItemViewSet, basename="schedule-item")
router.register("symptoms", views.SymptomReportViewSet, basename="symptom")
router.register("tasks", views.CareTaskViewSet, basename="task")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("resource-assignments", views.ResourceAssignmentViewSet, basename="resource-assignment")
router.register("notes", views.NoteViewSet, basename="note")
router.register("medications", medications.MedicationViewSet, basename="medication")
router.register("dose-changes", medications.DoseChangeViewSet, basename="dose-change")
router.register("care-team", access.CareTeamAssignmentViewSet, basename="care-team")

urlpatterns = router.urls
