"""Staff decisions on applications: select, waitlist or not selected, one at a time or many at
once, each through a check-your-answers page that shows the outcome letter before anything is saved."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import staff_required

from . import presenters, selectors, services
from .decision_forms import BulkDecisionForm, NotSelectedForm
from .models import Enrolment
from .services import Decision


def _places(cohort) -> dict:
    return {"filled": services.selected_count(cohort), "capacity": cohort.capacity}


@staff_required
@require_http_methods(["GET", "POST"])
def application_decide(request, pk: int, decision: str):
    enrolment = selectors.enrolment_visible_to(request.user, pk)
    if enrolment is None or decision not in Decision.LABELS:
        raise Http404
    reason = note = ""
    if decision == Decision.NOT_SELECTED:
        form = NotSelectedForm(request.POST if request.method == "POST" else None)
        if request.method == "GET" or not form.is_valid():
            return render(
                request,
                "cohorts/application_not_selected.html",
                {"form": form, "enrolment": enrolment, "title": f"Not selected: {enrolment.officer.full_name}"},
            )
        reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
    page_error = ""
    if request.method == "POST" and "confirm" in request.POST:
        try:
            services.application_decide(
                enrolment=enrolment, decision=decision, actor=request.user, reason=reason, note=note
            )
        except services.CohortError as exc:
            page_error = str(exc)
        else:
            messages.success(request, presenters.decision_summary(decision, 1))
            return redirect("cohorts:application_detail", pk=enrolment.pk)
    return render(
        request,
        "cohorts/application_decide_confirm.html",
        {
            "enrolment": enrolment,
            "decision": decision,
            "decision_label": Decision.LABELS[decision],
            "reason": reason,
            "reason_label": Enrolment.OutcomeReason(reason).label if reason else "",
            "note": note,
            "letter": services.outcome_letter_preview(enrolment=enrolment, decision=decision, reason=reason, note=note),
            "places": _places(enrolment.cohort),
            "page_error": page_error,
            "title": "Check your decision",
        },
        status=409 if page_error else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def applications_decide(request, slug: str):
    """Many applications of one cohort at once: choose them and a decision, check, confirm."""
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    form = BulkDecisionForm(
        request.POST if request.method == "POST" else None, enrolments=selectors.applications_undecided(cohort)
    )
    context = {"cohort": cohort, "form": form, "title": f"Decide on applications to {cohort.name}"}
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        chosen = form.chosen()
        data = form.cleaned_data
        arguments = {
            "cohort": cohort,
            "enrolment_ids": [enrolment.pk for enrolment in chosen],
            "decision": data["decision"],
            "actor": request.user,
            "reason": data["reason"],
            "note": data["note"],
        }
        page_error = ""
        if "confirm" in request.POST:
            try:
                decided = services.applications_decide_many(**arguments)
            except services.CohortError as exc:
                page_error = str(exc)
            else:
                messages.success(request, presenters.decision_summary(data["decision"], len(decided)))
                return redirect("cohorts:application_list", slug=cohort.slug)
        else:
            try:
                services.applications_decide_many(**arguments, dry_run=True)
            except services.CohortError as exc:
                page_error = str(exc)
        return render(
            request,
            "cohorts/applications_decide_check.html",
            {
                **context,
                "title": "Check your decisions",
                "chosen": chosen,
                "decision": data["decision"],
                "decision_label": Decision.LABELS[data["decision"]],
                "reason": data["reason"],
                "reason_label": Enrolment.OutcomeReason(data["reason"]).label if data["reason"] else "",
                "note": data["note"],
                "letter": services.outcome_letter_preview(
                    enrolment=chosen[0], decision=data["decision"], reason=data["reason"], note=data["note"]
                ),
                "places": _places(cohort),
                "page_error": page_error,
            },
            status=409 if page_error and "confirm" in request.POST else 200,
        )
    return render(request, "cohorts/applications_decide.html", context)
