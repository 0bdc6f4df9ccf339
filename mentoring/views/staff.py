"""Programme staff: lead-mentor allocations and utilisation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.permissions import staff_required

from .. import charts, forms, selectors, services


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
