"""One link rule for pages, emails and calendar files: only http(s) (and mailto: where meant) become
links. A stored `javascript:` address is shown as text on pages and in emails and left out of .ics."""

from datetime import date

import pytest
from django.core import mail

from common.links import calendar_text, safe_url
from notifications import services
from tests.factories import BookingFactory, EnrolmentFactory, ProjectFactory, TrainingSessionFactory
from tests.notifications.conftest import london, selected_officer, session_on

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/\\evil.example",
    "http:/no-host",
    "mailto:someone@example.org",
]


def test_safe_url_allows_only_web_addresses():
    assert [safe_url(value) for value in HOSTILE] == [""] * len(HOSTILE)
    assert [safe_url(v) for v in ("https://example.org/a", "HTTP://example.org", "/projects/3/")] == [
        "https://example.org/a",
        "HTTP://example.org",
        "/projects/3/",
    ]
    assert safe_url("mailto:someone@example.org", mailto=True) == "mailto:someone@example.org"
    assert safe_url("javascript:alert(1)", mailto=True) == ""


def test_calendar_text_replaces_addresses_that_may_not_be_links():
    assert calendar_text("Bring a laptop\njavascript:alert(1)\nhttps://example.org/s") == (
        "Bring a laptop\n(link removed)\nhttps://example.org/s"
    )
    assert calendar_text("Note: start at 10:30") == "Note: start at 10:30"


@pytest.fixture
def eager(monkeypatch):
    from lotibootcamp.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)


def test_training_reminder_email_links_only_web_addresses(eager):
    session = session_on(date(2026, 6, 9), materials="javascript:alert(1)\nhttps://example.org/slides")
    type(session).objects.filter(pk=session.pk).update(online_link="javascript:alert(2)")
    selected_officer(session.cohort)
    services.reminders_dispatch(now=london(date(2026, 6, 7), 12))
    services.reminders_dispatch(now=london(date(2026, 6, 8), 9, 5))
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert "javascript:" not in html.replace("<li>javascript:alert(1)</li>", "")
    assert "<li>javascript:alert(1)</li>" in html
    assert '<a href="https://example.org/slides">https://example.org/slides</a>' in html
    assert "Join the session online" not in html
    ics = email.attachments[0][1]
    assert "javascript" not in ics


def test_officer_page_shows_a_javascript_material_as_text(client):
    enrolment = EnrolmentFactory()
    session = TrainingSessionFactory(cohort=enrolment.cohort, materials="javascript:alert(1)")
    type(session).objects.filter(pk=session.pk).update(online_link="javascript:alert(2)")
    client.force_login(enrolment.officer)
    html = client.get("/").content.decode()
    assert "javascript:alert(1)" in html
    assert 'href="javascript' not in html


def test_milestone_evidence_javascript_is_shown_as_text(client):
    project = ProjectFactory()
    milestone = project.milestones.first()
    type(milestone).objects.filter(pk=milestone.pk).update(evidence_url="javascript:alert(1)")
    client.force_login(project.lead_mentor)
    html = client.get(f"/projects/{project.pk}/milestones/{milestone.pk}/").content.decode()
    assert "javascript:alert(1)" in html
    assert 'href="javascript' not in html


def test_booking_invitation_description_leaves_out_a_javascript_address():
    from icalendar import Calendar

    from common import ics
    from mentoring.calendar import booking_event

    booking = BookingFactory(agenda="Blocking keys javascript:alert(1)")
    written = ics.calendar_text([booking_event(booking)], method="REQUEST", name="Mentoring")
    [event] = Calendar.from_ical(written).walk("VEVENT")
    description = str(event["description"])
    assert "javascript" not in description
    assert description.startswith("Blocking keys (link removed)")
