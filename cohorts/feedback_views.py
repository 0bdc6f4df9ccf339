"""Officers give feedback on the training sessions they attended (the results are trainers' impact pages)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Role, role_required

from . import services
from .feedback_forms import SessionFeedbackForm
from .models import FEEDBACK_OPEN_DAYS, TrainingSession


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def session_feedback(request, pk: int):
    session = get_object_or_404(
        TrainingSession.objects.select_related("cohort")
        .filter(attendances__enrolment__officer=request.user)
        .distinct(),
        pk=pk,
    )
    refusal = services.feedback_refusal(session, request.user)
    if refusal:
        return render(
            request,
            "cohorts/feedback_closed.html",
            {"session": session, "reason": refusal},
            status=409 if request.method == "POST" else 200,
        )
    form = SessionFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(session=session, officer=request.user, **form.cleaned_data)
        except services.FeedbackRefused as exc:
            return render(request, "cohorts/feedback_closed.html", {"session": session, "reason": str(exc)}, status=409)
        messages.success(request, f"Thank you. Your feedback on week {session.week_number} has been sent.")
        return redirect("home")
    return render(
        request,
        "cohorts/feedback_form.html",
        {
            "form": form,
            "session": session,
            "closes": session.feedback_closes_at,
            "open_days": FEEDBACK_OPEN_DAYS,
            "title": f"Feedback on week {session.week_number}",
        },
    )


@role_required(Role.OFFICER)
@require_GET
def my_feedback(request):
    return render(
        request, "cohorts/feedback_list.html", {"sessions": list(services.sessions_awaiting_feedback(request.user))}
    )
