"""Cohort reads and writes whose cost must not grow with rows: the roster import in batches, the
at-risk count in SQL, and paginated lists."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import password_set_url
from audit.actions import Action
from audit.models import AuditEvent
from cohorts import selectors, services
from cohorts.models import Enrolment, EnrolmentEvent
from notifications.models import Message
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    OfficerFactory,
    RunningCohortFactory,
    StaffFactory,
    StreamFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def roster(rows: int, *, start: int = 0) -> str:
    lines = ["email,full_name,organisation,job_title,stream"]
    lines += [f"officer{n}@example.org,Officer {n},Camden,Analyst," for n in range(start, start + rows)]
    return "\n".join(lines) + "\n"


def import_queries(rows: int, *, start: int) -> int:
    cohort = CohortFactory(capacity=rows)
    with CaptureQueriesContext(connection) as queries:
        result = services.roster_import(cohort=cohort, content=roster(rows, start=start), actor=None)
    assert (result.saved, result.changes) == (True, rows)
    return len(queries)


def test_roster_import_query_count_is_the_same_for_10_and_200_rows(postgres):
    # PostgreSQL, as in production: SQLite (make run) caps a statement's parameters, so Django splits
    # its bulk writes into batches there.
    assert import_queries(10, start=0) == import_queries(200, start=1000)


def test_roster_preview_reads_only_the_files_accounts_and_matches_them_whatever_their_case():
    """The preview looks up the file's addresses, not every account: other people build no rows."""
    from tests.page_cost import instances_built

    OfficerFactory(email="Known.Person@Example.org")
    cohort = CohortFactory(capacity=10)
    content = "email,full_name,organisation,job_title,stream\nknown.person@example.org,Known,Camden,Analyst,\n"
    with instances_built() as built:
        preview = services.roster_read(cohort=cohort, content=content)
    assert [row.outcome for row in preview.rows] == ["selected"]
    UserFactory.create_batch(30)
    with instances_built() as more:
        services.roster_read(cohort=cohort, content=content)
    assert more["User"] == built["User"] == 0


def test_roster_import_in_batches_writes_the_same_rows_and_history():
    staff = StaffFactory()
    cohort = CohortFactory(capacity=10)
    stream = StreamFactory(cohort=cohort, name="Foundations")
    waitlisted = EnrolmentFactory(
        cohort=cohort, officer=OfficerFactory(email="wait@example.org"), status="waitlisted", waitlist_position=1
    )
    not_yet_officer = UserFactory(email="Mentor.Person@example.org", is_officer=False, organisation=None)
    content = (
        "email,full_name,organisation,job_title,stream\n"
        "new@example.org,New Officer,Camden,Analyst,Foundations\n"
        "wait@example.org,Waiting Officer,Camden,Analyst,\n"
        "mentor.person@example.org,Mentor Person,Hackney,Lead,\n"
    )
    result = services.roster_import(cohort=cohort, content=content, actor=staff)

    assert (result.saved, result.changes) == (True, 3)
    places = cohort.enrolments.order_by("officer__email").values_list(
        "officer__email", "status", "stream__name", "waitlist_position", "manager_decision", "organisation__name"
    )
    assert list(places) == [
        ("Mentor.Person@example.org", "selected", None, None, "approved", "Hackney"),
        ("new@example.org", "selected", "Foundations", None, "approved", "Camden"),
        ("wait@example.org", "selected", None, None, waitlisted.manager_decision, waitlisted.organisation.name),
    ]
    events = EnrolmentEvent.objects.order_by("enrolment__officer__email").values_list(
        "enrolment__officer__email", "from_status", "to_status", "actor", "note"
    )
    assert list(events) == [
        ("Mentor.Person@example.org", "applied", "selected", staff.pk, "Imported from roster"),
        ("new@example.org", "applied", "selected", staff.pk, "Imported from roster"),
        ("wait@example.org", "waitlisted", "selected", staff.pk, "Imported from roster"),
    ]
    not_yet_officer.refresh_from_db()
    assert (not_yet_officer.is_officer, not_yet_officer.organisation.name) == (True, "Hackney")
    new = User.objects.get(email="new@example.org")
    assert (new.full_name, new.job_title, new.is_officer, new.has_usable_password()) == (
        "New Officer",
        "Analyst",
        True,
        False,
    )
    welcome = Message.objects.get(kind="welcome")
    assert (welcome.to_email, welcome.recipient, welcome.dedup_key) == ("new@example.org", new, f"welcome:{new.pk}")
    # The set-password link, worked out once for the file, is the one user_create would send, and works.
    link = password_set_url(new)
    assert link in welcome.body_text and link in welcome.body_html
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(new, token) and uidb64 == urlsafe_base64_encode(force_bytes(new.pk))
    assert stream.enrolments.count() == 1
    # The audit log: the officer role given to the new account and the one promoted, and every place.
    audit = AuditEvent.objects.filter(actor=staff).values_list("action", "object_id", "before", "after", "detail")
    places = {place.officer.email: place for place in cohort.enrolments.select_related("officer")}
    assert sorted(audit, key=str) == sorted(
        [
            (Action.ROLE_CHANGED, str(new.pk), {}, {"is_officer": True, "is_active": True}, {"added": True}),
            (
                Action.ROLE_CHANGED,
                str(not_yet_officer.pk),
                {"is_officer": False},
                {"is_officer": True},
                {"via": "roster import"},
            ),
            *(
                (
                    Action.ENROLMENT_STATUS_CHANGED,
                    str(places[email].pk),
                    {"status": before},
                    {"status": "selected"},
                    {"note": "Imported from roster"},
                )
                for email, before in (
                    ("new@example.org", "applied"),
                    ("wait@example.org", "waitlisted"),
                    ("Mentor.Person@example.org", "applied"),
                )
            ),
        ],
        key=str,
    )


def test_at_risk_counts_in_sql_match_the_rule_officer_by_officer():
    """The SQL count and attendance_by_officer_in agree on random registers, streams, unrecorded and
    cancelled sessions."""
    rng = random.Random(16)
    cohorts = []
    now = timezone.now()
    for _ in range(3):
        cohort = RunningCohortFactory()
        stream = StreamFactory(cohort=cohort, first_week=3, last_week=6)
        sessions = []
        for week in range(1, 9):
            starts_at = now - timedelta(weeks=9 - week)
            sessions.append(
                TrainingSessionFactory(
                    cohort=cohort,
                    week_number=week,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=6),
                    is_cancelled=rng.random() < 0.1,
                )
            )
        for n in range(12):
            enrolment = EnrolmentFactory(cohort=cohort, stream=stream if n % 4 == 0 else None)
            for session in sessions:
                roll = rng.random()
                if roll < 0.15:
                    continue  # no mark recorded
                mark = "absent" if roll < 0.5 else "excused" if roll < 0.6 else "late" if roll < 0.7 else "present"
                AttendanceFactory(session=session, enrolment=enrolment, mark=mark)
        cohorts.append(cohort)
    by_rule = {
        cohort_id: sum(row.at_risk for row in rows)
        for cohort_id, rows in selectors.attendance_by_officer_in(cohorts, held_before=now).items()
    }
    counted = selectors.at_risk_counts([cohort.pk for cohort in cohorts], held_before=now)
    assert counted == {cohort_id: n for cohort_id, n in by_rule.items() if n}
    assert sum(counted.values()) > 0


def test_cohort_list_is_paginated_at_50_with_the_govuk_component(client):
    for _ in range(51):
        CohortFactory()
    client.force_login(StaffFactory())
    first = client.get("/cohorts/").content.decode()
    assert "51 cohorts, newest first (page 1 of 2)" in first
    assert 'class="govuk-pagination"' in first and 'href="?page=2" rel="next"' in first
    assert "(page 2 of 2)" in client.get("/cohorts/?page=2").content.decode()


def test_applications_are_paginated_at_50_and_queries_do_not_grow(client):
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.APPLIED)
    client.force_login(StaffFactory())
    url = f"/cohorts/{cohort.slug}/applications/"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(54):
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.APPLIED)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert "55 applications, page 1 of 2" in page and page.count("/cohorts/applications/") <= 50
    assert "page 2 of 2" in client.get(url + "?page=2").content.decode()
