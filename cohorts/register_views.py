"""A session's register: staff and mentors mark everyone in one save."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Role, has_role, role_required

from . import selectors, services
from .models import Attendance, TrainingSession
from .register_forms import FILL_LAST_WEEK, FILL_PRESENT, RegisterForm


@role_required(Role.STAFF, Role.MENTOR)
@require_http_methods(["GET", "POST"])
def register(request, slug: str, pk: int):
    cohort = get_object_or_404(selectors.cohorts_visible_to(request.user), slug=slug)
    session = get_object_or_404(TrainingSession.objects.select_related("cohort"), pk=pk, cohort=cohort)
    title = f"Register for week {session.week_number}"
    closed = services.register_closed_reason(session)
    if closed:
        # A future or cancelled session has no register: say when it opens, save nothing.
        return render(
            request,
            "cohorts/register_closed.html",
            {
                "session": session,
                "title": title,
                "reason": closed,
                "page_error": closed if request.method == "POST" else "",
                "is_staff": has_role(request.user, Role.STAFF),
            },
            status=409 if request.method == "POST" else 200,
        )
    rows = selectors.register_rows(session)
    filled = ""
    if request.method == "POST" and (FILL_PRESENT in request.POST or FILL_LAST_WEEK in request.POST):
        # Filling in is not saving: the form comes back ready to change and save, and nothing is written.
        if FILL_PRESENT in request.POST:
            rows = [(enrolment, Attendance.Mark.PRESENT) for enrolment, _ in rows]
            filled = "Everyone is marked present. Change anyone who was not, then save the register."
        else:
            last = selectors.previous_session_marks(session)
            copied = sum(1 for enrolment, _ in rows if enrolment.pk in last)
            rows = [(enrolment, last.get(enrolment.pk, mark)) for enrolment, mark in rows]
            filled = (
                f"Marks copied from last week’s register for {copied} of {len(rows)} officers. "
                "Check them, then save the register."
                if last
                else "There is no earlier register for this cohort to copy."
            )
        form = RegisterForm(rows=rows)
    else:
        form = RegisterForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and not filled and form.is_valid():
        try:
            saved = services.register_save(session=session, marks=form.marks(), actor=request.user)
        except services.CohortError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The register for week {session.week_number} has been saved ({saved} officers).")
            if has_role(request.user, Role.STAFF):
                return redirect("cohorts:cohort_detail", slug=slug)
            return redirect("home")
    return render(
        request,
        "cohorts/register.html",
        {
            "form": form,
            "session": session,
            "title": title,
            "filled": filled,
            "not_happened": services.register_not_happened_warning(session),
        },
    )
