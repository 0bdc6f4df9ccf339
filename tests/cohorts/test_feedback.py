from datetime import datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.digest_sections import officer_feedback_open
from cohorts.models import Attendance, SessionFeedback
from cohorts.services import LONDON, FeedbackRefused, feedback_submit, sessions_awaiting_feedback
from notifications.registry import DigestWeek
from tests.factories import AttendanceFactory, EnrolmentFactory, RunningCohortFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

RATINGS = {"pace": 4, "clarity": 5, "usefulness": 3}


def attended_session(*, ended_days_ago: float = 1, mark=Attendance.Mark.PRESENT, cohort=None):
    cohort = cohort or RunningCohortFactory()
    ends = timezone.now() - timedelta(days=ended_days_ago)
    session = TrainingSessionFactory(cohort=cohort, starts_at=ends - timedelta(hours=6), ends_at=ends)
    enrolment = EnrolmentFactory(cohort=cohort)
    AttendanceFactory(session=session, enrolment=enrolment, mark=mark)
    return session, enrolment.officer


def test_feedback_submit_once_then_refused():
    session, officer = attended_session()
    feedback_submit(session=session, officer=officer, went_well=" Examples ", **RATINGS)
    with pytest.raises(FeedbackRefused, match="already given feedback"):
        feedback_submit(session=session, officer=officer, **RATINGS)
    assert list(SessionFeedback.objects.values_list("officer", "pace", "went_well")) == [(officer.pk, 4, "Examples")]


def test_feedback_database_holds_one_response_per_officer_per_session():
    session, officer = attended_session()
    SessionFeedback.objects.create(session=session, officer=officer, **RATINGS)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFeedback.objects.create(session=session, officer=officer, **RATINGS)


def test_feedback_database_refuses_a_rating_outside_1_to_5():
    session, officer = attended_session()
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFeedback.objects.create(session=session, officer=officer, pace=6, clarity=1, usefulness=1)


@pytest.mark.parametrize(
    ("ended_days_ago", "mark", "reason"),
    [
        (8, Attendance.Mark.PRESENT, "closed 7 days after"),
        (-1, Attendance.Mark.PRESENT, "opens when it ends"),
        (1, Attendance.Mark.ABSENT, "Only officers marked as attending"),
    ],
)
def test_feedback_submit_refused_outside_the_window_or_without_attending(ended_days_ago, mark, reason):
    session, officer = attended_session(ended_days_ago=ended_days_ago, mark=mark)
    with pytest.raises(FeedbackRefused, match=reason):
        feedback_submit(session=session, officer=officer, **RATINGS)
    assert SessionFeedback.objects.count() == 0


def test_sessions_awaiting_feedback_lists_open_unanswered_attended_sessions_only():
    session, officer = attended_session(ended_days_ago=2)
    cohort = session.cohort
    answered = TrainingSessionFactory(
        cohort=cohort, starts_at=session.starts_at - timedelta(days=1), ends_at=session.ends_at - timedelta(days=1)
    )
    AttendanceFactory(session=answered, enrolment=officer.enrolments.get(), mark=Attendance.Mark.LATE)
    SessionFeedback.objects.create(session=answered, officer=officer, **RATINGS)
    old = TrainingSessionFactory(
        cohort=cohort, starts_at=session.starts_at - timedelta(days=9), ends_at=session.ends_at - timedelta(days=9)
    )
    AttendanceFactory(session=old, enrolment=officer.enrolments.get())
    assert list(sessions_awaiting_feedback(officer)) == [session]


def test_officer_gives_feedback_once_through_the_form(client):
    session, officer = attended_session()
    client.force_login(officer)
    url = f"/cohorts/feedback/{session.pk}/"
    assert f'href="{url}"' in client.get("/").content.decode()  # the home page panel links to it
    response = client.post(url, {"pace": "2"})
    assert response.status_code == 200
    assert "Select a rating from 1 to 5 for how clear it was" in response.content.decode()
    response = client.post(url, {"pace": "4", "clarity": "5", "usefulness": "3", "to_change": "Slower"})
    assert response.status_code == 302
    assert SessionFeedback.objects.get().to_change == "Slower"
    again = client.post(url, {"pace": "1", "clarity": "1", "usefulness": "1"})
    assert again.status_code == 409
    assert "already given feedback" in again.content.decode()
    assert SessionFeedback.objects.get().pace == 4
    assert f'href="{url}"' not in client.get("/").content.decode()


def test_feedback_form_is_not_found_for_an_officer_not_on_the_register(client):
    session, _ = attended_session()
    other = EnrolmentFactory(cohort=session.cohort).officer
    client.force_login(other)
    assert client.get(f"/cohorts/feedback/{session.pk}/").status_code == 404


def test_digest_links_each_officer_to_their_open_feedback_forms_in_a_fixed_number_of_queries():
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    week = DigestWeek(*monday.isocalendar()[:2], monday=monday, sunday=monday + timedelta(days=6))
    # Each session ended on the Saturday before the digest's Monday: its form is open on the Monday.
    ended_days_ago = (timezone.now() - datetime.combine(monday, time(0), tzinfo=LONDON)) / timedelta(days=1) + 2
    cohort = RunningCohortFactory()
    first, officer = attended_session(ended_days_ago=ended_days_ago, cohort=cohort)
    with CaptureQueriesContext(connection) as one:
        blocks = officer_feedback_open([officer], week)
    assert [item.url for item in blocks[officer.pk][0].items] == [f"/cohorts/feedback/{first.pk}/"]
    others = [attended_session(ended_days_ago=ended_days_ago, cohort=cohort)[1] for _ in range(5)]
    with CaptureQueriesContext(connection) as many:
        blocks = officer_feedback_open([officer, *others], week)
    assert len(many) == len(one)
    assert set(blocks) == {officer.pk, *(other.pk for other in others)}
