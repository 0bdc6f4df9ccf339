from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.booking_list, name="booking_list"),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/<int:mentor_id>/book/", views.book, name="book"),
    path("office-hours/", views.office_hours, name="office_hours"),
    path("sessions/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("sessions/<int:pk>/booked/", views.booking_confirmed, name="booking_confirmed"),
    path("sessions/<int:pk>/invite.ics", views.booking_invite, name="booking_invite"),
    path("sessions/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("sessions/<int:pk>/move/", views.booking_reschedule, name="booking_reschedule"),
    path("sessions/<int:pk>/notes/", views.booking_notes, name="booking_notes"),
    path("sessions/<int:pk>/no-show/", views.booking_no_show, name="booking_no_show"),
    path("sessions/<int:pk>/feedback/", views.booking_feedback, name="booking_feedback"),
    path("sessions/<int:pk>/accept/", views.booking_accept, name="booking_accept"),
    path("sessions/<int:pk>/ask-to-move/", views.booking_move, name="booking_move"),
    path("mentees/", views.mentee_list, name="mentee_list"),
    path("mentees/<int:officer_id>/schedule/", views.booking_propose, name="booking_propose"),
    path("availability/", views.availability, name="availability"),
    path("availability/profile/", views.profile_edit, name="profile_edit"),
    path("availability/one-off/", views.availability_one_off_add, name="availability_one_off_add"),
    path("availability/<int:pk>/delete/", views.availability_window_delete, name="availability_window_delete"),
    path("availability/leave/", views.leave_add, name="leave_add"),
    path("availability/leave/<int:pk>/delete/", views.leave_delete, name="leave_delete"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/feed/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("allocations/", views.allocations, name="allocations"),
    path("utilisation/", views.utilisation, name="utilisation"),
]
