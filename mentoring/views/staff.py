"""Programme staff: lead-mentor allocations and utilisation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import staff_required

from .. import charts, forms, selectors, services

UTILISATION_COHORTS_PER_PAGE = 5


def allocation_formset(*, cohort, data=None):
    """The cohort's whole allocation as one formset: a line per selected officer, one Save. Used by
    this page and by the confirm step of suggested allocations (trainers)."""
    enrolments = list(selectors.officers_for_allocation(cohort))
    mentors = list(selectors.mentor_load(cohort))
    names = {enrolment.officer_id: enrolment.officer.full_name for enrolment in enrolments}
    initial = [
        {
            "officer": enrolment.officer_id,
            "mentor": getattr(getattr(enrolment.officer, "lead_mentor", None), "mentor_id", None),
        }
        for enrolment in enrolments
    ]
    formset = forms.AllocationFormSet(
        data,
        initial=initial,
        officers=[enrolment.officer_id for enrolment in enrolments],
        form_kwargs={"mentor_choices": [(m.pk, m.full_name) for m in mentors], "officer_names": names},
        prefix="allocation",
    )
    rows = list(zip(enrolments, formset.forms, strict=False))
    return formset, rows, mentors


@staff_required
@require_http_methods(["GET", "POST"])
def allocations(request):
    cohorts = list(selectors.cohorts_for_allocation())
    slug = request.POST.get("cohort") or request.GET.get("cohort")
    cohort = next((c for c in cohorts if c.slug == slug), None) or next(iter(cohorts), None)
    if cohort is None:
        return render(request, "mentoring/allocations.html", {"cohorts": cohorts, "cohort": None})
    formset, rows, mentors = allocation_formset(cohort=cohort, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        changes = services.allocations_save(allocations=formset.allocations(), by=request.user)
        request.session[services.ALLOCATION_SUMMARY_KEY] = [str(change) for change in changes]
        messages.success(
            request,
            f"Lead mentors saved for {cohort.name}: "
            + (f"{len(changes)} change{'s' if len(changes) != 1 else ''}." if changes else "nothing changed."),
        )
        return redirect(f"{reverse('mentoring:allocations')}?cohort={cohort.slug}")
    return render(
        request,
        "mentoring/allocations.html",
        {
            "cohorts": cohorts,
            "cohort": cohort,
            "formset": formset,
            "rows": rows,
            "mentors": mentors,
            # The summary of the last save is shown once, like a message.
            "changes": request.session.pop(services.ALLOCATION_SUMMARY_KEY, []) if request.method == "GET" else [],
        },
    )


@staff_required
@require_GET
def utilisation(request):
    # A programme's whole history is a hundred cohorts of twenty mentors: a few cohorts a page, newest first.
    page = Paginator(selectors.utilisation_cohorts(), UTILISATION_COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    by_cohort: dict = {}
    for row in selectors.mentor_utilisation(cohorts=list(page.object_list)):
        by_cohort.setdefault(row.cohort, []).append(row)
    cohorts = [
        {"cohort": cohort, "rows": rows, "chart": charts.utilisation_chart(rows, key=f"cohort-{cohort.pk}")}
        for cohort, rows in by_cohort.items()
    ]
    return render(request, "mentoring/utilisation.html", {"cohorts": cohorts, "page": page})
