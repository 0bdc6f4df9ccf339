from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from cohorts import services
from cohorts.models import Attendance, Cohort, CurriculumTemplate, Enrolment
from notifications.models import Message
from tests.factories import (
    ApplicationScoreFactory,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorFactory,
    OfficerFactory,
    StaffFactory,
    TrainingSessionFactory,
    borough,
)

pytestmark = pytest.mark.django_db


def future(days=40):
    day = timezone.localdate() + timedelta(days=days)
    return {"start_date_0": day.day, "start_date_1": day.month, "start_date_2": day.year}


def cohort_post(**overrides):
    data = {
        "name": "Spring",
        "slug": "spring",
        **future(),
        "training_weekday": "1",
        "weeks": "12",
        "capacity": "15",
        "status": "recruiting",
        "bank_holiday_rule": "same_week",
        "curriculum": str(CurriculumTemplate.objects.get().pk),
        "streams": "Foundations, 1, 8\nAdvanced, 9, 12",
        "places": "Camden: 2\nE09000012: 1",
    }
    data.update(overrides)
    return data


# --- cohort settings ---


def test_staff_create_a_cohort_with_its_schedule(client):
    client.force_login(StaffFactory())
    response = client.post("/cohorts/new/", cohort_post())
    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="spring")
    assert cohort.sessions.count() == 12
    assert cohort.sessions.get(week_number=1).topic == "Python and pandas basics"
    assert sorted(cohort.organisation_places.values_list("organisation__name", "places")) == [
        ("Camden", 2),
        ("Hackney", 1),
    ]


def test_cohort_create_refuses_a_past_start_date_with_an_error_summary(client):
    client.force_login(StaffFactory())
    response = client.post("/cohorts/new/", cohort_post(**future(days=-3)))
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a start date that is today or in the future" in html
    assert "<title>Error: " in html
    assert Cohort.objects.count() == 0


def test_cohort_edit_refuses_capacity_below_selections(client):
    cohort = CohortFactory(capacity=5)
    EnrolmentFactory.create_batch(2, cohort=cohort)
    client.force_login(StaffFactory())
    response = client.post(
        f"/cohorts/{cohort.slug}/edit/",
        {"name": cohort.name, "capacity": "1", "status": "running", "bank_holiday_rule": "same_week"},
    )
    assert "Capacity cannot be less than the 2 officers already selected" in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.status) == (5, "recruiting")


def test_mentor_cannot_change_cohort_settings(client):
    cohort = CohortFactory()
    client.force_login(MentorFactory())
    assert client.get(f"/cohorts/{cohort.slug}/edit/").status_code == 403
    assert client.post(f"/cohorts/{cohort.slug}/edit/", {"name": "X", "capacity": "1"}).status_code == 403
    assert client.post("/cohorts/new/", cohort_post()).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/cohorts/new/",
        "/cohorts/{slug}/",
        "/cohorts/{slug}/edit/",
        "/cohorts/{slug}/applications/",
        "/cohorts/{slug}/roster/import/",
        "/cohorts/{slug}/roster.csv",
        "/cohorts/{slug}/attendance.csv",
        "/cohorts/{slug}/sessions/{session}/",
        "/cohorts/{slug}/sessions/{session}/register/",
        "/cohorts/curricula/",
        "/cohorts/",
        "/cohorts/curricula/{curriculum}/",
        "/cohorts/organisations/",
        "/cohorts/organisations/camden/",
    ],
)
def test_officer_gets_403_on_staff_pages(client, path):
    session = TrainingSessionFactory()
    borough("Camden")
    client.force_login(OfficerFactory())
    url = path.format(slug=session.cohort.slug, session=session.pk, curriculum=CurriculumTemplate.objects.get().pk)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/cohorts/{slug}/sessions/{session}/cancel/"),
        ("post", "/cohorts/{slug}/sessions/{session}/"),
        ("post", "/cohorts/{slug}/roster/import/"),
        ("post", "/cohorts/curricula/{curriculum}/"),
        ("get", "/cohorts/{slug}/"),
        ("get", "/cohorts/{slug}/applications/"),
        ("get", "/cohorts/open/"),
        ("get", "/cohorts/schedule.ics"),
        ("get", "/cohorts/attendance/"),
    ],
)
def test_mentor_gets_403_on_staff_and_officer_pages_and_changes_nothing(client, method, path):
    session = TrainingSessionFactory(topic="Blocking")
    client.force_login(MentorFactory())
    url = path.format(slug=session.cohort.slug, session=session.pk, curriculum=CurriculumTemplate.objects.get().pk)
    assert getattr(client, method)(url, {"topic": "Changed"}).status_code == 403
    session.refresh_from_db()
    assert (session.topic, session.is_cancelled) == ("Blocking", False)


def test_session_edit_and_cancel(client):
    session = TrainingSessionFactory()
    client.force_login(StaffFactory())
    day = timezone.localtime(session.starts_at).date()
    response = client.post(
        f"/cohorts/{session.cohort.slug}/sessions/{session.pk}/",
        {"day_0": day.day, "day_1": day.month, "day_2": day.year, "starts": "13:00", "ends": "12:00", "topic": "T"},
    )
    assert "The end time must be after the start time" in response.content.decode()
    client.post(f"/cohorts/{session.cohort.slug}/sessions/{session.pk}/cancel/")
    session.refresh_from_db()
    assert (session.is_cancelled, session.sequence) == (True, 1)


def test_session_edit_refuses_moving_a_session_into_the_past_but_a_held_one_keeps_its_day(client):
    past = timezone.localdate() - timedelta(days=30)
    held = TrainingSessionFactory(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=6)
    )
    upcoming = TrainingSessionFactory(cohort=held.cohort, topic="Before")
    client.force_login(StaffFactory())

    def post(session, day, topic):
        return client.post(
            f"/cohorts/{session.cohort.slug}/sessions/{session.pk}/",
            {
                "day_0": day.day,
                "day_1": day.month,
                "day_2": day.year,
                "starts": "10:00",
                "ends": "16:00",
                "topic": topic,
            },
        )

    response = post(upcoming, past, "Moved")
    assert "Enter a date that is today or in the future" in response.content.decode()
    upcoming.refresh_from_db()
    assert (upcoming.topic, upcoming.sequence) == ("Before", 0)
    held_day = timezone.localtime(held.starts_at).date()
    assert post(held, held_day, "Blocking").status_code == 302
    held.refresh_from_db()
    assert held.topic == "Blocking"


def test_staff_edit_a_curriculum(client):
    template = CurriculumTemplate.objects.get()
    client.force_login(StaffFactory())
    client.post(f"/cohorts/curricula/{template.pk}/", {"name": "Short", "description": "", "topics": "A\nB\n"})
    assert list(template.topics.values_list("topic", flat=True)) == ["A", "B"]


# --- officer's schedule ---


def test_officer_downloads_their_schedule_as_ics(client):
    enrolment = EnrolmentFactory()
    TrainingSessionFactory.create_batch(2, cohort=enrolment.cohort)
    TrainingSessionFactory()  # another cohort's
    client.force_login(enrolment.officer)
    response = client.get("/cohorts/schedule.ics")
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.count("BEGIN:VEVENT") == 2
    assert "TZID:Europe/London" in body


def test_officer_home_shows_schedule_and_calendar_link(client):
    enrolment = EnrolmentFactory()
    session = TrainingSessionFactory(cohort=enrolment.cohort, topic="Blocking")
    client.force_login(enrolment.officer)
    html = client.get("/").content.decode()
    assert "Blocking" in html
    assert "/cohorts/schedule.ics" in html
    assert session.cohort.name in html


def test_officer_home_schedule_shows_where_and_the_materials_links(client):
    enrolment = EnrolmentFactory()
    TrainingSessionFactory(
        cohort=enrolment.cohort,
        location="City Hall",
        online_link="https://meet.example.org/week1",
        materials="https://example.org/blocking.ipynb\nhttps://example.org/slides.pdf",
    )
    client.force_login(enrolment.officer)
    html = client.get("/").content.decode()
    assert "City Hall" in html
    assert 'href="https://meet.example.org/week1"' in html
    assert 'href="https://example.org/blocking.ipynb"' in html
    assert 'href="https://example.org/slides.pdf"' in html


# --- applications ---


def application_post(**overrides):
    data = {
        "job_title": "Analyst",
        "organisation": str(borough("Camden").pk),
        "motivation": "To match records",
        "prior_experience": "",
        "proposed_problem": "Housing and council tax",
        "line_manager_name": "Morgan",
        "line_manager_email": "morgan@example.org",
    }
    data.update(overrides)
    return data


def test_officer_applies_and_duplicate_is_refused(client):
    cohort = CohortFactory()
    officer = OfficerFactory()
    client.force_login(officer)
    response = client.post(f"/cohorts/{cohort.slug}/apply/", application_post())
    enrolment = Enrolment.objects.get()
    assert response["Location"] == f"/cohorts/applications/{enrolment.pk}/"
    assert Message.objects.get().to_email == "morgan@example.org"
    again = client.post(f"/cohorts/{cohort.slug}/apply/", application_post())
    assert "has already applied" in again.content.decode()
    assert Enrolment.objects.count() == 1


def test_staff_apply_on_an_officers_behalf(client):
    cohort = CohortFactory()
    officer = OfficerFactory()
    client.force_login(StaffFactory())
    client.post(f"/cohorts/{cohort.slug}/apply/", application_post(officer=str(officer.pk)))
    assert Enrolment.objects.get().officer == officer


def test_officer_cannot_see_or_act_on_another_officers_application(client):
    enrolment = EnrolmentFactory()
    client.force_login(OfficerFactory())
    assert client.get(f"/cohorts/applications/{enrolment.pk}/").status_code == 404
    assert client.post(f"/cohorts/applications/{enrolment.pk}/withdraw/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.SELECTED


def test_officer_cannot_select_themselves(client):
    enrolment = EnrolmentFactory(status="manager_approved", manager_decision="approved")
    client.force_login(enrolment.officer)
    assert client.post(f"/cohorts/applications/{enrolment.pk}/select/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "manager_approved"


def test_officer_sees_only_their_own_attendance(client):
    mine = AttendanceFactory(mark="absent", session__starts_at=timezone.now() - timedelta(days=2))
    mine.session.ends_at = mine.session.starts_at + timedelta(hours=6)
    mine.session.save()
    other = EnrolmentFactory(cohort=mine.session.cohort)
    Attendance.objects.create(session=mine.session, enrolment=other, mark="excused")
    client.force_login(mine.enrolment.officer)
    html = client.get("/cohorts/attendance/").content.decode()
    assert "Absent" in html
    assert "Excused" not in html


def test_staff_select_beyond_capacity_gets_a_clear_message(client):
    cohort = CohortFactory(capacity=1)
    EnrolmentFactory(cohort=cohort)
    waiting = EnrolmentFactory(cohort=cohort, status="manager_approved", manager_decision="approved")
    client.force_login(StaffFactory())
    response = client.post(f"/cohorts/applications/{waiting.pk}/decide/select/", {"confirm": ""})
    html = response.content.decode()
    assert response.status_code == 409
    assert f'<a href="#decision">{cohort.name} is full: all 1 places are taken</a>' in html
    assert "<title>Error: " in html
    assert 'id="decision"' in html
    waiting.refresh_from_db()
    assert waiting.status == "manager_approved"


def test_staff_score_an_application(client):
    enrolment = EnrolmentFactory(status="manager_approved")
    ApplicationScoreFactory(enrolment=enrolment, score=5)
    staff = StaffFactory()
    client.force_login(staff)
    client.post(f"/cohorts/applications/{enrolment.pk}/score/", {"score": "2"})
    html = client.get(f"/cohorts/applications/{enrolment.pk}/").content.decode()
    assert "Mean score <strong>3.5</strong> from 2 staff" in html


def test_score_out_of_range_shows_an_error_summary_and_saves_nothing(client):
    enrolment = EnrolmentFactory(status="manager_approved")
    client.force_login(StaffFactory())
    response = client.post(f"/cohorts/applications/{enrolment.pk}/score/", {"score": "9"})
    html = response.content.decode()
    assert (response.status_code, enrolment.scores.count()) == (200, 0)
    assert "<title>Error: Application from" in html
    assert 'class="govuk-error-summary"' in html
    assert ">Choose a score from 1 to 5</a></li>" in html  # listed in the summary


def test_application_history_shows_status_names_not_codes(client):
    enrolment = EnrolmentFactory(status="applied")
    staff = StaffFactory(full_name="Sam Staff")
    services.enrolment_set_status(enrolment=enrolment, status="manager_approved", actor=staff, note="By phone")
    client.force_login(staff)
    html = client.get(f"/cohorts/applications/{enrolment.pk}/").content.decode()
    assert ": Manager approved by Sam Staff – By phone</li>" in html
    assert "manager_approved" not in html


def test_manager_link_confirm_page_then_post_approves(client):
    enrolment = EnrolmentFactory(status="applied")
    url = f"/cohorts/manager/{services.manager_link_token(enrolment)}/"
    page = client.get(url)
    assert "Can you release them one day a week?" in page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.manager_decision == "pending"
    done = client.post(url, {"decision": "approve"})
    assert "Answer recorded" in done.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("manager_approved", "approved")


def test_manager_link_without_a_choice_shows_an_error_summary(client):
    enrolment = EnrolmentFactory(status="applied")
    response = client.post(f"/cohorts/manager/{services.manager_link_token(enrolment)}/", {})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html


def test_tampered_manager_link_gets_a_clear_page_and_changes_nothing(client):
    enrolment = EnrolmentFactory(status="applied")
    token = services.manager_link_token(enrolment)
    response = client.post(f"/cohorts/manager/{token[:-3]}abc/", {"decision": "approve"})
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.manager_decision == "pending"


# --- attendance ---


def register_post(rows):
    return {f"mark_{enrolment.pk}": mark for enrolment, mark in rows}


def test_mentor_takes_a_register_for_the_whole_cohort(client):
    session = TrainingSessionFactory(starts_at=timezone.now() - timedelta(hours=2))
    first, second = EnrolmentFactory.create_batch(2, cohort=session.cohort)
    client.force_login(MentorFactory())
    url = f"/cohorts/{session.cohort.slug}/sessions/{session.pk}/register/"
    missing = client.post(url, register_post([(first, "present")]))
    assert escape(f"Choose a mark for {second.officer.full_name}") in missing.content.decode()
    assert Attendance.objects.count() == 0
    client.post(url, register_post([(first, "present"), (second, "absent")]))
    assert sorted(Attendance.objects.values_list("mark", flat=True)) == ["absent", "present"]


# --- roster ---


def test_roster_import_preview_then_confirm(client):
    cohort = CohortFactory()
    client.force_login(StaffFactory())
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "roster.csv", "email,full_name,organisation\nzed@example.org,Zed,Camden\n".encode("utf-8-sig")
    )
    preview = client.post(f"/cohorts/{cohort.slug}/roster/import/", {"file": upload})
    assert "Import 1 officer" in preview.content.decode()
    assert cohort.enrolments.count() == 0
    client.post(f"/cohorts/{cohort.slug}/roster/import/", {"content": preview.context["confirm"].initial["content"]})
    assert list(cohort.enrolments.values_list("officer__email", "status")) == [("zed@example.org", "selected")]


def test_roster_import_preview_lists_row_errors(client):
    cohort = CohortFactory()
    client.force_login(StaffFactory())
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.csv", b"email,full_name,organisation\nbad,Zed,Nowhere\n")
    html = client.post(f"/cohorts/{cohort.slug}/roster/import/", {"file": upload}).content.decode()
    assert "Row 2: &#x27;bad&#x27; is not a valid email address" in html
    assert "Import 1" not in html


def test_attendance_export_is_excel_friendly(client):
    attendance = AttendanceFactory(session__starts_at=timezone.now() - timedelta(days=1))
    attendance.session.ends_at = attendance.session.starts_at + timedelta(hours=6)
    attendance.session.save()
    client.force_login(StaffFactory())
    response = client.get(f"/cohorts/{attendance.session.cohort.slug}/attendance.csv")
    assert response.content.startswith(b"\xef\xbb\xbfemail,full_name,organisation,week ")
    assert b",Present,100%,no" in response.content


# --- query counts ---


def many_rows(count):
    cohort = CohortFactory(slug="busy")
    sessions = [
        TrainingSessionFactory(
            cohort=cohort, week_number=n, starts_at=timezone.now() - timedelta(days=n), ends_at=timezone.now()
        )
        for n in range(1, count + 1)
    ]
    organisation = borough("Camden")
    for _ in range(count):
        enrolment = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=organisation))
        ApplicationScoreFactory(enrolment=enrolment)
        for session in sessions:
            Attendance.objects.create(session=session, enrolment=enrolment, mark="absent")
    for _ in range(count - 1):
        CohortFactory()
    return cohort, sessions[0], organisation


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/cohorts/", "staff"),
        ("/cohorts/busy/", "staff"),
        ("/cohorts/busy/applications/", "staff"),
        ("/cohorts/busy/sessions/{session}/register/", "staff"),
        ("/cohorts/organisations/", "staff"),
        ("/cohorts/organisations/camden/", "staff"),
        ("/cohorts/curricula/", "staff"),
        ("/cohorts/busy/roster.csv", "staff"),
        ("/cohorts/busy/attendance.csv", "staff"),
        ("/cohorts/open/", "officer"),
        ("/cohorts/attendance/", "officer"),
        ("/", "officer"),
    ],
)
def test_list_pages_query_count_does_not_grow_with_rows(client, path, role):
    def count(rows):
        Attendance.objects.all().delete()
        cohort, session, _ = many_rows(rows)
        user = StaffFactory() if role == "staff" else cohort.enrolments.first().officer
        client.force_login(user)
        url = path.format(session=session.pk)
        client.get(url)  # warm caches (sessions, content types)
        cache.clear()  # then the page's own work, not the part it kept (common/fresh.py)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count(1)
    for model in (Attendance, Enrolment):
        model.objects.all().delete()
    Cohort.objects.all().delete()
    assert count(4) == one
