from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import Cohort
from mentoring import digests as mentoring_digests
from mentoring.models import Booking
from notifications.digests import digest_week, digests_build
from notifications.registry import DigestBlock, DigestItem
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    OfficerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 6, 8)  # the digest's week: 8 to 14 June 2026
WEEK = digest_week(datetime.combine(MONDAY, time(8), tzinfo=LONDON))


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def booking(day: date, hour: int, *, minutes: int = 45, **fields) -> Booking:
    start = london(day, hour)
    return BookingFactory(starts_at=start, ends_at=start + timedelta(minutes=minutes), **fields)


def test_mentor_and_officer_digests_list_their_sessions_this_week_only():
    this_week = booking(date(2026, 6, 9), 10)
    mentor, officer = this_week.mentor, this_week.officer
    pending = booking(date(2026, 6, 11), 14, mentor=mentor, status=Booking.Status.PENDING)
    booking(date(2026, 6, 10), 10, mentor=mentor, officer=officer, status=Booking.Status.CANCELLED)
    booking(date(2026, 6, 15), 10, mentor=mentor, officer=officer)  # next week
    booking(date(2026, 6, 7), 23, mentor=mentor, officer=officer)  # Sunday before, 23:00 London

    by_user = {digest.user.pk: digest.blocks for digest in digests_build(week=WEEK, users=[mentor, officer])}

    assert by_user[mentor.pk] == [
        DigestBlock(
            title="Your mentoring sessions this week",
            items=[
                DigestItem(
                    text=f"Tuesday 9 June, 10am to 10:45am: with {officer.full_name}",
                    url=f"/mentoring/sessions/{this_week.pk}/",
                ),
                DigestItem(
                    text=(
                        f"Thursday 11 June, 2pm to 2:45pm: with {pending.officer.full_name} (waiting for the officer)"
                    ),
                    url=f"/mentoring/sessions/{pending.pk}/",
                ),
            ],
        )
    ]
    assert by_user[officer.pk] == [
        DigestBlock(
            title="Your mentoring sessions this week",
            items=[
                DigestItem(
                    text=f"Tuesday 9 June, 10am to 10:45am: with {mentor.full_name}",
                    url=f"/mentoring/sessions/{this_week.pk}/",
                )
            ],
        )
    ]


def test_staff_digest_gives_mentor_utilisation_last_week_per_running_cohort():
    cohort = CohortFactory(name="Pilot", status=Cohort.Status.RUNNING, start_date=date(2026, 5, 4))
    CohortFactory(name="Draft", status=Cohort.Status.DRAFT, start_date=date(2026, 5, 4))
    mentor = MentorProfileFactory(mentor__full_name="Ada Mentor").mentor
    idle = MentorProfileFactory(mentor__full_name="Bea Mentor").mentor
    AvailabilityWindowFactory(mentor=mentor, weekday=1, starts_time=time(10), ends_time=time(16))
    AvailabilityWindowFactory(
        mentor=mentor, kind="one_off", weekday=None, on_date=date(2026, 6, 4), starts_time=time(13), ends_time=time(15)
    )  # Thursday last week
    AvailabilityWindowFactory(mentor=idle, weekday=3, starts_time=time(10), ends_time=time(11))
    officer = EnrolmentFactory(cohort=cohort).officer
    booking(date(2026, 6, 2), 10, minutes=60, mentor=mentor, officer=officer)  # used
    booking(date(2026, 6, 2), 11, minutes=60, mentor=mentor, officer=officer, status=Booking.Status.NO_SHOW)
    booking(date(2026, 6, 2), 12, minutes=60, mentor=mentor, officer=officer, status=Booking.Status.CANCELLED)
    booking(date(2026, 6, 9), 10, minutes=60, mentor=mentor, officer=officer)  # this week: not counted
    staff = StaffFactory()

    assert mentoring_digests.staff_mentor_utilisation([staff], WEEK) == {
        staff.pk: [
            DigestBlock(
                title="Pilot: mentor time last week",
                items=[
                    DigestItem(text="All mentors: 9 hours offered, 2 booked, 1 used", url="/mentoring/utilisation/"),
                    DigestItem(text="Ada Mentor: 8 hours offered, 2 booked, 1 used"),
                    DigestItem(text="Bea Mentor: 1 hour offered, 0 booked, 0 used"),
                ],
            )
        ]
    }


def test_staff_mentor_utilisation_leaves_out_leave_days():
    cohort = CohortFactory(status=Cohort.Status.RUNNING, start_date=date(2026, 5, 4))
    mentor = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(16)).mentor
    mentor.leave.create(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 5))
    EnrolmentFactory(cohort=cohort)
    assert mentoring_digests.staff_mentor_utilisation([StaffFactory()], WEEK) == {}


@pytest.mark.parametrize(
    "build",
    [
        mentoring_digests.mentor_sessions_this_week,
        mentoring_digests.officer_sessions_this_week,
        mentoring_digests.staff_mentor_utilisation,
    ],
)
def test_mentoring_digest_sections_run_the_same_queries_for_one_and_many_recipients(build):
    def recipients(count: int):
        people = []
        cohort = CohortFactory(status=Cohort.Status.RUNNING, start_date=date(2026, 5, 4))
        for _ in range(count):
            mentor = AvailabilityWindowFactory(weekday=1, starts_time=time(10), ends_time=time(16)).mentor
            officer = EnrolmentFactory(cohort=cohort, officer=OfficerFactory()).officer
            booking(date(2026, 6, 9), 10, mentor=mentor, officer=officer)
            booking(date(2026, 6, 2), 11, mentor=mentor, officer=officer)
            people.append({"mentor": mentor, "officer": officer, "staff": StaffFactory()})
        role = {
            mentoring_digests.mentor_sessions_this_week: "mentor",
            mentoring_digests.officer_sessions_this_week: "officer",
        }.get(build, "staff")
        return [person[role] for person in people]

    one = recipients(1)
    with CaptureQueriesContext(connection) as one_queries:
        assert build(one, WEEK)
    many = recipients(6)
    with CaptureQueriesContext(connection) as many_queries:
        assert len(build(many, WEEK)) == 6
    assert len(one_queries) == len(many_queries)
