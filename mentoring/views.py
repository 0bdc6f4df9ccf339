from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import Role, public, role_required, staff_required

from . import calendar, charts, forms, selectors, services
from .models import Booking, MentorProfile

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
    return render(
        request,
        "mentoring/booking_list.html",
        {
            "upcoming": selectors.upcoming_bookings(request.user),
            "past": selectors.past_bookings(request.user)[:50],
        },
    )


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


def _book(request, *, mentors, template: str, context: dict, with_mentor: bool, first_day: date, day_count: int):
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
    if day is None or not today <= day <= today + timedelta(days=selectors.HORIZON_DAYS):
        day = selectors.first_day_with_free_slots(officer=request.user, days=days, mentors=mentors) or today
    return _book(
        request,
        mentors=mentors,
        template="mentoring/office_hours.html",
        context={"day": day, "days": days, "title": "Office hours: any mentor"},
        with_mentor=True,
        first_day=day,
        day_count=1,
    )


@role_required(*ANY_ROLE)
@require_GET
def booking_confirmed(request, pk: int):
    return render(request, "mentoring/booking_confirmed.html", {"booking": _booking_for(request, pk)})


@role_required(*ANY_ROLE)
@require_GET
def booking_detail(request, pk: int):
    booking = _booking_for(request, pk)
    is_mentor = booking.mentor_id == request.user.pk
    is_officer = booking.officer_id == request.user.pk
    started = booking.starts_at <= timezone.now()
    context = {
        "booking": booking,
        "is_mentor": is_mentor,
        "is_officer": is_officer,
        "started": started,
        "can_change": booking.is_active and not started and (is_mentor or is_officer),
    }
    if is_mentor:
        context["notes_form"] = forms.NotesForm(
            initial={"notes": booking.notes, "action_points": booking.action_points}
        )
    if is_officer and started and booking.status == Booking.Status.CONFIRMED:
        context["feedback_form"] = forms.FeedbackForm(initial={"rating": booking.rating, "feedback": booking.feedback})
    if is_officer and booking.status == Booking.Status.PENDING:
        context["move_form"] = forms.MoveRequestForm()
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
    by_mentor = booking.mentor_id == request.user.pk
    slots = selectors.free_slots(
        mentors=[booking.mentor],
        first_day=timezone.localdate(),
        officer=booking.officer,
        include_training=by_mentor,
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
    booking = _own_booking(request, pk, as_role=as_role)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("mentoring:booking_detail", pk=booking.pk)
    try:
        action(booking, form.cleaned_data if form else {})
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
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
    slots = selectors.free_slots(
        mentors=[request.user], first_day=timezone.localdate(), officer=officer, include_training=True
    )
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


def _availability_page(request, *, weekly=None, one_off=None, leave=None):
    """The availability page with its three forms; the one that was posted (and failed) is bound and
    becomes `form`, so its errors fill the error summary and the page title."""
    profile, _ = MentorProfile.objects.get_or_create(mentor=request.user)
    weekly = weekly or forms.WindowForm()
    one_off = one_off or forms.OneOffWindowForm()
    leave = leave or forms.LeaveForm()
    posted = next((form for form in (weekly, one_off, leave) if form.is_bound), weekly)
    return render(
        request,
        "mentoring/availability.html",
        {
            "profile": profile,
            "form": posted,
            "weekly_form": weekly,
            "one_off_form": one_off,
            "leave_form": leave,
            "availability": selectors.availability_of(request.user),
        },
    )


@role_required(Role.MENTOR)
@require_http_methods(["GET", "POST"])
def availability(request):
    if request.method == "POST":
        form = forms.WindowForm(request.POST)
        if form.is_valid():
            services.availability_window_add(mentor=request.user, **form.cleaned_data)
            messages.success(request, "Weekly time added.")
            return redirect("mentoring:availability")
        return _availability_page(request, weekly=form)
    return _availability_page(request)


@role_required(Role.MENTOR)
@require_POST
def availability_one_off_add(request):
    form = forms.OneOffWindowForm(request.POST)
    if not form.is_valid():
        return _availability_page(request, one_off=form)
    window = services.availability_window_add(mentor=request.user, **form.cleaned_data)
    messages.success(request, f"Time added on {window.on_date:%A} {window.on_date.day} {window.on_date:%B}.")
    return redirect("mentoring:availability")


@role_required(Role.MENTOR)
@require_POST
def availability_window_delete(request, pk: int):
    window = get_object_or_404(request.user.availability_windows, pk=pk)
    services.availability_window_delete(window=window)
    messages.success(request, "Time removed.")
    return redirect("mentoring:availability")


@role_required(Role.MENTOR)
@require_POST
def leave_add(request):
    form = forms.LeaveForm(request.POST)
    if not form.is_valid():
        return _availability_page(request, leave=form)
    services.leave_add(mentor=request.user, **form.cleaned_data)
    messages.success(request, "Leave added. You cannot be booked on those days.")
    return redirect("mentoring:availability")


@role_required(Role.MENTOR)
@require_POST
def leave_delete(request, pk: int):
    leave = get_object_or_404(request.user.leave, pk=pk)
    services.leave_delete(leave=leave)
    messages.success(request, "Leave removed.")
    return redirect("mentoring:availability")


@role_required(Role.MENTOR)
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile, _ = MentorProfile.objects.get_or_create(mentor=request.user)
    form = forms.MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.mentor_profile_save(mentor=request.user, **form.cleaned_data)
        messages.success(request, "Your mentor profile has been saved.")
        return redirect("mentoring:availability")
    return render(request, "includes/form_page.html", {"form": form, "title": "Your mentor profile"})


@role_required(*ANY_ROLE)
@require_GET
def calendar_page(request):
    feed = selectors.calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("mentoring:calendar_feed", args=[feed.token])) if feed else ""
    return render(request, "mentoring/calendar.html", {"feed_url": url})


@role_required(*ANY_ROLE)
@require_POST
def calendar_reset(request):
    """Makes the user's private link, or replaces it: the old link stops working at once."""
    had_one = selectors.calendar_feed_for(request.user) is not None
    services.calendar_feed_reset(user=request.user)
    if had_one:
        messages.success(request, "Your calendar link has been reset. The old link no longer works.")
    else:
        messages.success(request, "Your private calendar link is ready.")
    return redirect("mentoring:calendar")


@public
@require_GET
def calendar_feed(request, token: str):
    """The subscription feed: the token is the credential. Unknown or reset tokens get a 404."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    body = calendar.feed_ics(
        user=feed.user,
        bookings=selectors.feed_bookings(feed.user),
        sessions=selectors.feed_training_sessions(feed.user),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def allocations(request):
    if request.method == "POST":
        form = forms.AllocationForm(request.POST)
        if form.is_valid():
            services.allocation_set(
                officer=form.cleaned_data["officer"], mentor=form.cleaned_data["mentor"], by=request.user
            )
            messages.success(request, f"Lead mentor saved for {form.cleaned_data['officer'].full_name}.")
        else:
            messages.error(request, "Choose an officer and a mentor")
        return redirect("mentoring:allocations")
    return render(
        request,
        "mentoring/allocations.html",
        {
            "enrolments": selectors.officers_for_allocation(),
            "mentors": list(User.objects.mentors().filter(is_active=True)),
        },
    )


@staff_required
@require_GET
def utilisation(request):
    by_cohort: dict = {}
    for row in selectors.mentor_utilisation():
        by_cohort.setdefault(row.cohort, []).append(row)
    cohorts = [
        {"cohort": cohort, "rows": rows, "chart": charts.utilisation_chart(rows, key=f"cohort-{cohort.pk}")}
        for cohort, rows in by_cohort.items()
    ]
    return render(request, "mentoring/utilisation.html", {"cohorts": cohorts})
