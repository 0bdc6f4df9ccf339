"""Announcements: who they reach (counted in SQL), how they are emailed (optional or essential),
the banner each recipient dismisses for themselves, and the list of delivery counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts import presenters, selectors, services
from cohorts.models import Announcement, AnnouncementRecipient
from cohorts.services.announcements import audience_users
from notifications.models import Message, Unsubscription
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    GraduationFactory,
    MentorFactory,
    OfficerFactory,
    OrganisationFactory,
    StaffFactory,
    StreamFactory,
)

pytestmark = pytest.mark.django_db


def draft(audience: str, **kwargs) -> services.AnnouncementDraft:
    return services.AnnouncementDraft(
        title=kwargs.pop("title", "Room change"),
        body=kwargs.pop("body", "We meet in room 2."),
        audience=audience,
        **kwargs,
    )


def count(d: services.AnnouncementDraft) -> int:
    with CaptureQueriesContext(connection) as queries:
        n = audience_users(d).count()
    assert len(queries) == 1  # counted in SQL, in one query
    return n


def test_recipient_counts_per_audience():
    cohort = CohortFactory()
    stream = StreamFactory(cohort=cohort)
    organisation = OrganisationFactory()
    on_stream = EnrolmentFactory(cohort=cohort, stream=stream, officer__organisation=organisation)
    EnrolmentFactory(cohort=cohort)  # selected, no stream
    EnrolmentFactory(cohort=cohort, status="applied")  # not placed: not on the cohort's list
    EnrolmentFactory(cohort=cohort, status="withdrawn", stream=stream)
    left = EnrolmentFactory(cohort=cohort)
    left.officer.is_active = False
    left.officer.save()
    OfficerFactory(organisation=organisation)  # an officer of the organisation on no cohort
    MentorFactory(organisation=organisation)  # a mentor there is not one of its officers
    MentorFactory()
    graduate = GraduationFactory().enrolment
    EnrolmentFactory(officer=graduate.officer, cohort=cohort, status="applied")  # counted once

    assert count(draft("cohort", cohort=cohort)) == 2
    assert count(draft("stream", stream=stream)) == 1
    assert count(draft("organisation", organisation=organisation)) == 2
    assert count(draft("mentors")) == 2
    assert count(draft("graduates")) == 1
    assert on_stream.officer in audience_users(draft("stream", stream=stream))


def test_sending_fixes_the_recipients_and_writes_one_email_each():
    stream = StreamFactory()
    officers = [EnrolmentFactory(cohort=stream.cohort, stream=stream).officer for _ in range(3)]
    staff = StaffFactory()
    announcement = services.announcement_send(draft=draft("stream", stream=stream), actor=staff)
    assert (announcement.sent_by, announcement.stream, announcement.audience) == (staff, stream, "stream")
    assert set(announcement.recipients.values_list("user_id", flat=True)) == {o.pk for o in officers}
    mail = Message.objects.filter(kind="announcement")
    assert set(mail.values_list("to_email", flat=True)) == {o.email for o in officers}
    message = mail.first()
    assert message.subject == "Room change"
    assert "We meet in room 2." in message.body_text
    assert not message.is_essential
    assert "Unsubscribe" in message.body_text


def test_optional_announcements_respect_unsubscriptions_and_essential_ones_do_not():
    cohort = CohortFactory()
    keen, opted_out = (EnrolmentFactory(cohort=cohort).officer for _ in range(2))
    Unsubscription.objects.create(user=opted_out, kind="announcement")
    optional = services.announcement_send(draft=draft("cohort", cohort=cohort), actor=StaffFactory())
    assert list(Message.objects.filter(kind="announcement").values_list("recipient", flat=True)) == [keen.pk]
    assert optional.recipients.count() == 2  # the banner still reaches both
    services.announcement_send(draft=draft("cohort", cohort=cohort, is_essential=True), actor=StaffFactory())
    essential = Message.objects.filter(kind="announcement_essential")
    assert set(essential.values_list("recipient", flat=True)) == {keen.pk, opted_out.pk}
    assert all(essential.values_list("is_essential", flat=True))


def test_an_announcement_needs_its_target():
    with pytest.raises(services.CohortError, match="Choose the stream"):
        services.announcement_send(draft=draft("stream"), actor=StaffFactory())
    assert Announcement.objects.count() == 0


def test_the_body_is_escaped_and_only_web_addresses_become_links():
    html = presenters.announcement_body_html(
        "See https://example.org/a?b=1&c=2.\n<script>x</script> javascript:alert(1)\n\nSecond paragraph"
    )
    assert html == (
        '<p class="govuk-body">See <a class="govuk-link" href="https://example.org/a?b=1&amp;c=2">'
        "https://example.org/a?b=1&amp;c=2</a>.<br>&lt;script&gt;x&lt;/script&gt; javascript:alert(1)</p>"
        '<p class="govuk-body">Second paragraph</p>'
    )


# --- pages ---


def test_dismissing_hides_the_banner_for_that_person_only(client):
    cohort = CohortFactory()
    first, second = (EnrolmentFactory(cohort=cohort).officer for _ in range(2))
    announcement = services.announcement_send(
        draft=draft("cohort", cohort=cohort, title="Bring a laptop"), actor=StaffFactory()
    )
    client.force_login(first)
    assert "Bring a laptop" in client.get("/").content.decode()
    assert client.get(f"/cohorts/announcements/{announcement.pk}/dismiss/").status_code == 405
    response = client.post(f"/cohorts/announcements/{announcement.pk}/dismiss/")
    assert response.status_code == 302
    assert "Bring a laptop" not in client.get("/").content.decode()
    client.force_login(second)
    assert "Bring a laptop" in client.get("/").content.decode()
    assert AnnouncementRecipient.objects.get(user=first).dismissed_at is not None
    assert AnnouncementRecipient.objects.get(user=second).dismissed_at is None


def test_mentors_see_announcements_to_all_mentors(client):
    mentor = MentorFactory()
    services.announcement_send(draft=draft("mentors", title="Mentor briefing"), actor=StaffFactory())
    client.force_login(mentor)
    assert "Mentor briefing" in client.get("/").content.decode()


def test_preview_counts_recipients_and_saves_nothing_then_send(client):
    cohort = CohortFactory()
    for _ in range(4):
        EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    data = {
        "title": "Week 3 moves",
        "body": "Week 3 is on Wednesday.",
        "audience": "cohort",
        "cohort": str(cohort.pk),
        "stream": "",
        "organisation": "",
        "importance": "optional",
    }
    html = client.post("/cohorts/announcements/new/", data).content.decode()
    assert "Check your announcement" in html
    assert "Send to 4 people" in html
    assert Announcement.objects.count() == 0
    response = client.post("/cohorts/announcements/new/", {**data, "confirm": ""})
    assert response.status_code == 302
    assert Announcement.objects.get().recipients.count() == 4


def test_the_form_asks_for_the_cohort_of_a_cohort_announcement(client):
    client.force_login(StaffFactory())
    html = client.post(
        "/cohorts/announcements/new/",
        {"title": "T", "body": "B", "audience": "cohort", "importance": "essential"},
    ).content.decode()
    assert "Choose the cohort the announcement is for" in html
    assert Announcement.objects.count() == 0


def test_the_list_shows_delivery_counts_with_a_flat_query_count(client):
    def one_announcement():
        cohort = CohortFactory()
        people = [EnrolmentFactory(cohort=cohort).officer for _ in range(3)]
        Unsubscription.objects.create(user=people[0], kind="announcement")
        announcement = services.announcement_send(draft=draft("cohort", cohort=cohort), actor=StaffFactory())
        Message.objects.filter(recipient=people[1], kind="announcement").update(status="sent")
        Message.objects.filter(recipient=people[2], kind="announcement").update(status="failed")
        AnnouncementRecipient.objects.filter(announcement=announcement, user=people[1]).update(
            dismissed_at="2026-01-01T10:00Z"
        )
        return announcement

    first = one_announcement()
    row = next(a for a in selectors.announcement_list() if a.pk == first.pk)
    assert (row.recipient_count, row.emailed_count, row.sent_count, row.failed_count, row.dismissed_count) == (
        3,
        2,
        1,
        1,
        1,
    )
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as one:
        assert client.get("/cohorts/announcements/").status_code == 200
    for _ in range(5):
        one_announcement()
    with CaptureQueriesContext(connection) as many:
        html = client.get("/cohorts/announcements/").content.decode()
    assert html.count('data-label="Recipients"') == 6
    assert len(many) == len(one)
