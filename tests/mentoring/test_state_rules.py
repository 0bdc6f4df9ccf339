"""Issue 11 part 3: every change to a session checks the time and locks the row. From the user's side:
each refused action shows the session page again with a GOV.UK error summary, and nothing changes."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from mentoring.models import Booking
from mentoring.services import BookingError, booking_accept, booking_cancel
from notifications.models import Message
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _hours(n: float):
    return timezone.now().replace(second=0, microsecond=0) + timedelta(hours=n)


def _pending(starts_in_hours: float) -> Booking:
    booking = BookingFactory(status=Booking.Status.PENDING, starts_at=_hours(starts_in_hours))
    booking.created_by = booking.mentor
    booking.save()
    return booking


def _refused(response, text: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#status">{text}' in html
    assert 'id="status"' in html


def test_accepting_a_pending_session_after_its_start_is_refused_and_sends_nothing(client):
    booking = _pending(-1)
    client.force_login(booking.officer)
    response = client.post(f"/mentoring/sessions/{booking.pk}/accept/")
    _refused(response, "You cannot accept this session because its start time has passed")
    booking.refresh_from_db()
    assert (booking.status, booking.sequence) == (Booking.Status.PENDING, 0)
    assert not Message.objects.filter(kind="mentoring_accepted").exists()


def test_a_pending_session_past_its_start_offers_no_accept_button(client):
    booking = _pending(-1)
    client.force_login(booking.officer)
    html = client.get(f"/mentoring/sessions/{booking.pk}/").content.decode()
    assert "Accept session" not in html
    assert "This session was not accepted before its start time, so it did not go ahead." in html


def test_accepting_a_pending_session_before_its_start_confirms_it(client):
    booking = _pending(24)
    client.force_login(booking.officer)
    response = client.post(f"/mentoring/sessions/{booking.pk}/accept/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.sequence) == (Booking.Status.CONFIRMED, 1)
    assert Message.objects.filter(kind="mentoring_accepted").count() == 2


def test_asking_to_move_a_pending_session_after_its_start_is_refused(client):
    booking = _pending(-1)
    client.force_login(booking.officer)
    response = client.post(f"/mentoring/sessions/{booking.pk}/ask-to-move/", {"reason": "Clashes"})
    _refused(response, "You cannot ask to move this session because its start time has passed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_asking_to_move_without_a_reason_shows_the_error_next_to_the_field(client):
    booking = _pending(24)
    client.force_login(booking.officer)
    response = client.post(f"/mentoring/sessions/{booking.pk}/ask-to-move/", {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert '<a href="#id_reason">Enter why you need to move the session</a>' in html
    assert 'id="id_reason-error"' in html


def test_a_no_show_before_the_start_is_refused(client):
    booking = BookingFactory(starts_at=_hours(2))
    client.force_login(booking.mentor)
    response = client.post(f"/mentoring/sessions/{booking.pk}/no-show/")
    _refused(response, "You can record a no-show once the session has started")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_no_show_after_the_start_is_recorded(client):
    booking = BookingFactory(starts_at=_hours(-1))
    client.force_login(booking.mentor)
    assert client.post(f"/mentoring/sessions/{booking.pk}/no-show/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_notes_before_the_session_started_are_refused(client):
    booking = BookingFactory(starts_at=_hours(2))
    client.force_login(booking.mentor)
    page = client.get(f"/mentoring/sessions/{booking.pk}/").content.decode()
    assert "You can write notes once the session has started." in page
    assert "Save notes" not in page
    response = client.post(f"/mentoring/sessions/{booking.pk}/notes/", {"notes": "Went well", "action_points": ""})
    _refused(response, "You can write notes once the session has started")
    booking.refresh_from_db()
    assert booking.notes == ""


def test_notes_for_a_cancelled_session_are_refused(client):
    booking = BookingFactory(starts_at=_hours(-3), status=Booking.Status.CANCELLED)
    client.force_login(booking.mentor)
    response = client.post(f"/mentoring/sessions/{booking.pk}/notes/", {"notes": "Went well", "action_points": ""})
    _refused(response, "You can write notes only for a session that went ahead")
    booking.refresh_from_db()
    assert booking.notes == ""


def test_notes_after_the_session_started_are_saved(client):
    booking = BookingFactory(starts_at=_hours(-1))
    client.force_login(booking.mentor)
    response = client.post(f"/mentoring/sessions/{booking.pk}/notes/", {"notes": "Went well", "action_points": "A"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.notes, booking.action_points) == ("Went well", "A")


def test_moving_a_session_into_the_past_is_refused(client):
    booking = BookingFactory(starts_at=_hours(48))
    client.force_login(booking.officer)
    past = (timezone.now() - timedelta(days=1)).astimezone(UTC).strftime("%Y%m%dT%H00")
    response = client.post(f"/mentoring/sessions/{booking.pk}/move/", {"slot": f"{booking.mentor_id}:{past}"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a time in the future" in html
    assert "govuk-error-summary" in html
    before = booking.starts_at
    booking.refresh_from_db()
    assert (booking.starts_at, booking.sequence) == (before, 0)


def test_cancelling_after_the_start_is_refused(client):
    booking = BookingFactory(starts_at=_hours(-0.5))
    client.force_login(booking.officer)
    response = client.post(f"/mentoring/sessions/{booking.pk}/cancel/")
    assert "You cannot cancel a session that has already started" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_accept_decides_on_the_row_as_it_is_now_not_on_a_stale_copy():
    """Two tabs: the officer opened the session, then it was cancelled; the stale copy says pending."""
    booking = _pending(24)
    stale = Booking.objects.get(pk=booking.pk)
    booking_cancel(booking=booking, by=booking.mentor)
    with pytest.raises(BookingError, match="not waiting for your answer"):
        booking_accept(booking=stale, officer=stale.officer)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not Message.objects.filter(kind="mentoring_accepted").exists()
