"""Demo mentoring: profiles and weekly times for the three demo mentors, lead mentors for the pilot's
officers, past sessions with notes and feedback, and upcoming bookings. officer@example.org keeps free
slots to book. One mentor has a one-off afternoon, another a week of leave. Idempotent: everything is
get_or_create, keyed on people and dates. The pilot teaches 10:00 to 14:00 on Tuesdays and leaves
14:00 to 16:00 as project time, so every demo session on a training day is in project time."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cohorts.demo import PILOT_SLUG
from cohorts.models import Cohort

from .models import AvailabilityException, AvailabilityWindow, Booking, MentorAllocation, MentorProfile

LONDON = ZoneInfo("Europe/London")
PROFILES = [
    (
        ["python", "pandas", "splink", "probabilistic_linkage"],
        "Leads the Campus work on record linkage with Splink.",
        45,
        3,
    ),
    (["sql", "data_cleaning", "fuzzy_matching", "python"], "Cleans messy address data for a living.", 30, 0),
    (["r", "visualisation", "statistics", "information_governance"], "Statistician; R, charts and IG advice.", 60, 4),
]
NOTES = [
    ("Reviewed blocking rules; the postcode rule was too loose.", "Add a surname block\nRe-run the m and u estimates"),
    ("Walked through cleaning UPRNs and addresses.", "Standardise flat numbers\nShare the notebook"),
]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def seed(people: dict) -> None:
    mentors, officers = people["mentors"], people["officers"]
    pilot = Cohort.objects.get(slug=PILOT_SLUG)
    for mentor, (expertise, bio, minutes, other_day) in zip(mentors, PROFILES, strict=True):
        MentorProfile.objects.get_or_create(
            mentor=mentor,
            defaults={"expertise": expertise, "bio": bio, "session_minutes": minutes, "buffer_minutes": 15},
        )
        for weekday in (pilot.training_weekday, other_day):
            AvailabilityWindow.objects.get_or_create(
                mentor=mentor,
                kind=AvailabilityWindow.Kind.WEEKLY,
                weekday=weekday,
                defaults={"starts_time": time(10), "ends_time": time(16)},
            )
    staff = people["staff"][0]
    for index, officer in enumerate(officers):
        MentorAllocation.objects.get_or_create(
            officer=officer, defaults={"mentor": mentors[index % len(mentors)], "assigned_by": staff}
        )

    today = timezone.localdate()
    last_tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    # A one-off afternoon (the Thursday after next) and a week of leave (in three weeks), so the
    # availability page shows both kinds.
    AvailabilityWindow.objects.get_or_create(
        mentor=mentors[2],
        kind=AvailabilityWindow.Kind.ONE_OFF,
        on_date=next_tuesday + timedelta(days=2),
        defaults={"starts_time": time(13), "ends_time": time(16)},
    )
    AvailabilityException.objects.get_or_create(
        mentor=mentors[1],
        starts_on=next_tuesday + timedelta(days=13),
        defaults={"ends_on": next_tuesday + timedelta(days=18), "reason": "Annual leave"},
    )
    # Past sessions: the first six officers with their lead mentor, one and two weeks ago.
    for index, officer in enumerate(officers[:6]):
        mentor = mentors[index % len(mentors)]
        day = last_tuesday - timedelta(weeks=index // 3)
        starts_at = _at(day, 14 + index % 2)  # project time: the pilot teaches 10:00 to 14:00
        notes, actions = NOTES[index % len(NOTES)]
        Booking.objects.get_or_create(
            officer=officer,
            starts_at=starts_at,
            defaults={
                "mentor": mentor,
                "created_by": officer,
                "ends_at": starts_at + timedelta(minutes=mentor.mentor_profile.session_minutes),
                "agenda": "Help with my linkage project",
                "notes": notes,
                "action_points": actions,
                "rating": 5 - index % 2,
                "feedback": "Really useful, thank you.",
            },
        )
    # Upcoming, in next Tuesday's project time: officer@ (officers[0]) has one, leaving one more
    # booking in that week for the demo.
    for index, officer in enumerate(officers[:4]):
        mentor = mentors[index % len(mentors)]
        starts_at = _at(next_tuesday, 14 if index < 3 else 15)
        Booking.objects.get_or_create(
            officer=officer,
            starts_at=starts_at,
            defaults={
                "mentor": mentor,
                "created_by": officer,
                "ends_at": starts_at + timedelta(minutes=mentor.mentor_profile.session_minutes),
                "agenda": "Next steps on matching our housing and council tax records",
            },
        )
