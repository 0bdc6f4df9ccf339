"""Subject access: the zip a person gets of their own data, from the account page, from staff and from
the command line, and that it holds nobody else's data."""

import csv
import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from audit.actions import Action
from audit.models import AuditEvent
from cohorts.models import SessionFeedback
from exercises.models import Submission
from home.subject_access import subject_access_build
from mentoring.models import Booking
from notifications.models import Message
from projects.models import LogComment, ProgressLog
from tests.factories import (
    BookingFactory,
    CascadeSessionFactory,
    EnrolmentFactory,
    MessageFactory,
    OfficerFactory,
    ProgressLogFactory,
    RunningCohortFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

# Every kind of data the brief names, and the file (JSON or CSV) that holds it.
FILES = {
    "profile": "profile.json",
    "applications": ("applications.json", "applications.csv"),
    "attendance": "attendance.csv",
    "session feedback": "session_feedback.csv",
    "projects": "projects.json",
    "logs": "progress_logs.csv",
    "practice exercise results": "exercise_results.csv",
    "bookings": "bookings.csv",
    "cascade sessions": "cascade_sessions.csv",
    "emails": "emails.csv",
}


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8").removeprefix("\ufeff") for name in archive.namelist()}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def markers(other: User, partner: User) -> tuple:
    return ((other, "OTHER-OFFICER-SECRET"), (partner, "PARTNER-SECRET"))


@pytest.fixture
def demo():
    """The demo data, with words only officer2@ (and officer@'s project partner, officer13@) wrote or
    received, so a leak of theirs into officer@'s zip can be told apart from the demo's shared texts."""
    call_command("seed_demo", verbosity=0)
    officer = User.objects.get(email="officer@example.org")
    other = User.objects.get(email="officer2@example.org")
    partner = User.objects.get(email="officer13@example.org")
    for person, marker in markers(other, partner):
        log = ProgressLog.objects.filter(officer=person).order_by("week_number").first()
        ProgressLog.objects.filter(pk=log.pk).update(what_i_did=f"{marker} log", blockers=f"{marker} blocker")
        LogComment.objects.create(log=log, author=person, body=f"{marker} comment")
        Booking.objects.filter(officer=person).update(agenda=f"{marker} agenda", feedback=f"{marker} feedback")
        MessageFactory(recipient=person, subject=f"{marker} subject", body_text=f"{marker} body")
        unanswered = person.enrolments.get(cohort__slug="pilot").attendances.exclude(session__feedback__officer=person)
        SessionFeedback.objects.create(
            session=unanswered.first().session, officer=person, pace=2, clarity=2, usefulness=2,
            went_well=f"{marker} feedback words",
        )  # fmt: skip
    # officer@ is not a graduate in the demo: give them a cascade session so that file has a row.
    CascadeSessionFactory(graduate=officer, topic="Address cleaning for my team")
    marked = officer.enrolments.get(cohort__slug="pilot").attendances.exclude(session__feedback__officer=officer)
    SessionFeedback.objects.create(
        session=marked.first().session, officer=officer, pace=3, clarity=4, usefulness=5,
        went_well="Feedback only officer@ gave",
    )  # fmt: skip
    return officer, other, partner


def test_subject_access_zip_holds_each_kind_of_the_officers_data_as_json_and_csv(demo):
    officer, _, _ = demo
    files = unzip(subject_access_build(person=officer))

    names = set(files)
    for kind, wanted in FILES.items():
        for name in wanted if isinstance(wanted, tuple) else (wanted,):
            assert name in names, f"no {name} for {kind}"
    profile = json.loads(files["profile.json"])
    assert (profile["email"], profile["full_name"]) == ("officer@example.org", "Amara Johnson")
    assert [a["cohort"] for a in json.loads(files["applications.json"])] == ["Pilot cohort"]
    assert [row["Cohort"] for row in csv_rows(files["applications.csv"])] == ["Pilot cohort"]
    assert [p["title"] for p in json.loads(files["projects.json"])] == ["Households at risk of homelessness"]

    logs = csv_rows(files["progress_logs.csv"])
    assert [row["What I did"] for row in logs] == list(
        ProgressLog.objects.filter(officer=officer).order_by("week_number").values_list("what_i_did", flat=True)
    )
    assert len(logs) == 8
    attendance = csv_rows(files["attendance.csv"])
    assert len(attendance) == officer.enrolments.get(cohort__slug="pilot").attendances.count() > 0
    bookings = csv_rows(files["bookings.csv"])
    assert sorted(row["Agenda"] for row in bookings) == sorted(
        Booking.objects.filter(officer=officer).values_list("agenda", flat=True)
    )
    assert [row["Topic"] for row in csv_rows(files["cascade_sessions.csv"])] == ["Address cleaning for my team"]
    feedback = csv_rows(files["session_feedback.csv"])
    assert len(feedback) == SessionFeedback.objects.filter(officer=officer).count()
    assert "Feedback only officer@ gave" in [row["What worked well"] for row in feedback]
    results = csv_rows(files["exercise_results.csv"])
    assert len(results) == Submission.objects.filter(officer=officer).count()
    assert {row["File name"] for row in results} == set(
        Submission.objects.filter(officer=officer).values_list("file_name", flat=True)
    )
    emails = csv_rows(files["emails.csv"])
    assert {row["To"] for row in emails} == {"officer@example.org"}
    assert len(emails) == Message.objects.filter(recipient=officer).count() > 0


def test_subject_access_zip_holds_nothing_of_another_officer(demo, client):
    officer, other, partner = demo
    client.force_login(officer)
    files = unzip(client.post(reverse("privacy:your_data")).content)

    assert any("Amara Johnson" in text for text in files.values())
    assert any("Met the data owners and agreed the scope." in text for text in files.values())
    for person, marker in markers(other, partner):
        words = [person.email, person.full_name, *person.full_name.split(), marker]
        words += list(person.projects.exclude(pk__in=officer.projects.values("pk")).values_list("title", flat=True))
        # The demo's logs and welcome emails are word for word the same for everyone: the fixture's markers
        # stand for what only they wrote or received.
        for name, text in files.items():
            for word in words:
                assert word not in text, f"{word!r} of {person.email} is in {name}"


def test_officer_downloads_their_own_zip_from_the_account_page_and_it_is_audited(client):
    officer = OfficerFactory(full_name="Asha Downloader")
    cohort = RunningCohortFactory()
    EnrolmentFactory(cohort=cohort, officer=officer)
    ProgressLogFactory(project__cohort=cohort, project__officers=[officer], what_i_did="Linked two lists")
    client.force_login(officer)

    account = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("privacy:your_data")}">Download a copy of the data we hold about you</a>' in account
    assert b"Download your data (zip)" in client.get(reverse("privacy:your_data")).content
    response = client.post(reverse("privacy:your_data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="your-data-{officer.pk}-')
    assert response["Cache-Control"] == "no-store"
    files = unzip(response.content)
    assert json.loads(files["profile.json"])["email"] == officer.email
    assert "Linked two lists" in files["progress_logs.csv"]
    event = AuditEvent.objects.get(action=Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.object_id, event.detail["via"]) == (officer, str(officer.pk), "own download")
    assert event.detail["bytes"] == len(response.content)


def test_staff_make_a_zip_for_a_person_and_it_is_audited(client):
    staff = StaffFactory()
    officer = OfficerFactory()
    BookingFactory(officer=officer, agenda="Blocking rules, please")
    client.force_login(staff)

    response = client.post(reverse("privacy:person_data_export", args=[officer.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unzip(response.content)
    assert json.loads(files["profile.json"])["email"] == officer.email
    assert staff.email not in files["profile.json"]
    assert "Blocking rules, please" in files["bookings.csv"]
    event = AuditEvent.objects.get(action=Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.object_id) == (staff, str(officer.pk))
    assert event.detail["via"] == "staff, from the person's page"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_officer_cannot_get_another_persons_zip(client, method):
    officer = OfficerFactory()
    other = OfficerFactory()
    client.force_login(officer)

    response = getattr(client, method)(reverse("privacy:person_data_export", args=[other.pk]))

    assert response.status_code in (403, 404, 405)
    assert response.get("Content-Type") != "application/zip"
    assert not AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS_EXPORT).exists()


def test_your_data_makes_the_signed_in_persons_zip_whatever_the_request_says(client):
    officer = OfficerFactory()
    other = OfficerFactory()
    client.force_login(officer)

    response = client.post(reverse("privacy:your_data"), {"pk": other.pk, "email": other.email})

    files = unzip(response.content)
    assert json.loads(files["profile.json"])["email"] == officer.email
    assert all(other.email not in text for text in files.values())


def test_signed_out_visitor_gets_no_zip(client):
    response = client.post(reverse("privacy:your_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_subject_access_export_command_writes_the_zip(tmp_path):
    officer = OfficerFactory(email="Command.Person@example.org")
    out = tmp_path / "sar.zip"
    stdout = io.StringIO()

    call_command("subject_access_export", "command.person@example.org", "--out", str(out), stdout=stdout)

    files = unzip(out.read_bytes())
    assert json.loads(files["profile.json"])["email"] == "Command.Person@example.org"
    assert f"Wrote {out.stat().st_size} bytes about Command.Person@example.org" in stdout.getvalue()
    event = AuditEvent.objects.get(action=Action.SUBJECT_ACCESS_EXPORT)
    assert (event.actor, event.object_id) == (None, str(officer.pk))
    assert event.actor_label == "command line (manage.py subject_access_export)"


def test_subject_access_export_command_refuses_an_unknown_email(tmp_path):
    with pytest.raises(CommandError, match=re.escape("Nobody has the email address nobody@example.org")):
        call_command("subject_access_export", "nobody@example.org", "--out", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_a_mentors_zip_holds_their_notes_but_not_the_officer_they_met():
    officer = OfficerFactory(full_name="Quentin Mentee")
    booking = BookingFactory(officer=officer, agenda="My manager is difficult", feedback="Great session")
    Booking.objects.filter(pk=booking.pk).update(notes="Went through blocking rules", action_points="Try Splink")

    files = unzip(subject_access_build(person=booking.mentor))

    rows = csv_rows(files["bookings.csv"])
    assert [(r["You were"], r["Notes"], r["Action points"]) for r in rows] == [
        ("mentor", "Went through blocking rules", "Try Splink")
    ]
    for word in ("Quentin", "Mentee", officer.email, "My manager is difficult", "Great session"):
        assert all(word not in text for text in files.values()), word
