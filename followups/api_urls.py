from rest_framework.routers import SimpleRouter

from followups import api

router = SimpleRouter()
router.register("medication-reminder-plans", api.MedicationPlanViewSet, basename="medication-reminder-plan")
router.register("checkin-plans", api.CheckinPlanViewSet, basename="checkin-plan")
router.register("follow-ups", api.FollowUpsViewSet, basename="follow-ups")

urlpatterns = router.urls
