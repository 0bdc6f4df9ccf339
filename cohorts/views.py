from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.permissions import staff_required

from . import selectors
from .models import Organisation


@staff_required
@require_GET
def cohort_list(request):
    return render(request, "cohorts/cohort_list.html", {"cohorts": selectors.cohort_list()})


@staff_required
@require_GET
def cohort_detail(request, slug: str):
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    sessions = cohort.sessions.order_by("starts_at")
    return render(request, "cohorts/cohort_detail.html", {"cohort": cohort, "sessions": sessions})


@staff_required
@require_GET
def organisation_list(request):
    return render(request, "cohorts/organisation_list.html", {"organisations": selectors.organisation_list()})


@staff_required
@require_GET
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    enrolments = selectors.organisation_enrolments(organisation)
    return render(request, "cohorts/organisation_detail.html", {"organisation": organisation, "enrolments": enrolments})
