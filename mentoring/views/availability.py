"""A mentor's own times: weekly and one-off times, leave and their profile."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Role, role_required
from common.formatting import format_date

from .. import forms, selectors, services
from ..models import MentorProfile

ANY_ROLE = (Role.STAFF, Role.MENTOR, Role.OFFICER)


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
    messages.success(request, f"Time added on {format_date(window.on_date, 'weekday,no_year')}.")
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
