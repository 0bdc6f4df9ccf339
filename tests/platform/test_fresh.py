"""Kept figures (common/changes.py, common/fresh.py): the data key changes with every committed or own
write PostgreSQL sees, however it is made, and never comes back after a rollback; writers never wait
for each other; every table is tracked; and the pages that keep figures show a change at once."""

from datetime import timedelta

import psycopg2
import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from cohorts.models import Attendance, Cohort, Enrolment
from common import changes
from common.fresh import fresh
from projects.models import IGCheck, Milestone
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProjectFactory,
    RunningCohortFactory,
    StaffFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def test_every_table_is_tracked_but_those_written_on_every_request():
    assert connection.vendor == "postgresql"
    assert changes.untracked_tables() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname IN ('django_session', 'accounts_usersession') AND t.tgname LIKE 'common_note_change%%'"
        )
        assert cursor.fetchone()[0] == 0


def test_any_write_changes_the_key_and_a_statement_that_changes_nothing_does_not():
    cohort = CohortFactory()
    seen = {changes.data_key()}
    Cohort.objects.filter(pk=-1).update(name="nothing")
    assert changes.data_key() in seen
    for write in (
        lambda: Cohort.objects.filter(pk=cohort.pk).update(name="Renamed"),
        lambda: Cohort.objects.bulk_update([Cohort(pk=cohort.pk, name="Bulk", slug=cohort.slug)], ["name"]),
        lambda: connection.cursor().execute("UPDATE cohorts_cohort SET capacity = capacity + 1"),
        lambda: EnrolmentFactory(cohort=cohort),
        lambda: Enrolment.objects.filter(cohort=cohort).delete(),
    ):
        write()
        key = changes.data_key()
        assert key is not None and key not in seen
        seen.add(key)


def test_a_rolled_back_savepoint_takes_its_key_with_it_and_the_next_write_has_a_new_one():
    cohort = CohortFactory()
    before = changes.data_key()
    try:
        with transaction.atomic():
            Cohort.objects.filter(pk=cohort.pk).update(name="Not kept")
            inside = changes.data_key()
            raise RuntimeError
    except RuntimeError:
        pass
    assert changes.data_key() == before != inside
    Cohort.objects.filter(pk=cohort.pk).update(name="Kept")
    assert changes.data_key() not in (before, inside)


def other_connection():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"]
    )


@pytest.mark.django_db(transaction=True)
def test_another_transaction_changes_the_key_when_it_commits_and_writers_do_not_wait_for_each_other():
    first, second = CohortFactory(), CohortFactory()
    start = changes.data_key()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")  # a wait would fail the test, not hang it
    other = other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute("UPDATE cohorts_cohort SET name = 'Other' WHERE id = %s", [first.pk])
            # Uncommitted: not what this connection sees, so not in its key.
            assert changes.data_key() == start
            with transaction.atomic():
                # A second writer, while the other's transaction is open, on another row: no wait.
                Cohort.objects.filter(pk=second.pk).update(name="Mine")
                cursor.execute("UPDATE cohorts_cohort SET capacity = 3 WHERE id = %s", [first.pk])
        other.commit()
        committed = changes.data_key()
        assert committed != start
    finally:
        other.close()


def test_the_key_names_the_boundary_so_a_kept_figure_is_not_served_past_it():
    CohortFactory()
    now = timezone.now()
    soon = now + timedelta(minutes=5)
    kept = fresh(until=[soon, None, now - timedelta(hours=1)], now=now)
    assert kept.seconds == 300
    assert fresh(until=[soon], now=soon + timedelta(seconds=1)).key != kept.key
    midnight = fresh(now=now)
    assert 0 < midnight.seconds <= 24 * 3600 and midnight.key != kept.key


def ig_check_waiting(recorded_by) -> IGCheck:
    project = ProjectFactory(cohort=RunningCohortFactory(), title="Council tax and electoral register")
    check = project.ig_checks.first()
    IGCheck.objects.filter(pk=check.pk).update(
        status="not_needed",
        confirmation=IGCheck.Confirmation.WAITING,
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
    )
    return check


def test_the_dashboard_shows_a_change_at_once_and_each_member_of_staff_their_own_queue(client):
    from django.test import Client

    recorder, colleague = StaffFactory(), StaffFactory()
    check = ig_check_waiting(recorder)
    theirs = Client()
    # Both signed in first: signing in writes last_login, which would change the key by itself.
    client.force_login(colleague)
    theirs.force_login(recorder)
    assert "Council tax and electoral register" in client.get("/").content.decode()
    assert "Council tax and electoral register" not in theirs.get("/").content.decode()
    # A bulk update, which no model signal sees.
    IGCheck.objects.filter(pk=check.pk).update(confirmation=IGCheck.Confirmation.CONFIRMED)
    assert "Council tax and electoral register" not in client.get("/").content.decode()


def test_the_dashboard_puts_an_officer_at_risk_when_a_session_starts_with_no_write(client):
    cohort = RunningCohortFactory(name="Clockwork cohort")
    enrolment = EnrolmentFactory(cohort=cohort)
    now = timezone.now()
    for week, starts_at in ((95, now - timedelta(days=7)), (96, now + timedelta(minutes=10))):
        session = TrainingSessionFactory(
            cohort=cohort, week_number=week, starts_at=starts_at, ends_at=starts_at + timedelta(hours=6)
        )
        # The second absence is on the register ahead of time: it counts once the session has begun.
        AttendanceFactory(session=session, enrolment=enrolment, mark="absent")
    client.force_login(StaffFactory())
    assert "officer at risk in Clockwork cohort" not in client.get("/").content.decode()
    assert "officer at risk in Clockwork cohort" not in client.get("/").content.decode()  # kept
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert "1 officer at risk in Clockwork cohort" in client.get("/").content.decode()


def change_log_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {changes.TABLE}")  # noqa: S608  a constant
        return cursor.fetchone()[0]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_prunes_the_change_log_to_its_newest_row_and_the_key_stays(celery_worker):
    from common import tasks
    from tests.conftest import wait_for

    for _ in range(3):
        CohortFactory()  # each in its own committed transaction
    assert change_log_rows() >= 3
    key = changes.data_key()

    tasks.prune_changes.delay()

    assert wait_for(lambda: change_log_rows() == 1, timeout=30)
    assert changes.data_key() == key


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("who", ["staff", "mentor", "officer"])
def test_a_kept_page_after_a_write_is_the_page_worked_out_afresh(client, who):
    from django.core.cache import cache

    from tests.factories import GraduationFactory, MentorAllocationFactory, MentorFactory, ProgressLogFactory

    mentor = MentorFactory()
    project = ProjectFactory(cohort=RunningCohortFactory(), lead_mentor=mentor)
    officer = project.officers.get()
    MentorAllocationFactory(mentor=mentor, officer=officer)
    client.force_login({"staff": StaffFactory(), "mentor": mentor, "officer": officer}[who])
    pages = ["/", "/trainers/impact/", {"staff": "/attention/", "mentor": "/projects/mentees/", "officer": "/"}[who]]
    before = {page: main_of(client.get(page)) for page in pages}
    ProgressLogFactory(project=project, officer=officer, week_number=3, blockers="No access to the register")
    milestone = Milestone.objects.filter(project=project).order_by("pk").first()
    Milestone.objects.filter(pk=milestone.pk).update(state=Milestone.State.DONE)  # to sign off: attention
    enrolment = Enrolment.objects.get(officer=officer)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    GraduationFactory(enrolment=enrolment)
    for page in pages:
        kept = main_of(client.get(page))
        cache.clear()
        assert kept == main_of(client.get(page)) != before[page], page


def test_the_mentor_home_drops_a_session_from_upcoming_when_it_ends_with_no_write(client):
    from tests.factories import BookingFactory, MentorFactory, OfficerFactory

    mentor = MentorFactory()
    now = timezone.now()
    BookingFactory(
        mentor=mentor,
        officer=OfficerFactory(full_name="Robin Upcoming"),
        starts_at=now - timedelta(minutes=35),
        ends_at=now + timedelta(minutes=10),
    )
    client.force_login(mentor)
    assert "with Robin Upcoming" in client.get("/").content.decode()
    assert "with Robin Upcoming" in client.get("/").content.decode()  # kept
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert "with Robin Upcoming" not in client.get("/").content.decode()


def test_the_officer_home_asks_for_feedback_when_a_session_ends_with_no_write(client):
    cohort = RunningCohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    now = timezone.now()
    session = TrainingSessionFactory(
        cohort=cohort, week_number=97, starts_at=now - timedelta(hours=5), ends_at=now + timedelta(minutes=10)
    )
    AttendanceFactory(session=session, enrolment=enrolment, mark="present")
    client.force_login(enrolment.officer)
    assert "Feedback on your training" not in client.get("/").content.decode()
    assert "Feedback on your training" not in client.get("/").content.decode()  # kept
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert "Feedback on your training" in client.get("/").content.decode()


def test_a_list_filter_panel_is_kept_until_its_choices_or_its_query_change(client):
    """The filter fields are kept (common/templatetags/listing.py: filter_fields): a new choice shows at
    once, and each query string (typed text, an invalid choice and its error) has its own panel."""
    client.force_login(StaffFactory())
    assert "Kept Borough Trust" not in client.get("/accounts/people/").content.decode()
    OrganisationFactory(name="Kept Borough Trust", slug="kept-borough-trust")
    assert "Kept Borough Trust" in client.get("/accounts/people/").content.decode()
    typed = client.get("/accounts/people/?q=Ada").content.decode()
    assert 'value="Ada"' in typed
    other = client.get("/accounts/people/?q=Bob").content.decode()
    assert 'value="Bob"' in other and 'value="Ada"' not in other
    wrong = client.get("/accounts/people/?organisation=nowhere").content.decode()
    assert "Select organisation from the list" in wrong and "govuk-error-message" in wrong
    assert "govuk-error-message" not in client.get("/accounts/people/?organisation=kept-borough-trust").content.decode()
    # The page number is not part of it: the same panel, whatever the page.
    assert 'value="Ada"' in client.get("/accounts/people/?q=Ada&page=2").content.decode()


def test_the_cohort_page_is_kept_until_a_write_and_counts_a_session_once_it_starts(client):
    """The cohort page's part under its heading is kept (cohorts/views.py: cohort_detail): a new mark
    shows at once, and a session that starts with no write puts its absentee at risk."""
    cohort = RunningCohortFactory(name="Kept cohort")
    enrolment = EnrolmentFactory(cohort=cohort, officer__full_name="Sam Absent")
    now = timezone.now()
    sessions = [
        TrainingSessionFactory(
            cohort=cohort, week_number=week, starts_at=starts_at, ends_at=starts_at + timedelta(hours=6)
        )
        for week, starts_at in (
            (93, now - timedelta(days=14)),
            (94, now - timedelta(days=7)),
            (95, now + timedelta(minutes=10)),
        )
    ]
    AttendanceFactory(session=sessions[0], enrolment=enrolment, mark="absent")
    client.force_login(StaffFactory())
    page = f"/cohorts/{cohort.slug}/"
    assert "No officer is at risk." in client.get(page).content.decode()
    assert "No officer is at risk." in client.get(page).content.decode()  # kept
    AttendanceFactory(session=sessions[1], enrolment=enrolment, mark="absent")
    assert "Sam Absent" in client.get(page).content.decode().split("Officers at risk")[1].split("Graduation")[0]
    Attendance.objects.filter(session=sessions[1]).update(mark="present")  # a bulk update: no signal
    assert "No officer is at risk." in client.get(page).content.decode()
    # The third session's absence is recorded ahead of time: it counts from its start, with no write.
    Attendance.objects.filter(session=sessions[1]).update(mark="excused")
    AttendanceFactory(session=sessions[2], enrolment=enrolment, mark="absent")
    assert "No officer is at risk." in client.get(page).content.decode()
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        at_risk = client.get(page).content.decode().split("Officers at risk")[1].split("Graduation")[0]
        assert "Sam Absent" in at_risk


def test_an_open_offer_leaves_the_kept_applications_list_when_it_runs_out_with_no_write(client):
    cohort = CohortFactory()
    now = timezone.now()
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED, offer_expires_at=now + timedelta(minutes=10))
    client.force_login(StaffFactory())
    page = f"/cohorts/{cohort.slug}/applications/"
    assert "Offered a place" in client.get(page).content.decode()
    assert "Offered a place" in client.get(page).content.decode()  # kept
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert "Offered a place" not in client.get(page).content.decode()


@pytest.mark.parametrize("page", ["outbox", "applications", "projects"])
def test_a_kept_list_is_the_list_worked_out_afresh_for_each_query_and_after_a_write(client, page):
    """kept_part (common/fresh.py): each query string (filters, sort, page, an invalid choice) has its own
    part, and after a write the kept part is what working it out afresh gives."""
    from django.core.cache import cache

    from tests.factories import MessageFactory

    cohort = RunningCohortFactory()
    for n in range(3):
        project = ProjectFactory(cohort=cohort, title=f"Linkage project {n}")
        MessageFactory(recipient=project.officers.get(), subject=f"Subject {n}")
    base = {
        "outbox": "/notifications/outbox/",
        "applications": f"/cohorts/{cohort.slug}/applications/",
        "projects": f"/projects/cohort/{cohort.slug}/",
    }[page]
    client.force_login(StaffFactory())
    queries = ["", "?sort=-created", "?sort=title", "?status=nowhere", "?page=2"]
    before = {query: main_of(client.get(base + query)) for query in queries}
    assert before[""] != before["?status=nowhere"]
    assert "Select" in before["?status=nowhere"] or "govuk-error-message" in before["?status=nowhere"]
    officer = ProjectFactory(cohort=cohort, title="Linkage project late").officers.get()
    MessageFactory(recipient=officer, subject="Subject late")
    for query in queries:
        kept = main_of(client.get(base + query))
        cache.clear()
        assert kept == main_of(client.get(base + query)), query
    assert main_of(client.get(base)) != before[""]


@pytest.mark.parametrize(
    "page", ["/cohorts/", "/cohorts/organisations/", "/cohorts/organisations/{org}/", "/projects/"]
)
def test_a_kept_table_shows_a_new_cohort_or_application_at_once(client, page):
    from django.core.cache import cache

    organisation = OrganisationFactory(name="Kept Borough", slug="kept-borough")
    cohort = RunningCohortFactory(name="Cohort kept 1")
    EnrolmentFactory(cohort=cohort, organisation=organisation, officer__organisation=organisation)
    url = page.format(org=organisation.slug)
    client.force_login(StaffFactory())
    before = main_of(client.get(url))
    assert main_of(client.get(url)) == before  # kept
    later = RunningCohortFactory(name="Cohort kept 2")
    EnrolmentFactory(cohort=later, organisation=organisation, officer__organisation=organisation)
    after = main_of(client.get(url))
    assert after != before
    assert "Cohort kept 2" in after or ">2<" in after
    cache.clear()
    assert main_of(client.get(url)) == after
