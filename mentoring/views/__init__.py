"""Mentoring pages, by concern. `mentoring.urls` refers to them as `views.<name>` as before."""

from .availability import (
    availability,
    availability_one_off_add,
    availability_window_delete,
    leave_add,
    leave_delete,
    profile_edit,
)
from .bookings import (
    book,
    booking_accept,
    booking_cancel,
    booking_confirmed,
    booking_detail,
    booking_feedback,
    booking_invite,
    booking_list,
    booking_move,
    booking_no_show,
    booking_notes,
    booking_propose,
    booking_reschedule,
    mentor_list,
    office_hours,
)
from .calendars import calendar_feed, calendar_page, calendar_reset
from .mentees import mentee_list
from .staff import allocations, utilisation

__all__ = [
    "allocations",
    "availability",
    "availability_one_off_add",
    "availability_window_delete",
    "book",
    "booking_accept",
    "booking_cancel",
    "booking_confirmed",
    "booking_detail",
    "booking_feedback",
    "booking_invite",
    "booking_list",
    "booking_move",
    "booking_no_show",
    "booking_notes",
    "booking_propose",
    "booking_reschedule",
    "calendar_feed",
    "calendar_page",
    "calendar_reset",
    "leave_add",
    "leave_delete",
    "mentee_list",
    "mentor_list",
    "office_hours",
    "profile_edit",
    "utilisation",
]
