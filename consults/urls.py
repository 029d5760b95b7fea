from django.urls import path

from consults import views, views_manage

app_name = "consults"

urlpatterns = [
    path("book/", views.book_start, name="book"),
    path("book/slots/", views.book_slots, name="book-slots"),
    path("book/details/", views.book_details, name="book-details"),
    path("c/<str:token>/", views_manage.manage, name="manage"),
    path("c/<str:token>/booked/", views_manage.booked, name="booked"),
    path("c/<str:token>/calendar.ics", views_manage.calendar_file, name="calendar"),
    path("c/<str:token>/reschedule/", views_manage.reschedule, name="reschedule"),
    path("c/<str:token>/cancel/", views_manage.cancel, name="cancel"),
]
