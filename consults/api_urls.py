from django.urls import path

import clinic.ids  # noqa: F401  (registers the <id:…> path converter)
from consults import api_public, api_staff

urlpatterns = [
    path("experts/", api_public.ExpertListApi.as_view(), name="api-experts"),
    path("experts/<id:expert_id>/slots/", api_public.ExpertSlotsApi.as_view(), name="api-expert-slots"),
    path("slots/", api_public.SlotSearchApi.as_view(), name="api-slots"),
    path("consults/", api_public.ConsultBookApi.as_view(), name="api-consult-book"),
    path("consults/manage/<str:token>/", api_public.ManageApi.as_view(), name="api-consult-manage"),
    path(
        "consults/manage/<str:token>/reschedule/",
        api_public.ManageRescheduleApi.as_view(),
        name="api-consult-reschedule",
    ),
    path("consults/manage/<str:token>/cancel/", api_public.ManageCancelApi.as_view(), name="api-consult-cancel"),
    path("staff/consults/", api_staff.ConsultStaffListApi.as_view(), name="api-staff-consults"),
    path("staff/consults/<id:consult_id>/", api_staff.ConsultStaffDetailApi.as_view(), name="api-staff-consult"),
    path(
        "staff/consults/<id:consult_id>/complete/",
        api_staff.ConsultCompleteApi.as_view(),
        name="api-staff-consult-complete",
    ),
    path(
        "staff/consults/<id:consult_id>/no-show/",
        api_staff.ConsultNoShowApi.as_view(),
        name="api-staff-consult-no-show",
    ),
    path(
        "staff/consults/<id:consult_id>/cancel/",
        api_staff.ConsultStaffCancelApi.as_view(),
        name="api-staff-consult-cancel",
    ),
]
