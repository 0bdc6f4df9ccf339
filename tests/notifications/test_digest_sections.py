"""Digest sections registered by cohorts and projects, built from known data for the week of Monday
15 June 2026, and the number of queries they run whatever the number of recipients."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cohorts.models import Cohort
from notifications import digests, services
from notifications.models import Message
from projects.models import LogComment, Milestone, ProgressLog, Project
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
    StaffFactory,
    TrainingSessionFactory,
)

from .conftest import london

pytestmark = pytest.mark.django_db

DIGEST_TIME = london(date(2026, 6, 15), 8)  # Monday
TUESDAYS = [date(2026, 5, 19), date(2026, 5, 26), date(2026, 6, 2), date(2026, 6, 9), date(2026, 6, 16)]


@dataclass
class Programme:
    cohort: Cohort
    staff: User
    mentor: User
    asha: User
    ben: User
    cara: User
    housing: Project
    schools: Project
    overdue: Milestone
    due_this_week: Milestone


def log(project, officer, week, rag, created, blockers=""):
    entry = ProgressLogFactory(project=project, officer=officer, week_number=week, rag_status=rag, blockers=blockers)
    ProgressLog.objects.filter(pk=entry.pk).update(created_at=created)
    return entry


def programme() -> Programme:
    """A running cohort in its fifth week, training on Tuesdays. Ben missed the last two sessions.
    Housing register (Asha and Ben) went from green to red last week; Asha is blocked. Schools (Cara)
    has an overdue milestone and no logs."""
    cohort = CohortFactory(name="Spring 2026", status=Cohort.Status.RUNNING, start_date=TUESDAYS[0], training_weekday=1)
    sessions = [
        TrainingSessionFactory(
            cohort=cohort, week_number=n, topic=f"Week {n} topic", starts_at=london(day, 10), ends_at=london(day, 16)
        )
        for n, day in enumerate(TUESDAYS, start=1)
    ]
    asha, ben, cara = (
        EnrolmentFactory(cohort=cohort, officer=OfficerFactory(full_name=name))
        for name in ("Asha Patel", "Ben Okafor", "Cara Jones")
    )
    for session, marks in (
        (sessions[2], ("present", "absent", "present")),
        (sessions[3], ("present", "absent", "late")),
    ):
        for enrolment, mark in zip((asha, ben, cara), marks, strict=True):
            AttendanceFactory(session=session, enrolment=enrolment, mark=mark)
    mentor = MentorFactory(full_name="Morgan Mentor")
    housing = ProjectFactory(
        cohort=cohort, title="Housing register", officers=[asha.officer, ben.officer], lead_mentor=mentor
    )
    schools = ProjectFactory(cohort=cohort, title="School admissions", officers=[cara.officer], lead_mentor=mentor)
    Milestone.objects.update(state=Milestone.State.SIGNED_OFF)
    overdue = schools.milestones.first()
    due_this_week = housing.milestones.last()
    Milestone.objects.filter(pk=overdue.pk).update(state=Milestone.State.NOT_STARTED, due_on=date(2026, 6, 9))
    Milestone.objects.filter(pk=due_this_week.pk).update(state=Milestone.State.SENT_BACK, due_on=date(2026, 6, 16))
    week3 = log(housing, asha.officer, 3, "green", london(date(2026, 6, 3), 12))
    LogComment.objects.create(log=week3, author=mentor, body="Good start")
    log(
        housing,
        asha.officer,
        4,
        "amber",
        london(date(2026, 6, 10), 12),
        blockers="Waiting for the data sharing agreement",
    )
    log(housing, ben.officer, 4, "red", london(date(2026, 6, 12), 12))
    return Programme(
        cohort=cohort,
        staff=StaffFactory(),
        mentor=mentor,
        asha=asha.officer,
        ben=ben.officer,
        cara=cara.officer,
        housing=housing,
        schools=schools,
        overdue=overdue,
        due_this_week=due_this_week,
    )


def built(users) -> dict[int, list[tuple[str, list[str]]]]:
    with time_machine.travel(DIGEST_TIME, tick=False):
        result = digests.digests_build(week=digests.digest_week(DIGEST_TIME), users=users)
    return {
        digest.user.pk: [(block.title, [item.text for item in block.items]) for block in digest.blocks]
        for digest in result
    }


def test_staff_digest_has_each_running_cohorts_attendance_risks_statuses_milestones_and_blockers():
    p = programme()
    blocks = built([p.staff])[p.staff.pk]
    assert blocks[1:] == [
        ("Spring 2026: attendance last week", ["Week 4, Tuesday 9 June: 2 of 3 attended (67%)"]),
        (
            "Spring 2026: officers at risk",
            [f"Ben Okafor ({p.ben.organisation}): absent from 2 of their last four sessions"],
        ),
        ("Spring 2026: status changes last week", ["Housing register: Green to Red"]),
        ("Spring 2026: overdue milestones", [f"School admissions: {p.overdue.title}, due Tuesday 9 June"]),
        (
            "Spring 2026: open blockers",
            ["Housing register, Asha Patel (week 4): Waiting for the data sharing agreement"],
        ),
    ]
    assert blocks[0][0] == "Spring 2026"


def test_mentor_digest_has_mentees_new_logs_blockers_and_logs_waiting_for_a_comment():
    p = programme()
    assert built([p.mentor])[p.mentor.pk] == [
        (
            "Your mentees’ new logs",
            ["Housing register, Asha Patel, week 4: Amber", "Housing register, Ben Okafor, week 4: Red"],
        ),
        (
            "Your mentees’ open blockers",
            ["Housing register, Asha Patel (week 4): Waiting for the data sharing agreement"],
        ),
        (
            "Logs waiting for your comment",
            ["Housing register, Asha Patel, week 4", "Housing register, Ben Okafor, week 4"],
        ),
    ]


def test_officer_digest_has_training_milestones_due_and_last_weeks_log():
    p = programme()
    blocks = built([p.asha, p.ben, p.cara])
    training = ("Your training this week", ["Tuesday 16 June, 10am to 4pm: Week 5 topic"])
    due = ("Milestones due this week", [f"{p.due_this_week.title}, due Tuesday 16 June"])
    # Week 4's feedback form is open on the Monday for those who attended it (not Ben, who was absent).
    feedback = ("Tell us how your training went", ["Week 4: Week 4 topic (open until Tuesday 16 June)"])
    assert blocks[p.asha.pk] == [
        training,
        feedback,
        due,
        ("Last week’s progress log", ["Housing register, week 4: Amber, no comment yet"]),
    ]
    assert blocks[p.ben.pk] == [
        training,
        due,
        ("Last week’s progress log", ["Housing register, week 4: Red, no comment yet"]),
    ]
    assert blocks[p.cara.pk] == [
        training,
        feedback,
        ("Last week’s progress log", ["School admissions, week 4: no log written"]),
    ]


def test_digest_building_runs_the_same_queries_for_one_or_many_recipients():
    p = programme()
    others = [StaffFactory(), StaffFactory(), MentorFactory()]
    few = [p.staff, p.mentor, p.asha]
    many = [p.staff, p.mentor, p.asha, p.ben, p.cara, *others]
    with CaptureQueriesContext(connection) as one:
        built(few)
    with CaptureQueriesContext(connection) as lots:
        assert len(built(many)) == len(many)
    assert len(one) == len(lots)


def test_weekly_digest_email_carries_the_new_sections():
    p = programme()
    services.digests_send_weekly(now=DIGEST_TIME, enqueue=False)
    body = Message.objects.get(recipient=p.mentor).body_text
    assert (
        "Logs waiting for your comment\n- Housing register, Asha Patel, week 4 (http://127.0.0.1:8000/projects/" in body
    )


def test_digest_preview_shows_the_new_sections(client):
    p = programme()
    client.force_login(p.staff)
    with time_machine.travel(datetime(2026, 6, 11, 12, 0, tzinfo=DIGEST_TIME.tzinfo), tick=False):
        page = client.get("/notifications/digests/preview/").content.decode()
    for text in [
        "Spring 2026: attendance last week",
        "2 of 3 attended (67%)",
        "Spring 2026: officers at risk",
        "Housing register: Green to Red",
        "Spring 2026: overdue milestones",
        "Spring 2026: open blockers",
        "Logs waiting for your comment",
        "Milestones due this week",
        "Last week’s progress log",
    ]:
        assert text in page
    assert f'href="/projects/{p.schools.pk}/milestones/{p.overdue.pk}/"' in page


def test_mentor_lists_stop_at_ten_lines_and_point_to_the_mentees_page():
    p = programme()
    for week in range(5, 14):
        log(p.schools, p.cara, week, "green", london(date(2026, 6, 1), 12))
    waiting = dict(built([p.mentor])[p.mentor.pk])["Logs waiting for your comment"]
    assert len(waiting) == 11
    assert waiting[-1] == "and 1 more on your mentees page"  # 2 week 4 logs and 9 of Cara's
