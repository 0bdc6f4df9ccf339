"""Bookings: browsing mentors, booking, the session page and what can be done from it."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import Role, role_required
from audit.access import private_record_viewed
from common.listing import listing

from .. import calendar, forms, selectors, services
from ..filters import BOOKING_COLUMNS, WHEN_CHOICES, BookingFilter, when_chosen
from ..models import Booking

ANY_ROLE = (Role.STAFF, Role.MENTOR, Role.OFFICER)


def _booking_for(request, pk: int) -> Booking:
    """Another person's booking is a 404: its existence is not disclosed."""
    return get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)


def _own_booking(request, pk: int, *, as_role: str) -> Booking:
    booking = get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)
    if getattr(booking, f"{as_role}_id") != request.user.pk:
        raise Http404
    return booking


def _refusal(error: services.BookingError) -> str:
    if isinstance(error, services.SlotTaken) and error.nearest:
        nearest = "; ".join(forms.slot_label(slot, with_mentor=False) for slot in error.nearest)
        return f"{error.message}. The nearest free times are {nearest}"
    return error.message


@role_required(*ANY_ROLE)
@require_GET
def booking_list(request):
    when = when_chosen(request.GET)
    found = listing(
        request,
        selectors.bookings_of(request.user),
        filterset_class=BookingFilter,
        columns=BOOKING_COLUMNS,
        default_sort="when" if when == "upcoming" else "-when",  # the next session first, or the latest
    )
    context = {"listing": found, "page": found.page, "caption": dict(WHEN_CHOICES)[when]}
    return render(request, "mentoring/booking_list.html", context)


@role_required(Role.OFFICER, Role.STAFF)
@require_GET
def mentor_list(request):
    filter_form = forms.ExpertiseFilterForm(request.GET or None)
    expertise = filter_form.cleaned_data["expertise"] if filter_form.is_valid() else ""
    return render(
        request,
        "mentoring/mentor_list.html",
        {
            "profiles": selectors.mentor_profiles(expertise=expertise),
            "filter_form": filter_form,
            "expertise": expertise,
        },
    )


def _book(
    request, *, mentors, template: str, context: dict, with_mentor: bool, first_day: date, day_count: int, slots=None
):
    if slots is None:
        slots = selectors.free_slots(mentors=mentors, first_day=first_day, day_count=day_count, officer=request.user)
    allowed = {m.pk for m in mentors}
    form = forms.SlotForm(
        request.POST or None, slots=slots, with_mentor=with_mentor, mentors=allowed, submit="Book session"
    )
    if request.method == "POST" and form.is_valid():
        mentor_id, starts_at = form.cleaned_data["slot"]
        try:
            booking = services.booking_create(
                officer=request.user,
                mentor=User.objects.get(pk=mentor_id),
                starts_at=starts_at,
                agenda=form.cleaned_data["agenda"],
            )
        except services.BookingError as error:
            form.add_error("slot", _refusal(error))
        else:
            return redirect("mentoring:booking_confirmed", pk=booking.pk)
    return render(request, template, {**context, "form": form, "slots": slots})


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def book(request, mentor_id: int):
    profile = get_object_or_404(selectors.mentor_profiles(), mentor_id=mentor_id)
    return _book(
        request,
        mentors=[profile.mentor],
        template="mentoring/book.html",
        context={"profile": profile, "title": f"Book a session with {profile.mentor.full_name}"},
        with_mentor=False,
        first_day=timezone.localdate(),
        day_count=selectors.HORIZON_DAYS,
    )


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def office_hours(request):
    """The pooled view: any mentor, one training day."""
    training_days = selectors.next_training_days(request.user)
    days = [timezone.localtime(s.starts_at).date() for s in training_days]
    try:
        day = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:
        day = None
    today = timezone.localdate()
    mentors = list(selectors.mentors_for_booking())
    slots = None
    if day is None or not today <= day <= today + timedelta(days=selectors.HORIZON_DAYS):
        first, slots = selectors.first_day_with_free_slots(officer=request.user, days=days, mentors=mentors)
        if first is None:
            day, slots = today, None
        else:
            day = first
    return _book(
        request,
        mentors=mentors,
        template="mentoring/office_hours.html",
        context={
            "day": day,
            "days": days,
            "training": next((s for s in training_days if timezone.localtime(s.starts_at).date() == day), None),
            "title": "Office hours: any mentor",
        },
        with_mentor=True,
        first_day=day,
        day_count=1,
        slots=slots,
    )


@role_required(*ANY_ROLE)
@require_GET
def booking_confirmed(request, pk: int):
    return render(request, "mentoring/booking_confirmed.html", {"booking": _booking_for(request, pk)})


@role_required(*ANY_ROLE)
@require_GET
def booking_detail(request, pk: int):
    booking = _booking_for(request, pk)
    private_record_viewed(request, booking, owner_ids=[booking.officer_id, booking.mentor_id], what="mentoring session")
    return _detail_page(request, booking)


def _detail_page(request, booking: Booking, *, page_error: str = "", bound=None):
    """The session page. `page_error` is why an action was refused, shown in the error summary linking
    to the session's status; `bound` is a posted form that did not validate, shown with its errors."""
    now = timezone.now()
    is_mentor = booking.mentor_id == request.user.pk
    is_officer = booking.officer_id == request.user.pk
    started = booking.starts_at <= now
    context = {
        "booking": booking,
        "is_mentor": is_mentor,
        "is_officer": is_officer,
        "started": started,
        "can_change": booking.is_active and not started and (is_mentor or is_officer),
        "can_answer": is_officer and booking.status == Booking.Status.PENDING and not started,
        "page_error": page_error,
        "form": bound,
    }
    if is_mentor and services.can_record_notes(booking, now=now):
        context["notes_form"] = forms.NotesForm(
            initial={"notes": booking.notes, "action_points": booking.action_points}
        )
    if is_officer and started and booking.status == Booking.Status.CONFIRMED:
        context["feedback_form"] = forms.FeedbackForm(initial={"rating": booking.rating, "feedback": booking.feedback})
    if bound is not None:
        context[{forms.NotesForm: "notes_form", forms.FeedbackForm: "feedback_form"}.get(type(bound), "move_form")] = (
            bound
        )
    return render(request, "mentoring/booking_detail.html", context)


@role_required(*ANY_ROLE)
@require_GET
def booking_invite(request, pk: int):
    booking = _booking_for(request, pk)
    response = HttpResponse(calendar.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentoring-session-{booking.pk}.ics"'
    return response


@role_required(Role.OFFICER, Role.MENTOR)
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk: int):
    booking = _booking_for(request, pk)
    if request.user.pk not in (booking.officer_id, booking.mentor_id):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking, by=request.user)
        except services.BookingError as refusal:
            error = refusal.message
        else:
            messages.success(request, "The session has been cancelled and both of you have been emailed.")
            return redirect("mentoring:booking_detail", pk=booking.pk)
    return render(request, "mentoring/booking_cancel.html", {"booking": booking, "error": error})


@role_required(Role.OFFICER, Role.MENTOR)
@require_http_methods(["GET", "POST"])
def booking_reschedule(request, pk: int):
    booking = _booking_for(request, pk)
    if request.user.pk not in (booking.officer_id, booking.mentor_id):
        raise Http404
    slots = selectors.free_slots(
        mentors=[booking.mentor],
        first_day=timezone.localdate(),
        officer=booking.officer,
        exclude_booking=booking,
    )
    form = forms.SlotForm(
        request.POST or None,
        slots=slots,
        with_mentor=False,
        mentors={booking.mentor_id},
        agenda=False,
        submit="Move session",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_reschedule(booking=booking, by=request.user, starts_at=form.cleaned_data["slot"][1])
        except services.BookingError as error:
            form.add_error("slot", _refusal(error))
        else:
            messages.success(request, "The session has moved. Updated calendar invitations are on their way.")
            return redirect("mentoring:booking_detail", pk=booking.pk)
    return render(
        request, "mentoring/booking_reschedule.html", {"booking": booking, "form": form, "title": "Move the session"}
    )


def _post_action(request, pk: int, *, as_role: str, action, success: str, form_class=None):
    """A button on the session page. A refusal or an invalid form shows the page again with a GOV.UK
    error summary (and "Error:" in the title); nothing is saved."""
    booking = _own_booking(request, pk, as_role=as_role)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _detail_page(request, booking, bound=form)
    try:
        action(booking, form.cleaned_data if form else {})
    except services.BookingError as error:
        booking.refresh_from_db()
        return _detail_page(request, booking, page_error=error.message)
    messages.success(request, success)
    return redirect("mentoring:booking_detail", pk=booking.pk)


@role_required(Role.MENTOR)
@require_POST
def booking_notes(request, pk: int):
    return _post_action(
        request,
        pk,
        as_role="mentor",
        form_class=forms.NotesForm,
        success="Notes saved.",
        action=lambda b, data: services.booking_record_notes(booking=b, mentor=request.user, **data),
    )


@role_required(Role.MENTOR)
@require_POST
def booking_no_show(request, pk: int):
    return _post_action(
        request,
        pk,
        as_role="mentor",
        success="Recorded as a no-show.",
        action=lambda b, data: services.booking_mark_no_show(booking=b, mentor=request.user),
    )


@role_required(Role.OFFICER)
@require_POST
def booking_feedback(request, pk: int):
    return _post_action(
        request,
        pk,
        as_role="officer",
        form_class=forms.FeedbackForm,
        success="Thank you for your feedback.",
        action=lambda b, data: services.booking_rate(booking=b, officer=request.user, **data),
    )


@role_required(Role.OFFICER)
@require_POST
def booking_accept(request, pk: int):
    return _post_action(
        request,
        pk,
        as_role="officer",
        success="Session accepted.",
        action=lambda b, data: services.booking_accept(booking=b, officer=request.user),
    )


@role_required(Role.OFFICER)
@require_POST
def booking_move(request, pk: int):
    return _post_action(
        request,
        pk,
        as_role="officer",
        form_class=forms.MoveRequestForm,
        success="Your mentor has been asked to move the session.",
        action=lambda b, data: services.booking_request_move(booking=b, officer=request.user, **data),
    )


@role_required(Role.MENTOR)
@require_http_methods(["GET", "POST"])
def booking_propose(request, officer_id: int):
    allocation = get_object_or_404(request.user.mentees.select_related("officer"), officer_id=officer_id)
    officer = allocation.officer
    slots = selectors.free_slots(mentors=[request.user], first_day=timezone.localdate(), officer=officer)
    form = forms.SlotForm(
        request.POST or None, slots=slots, with_mentor=False, mentors={request.user.pk}, submit="Schedule session"
    )
    form.fields["agenda"].label = "What the session is for"
    form.fields["agenda"].help_text = ""
    form.fields["agenda"].error_messages["required"] = "Enter what the session is for"
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_propose(
                mentor=request.user,
                officer=officer,
                starts_at=form.cleaned_data["slot"][1],
                agenda=form.cleaned_data["agenda"],
            )
        except services.BookingError as error:
            form.add_error("slot", _refusal(error))
        else:
            messages.success(request, f"{officer.full_name} has been asked to accept the session.")
            return redirect("mentoring:booking_detail", pk=booking.pk)
    return render(
        request,
        "mentoring/booking_propose.html",
        {"form": form, "officer": officer, "title": f"Schedule a session with {officer.full_name}"},
    )
