"""The showcase: officers' case studies, and the quality figures someone other than the officers confirmed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Role, role_required

from . import forms, presenters, selectors, services
from .views import ANY_ROLE, _apply, _form_page, _project


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def case_study_edit(request, pk: int):
    project = _project(request, pk)
    study = getattr(project, "case_study", None)
    initial = None
    if study:
        initial = {
            "summary": study.summary,
            "what_was_linked": study.what_was_linked,
            "results": study.results,
            "lessons": study.lessons,
            "publish": study.is_published,
        }
    form = forms.CaseStudyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.case_study_save(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                "The case study has been published."
                if study.is_published
                else "The case study has been saved as a draft.",
            )
            return redirect("projects:project_detail", pk=project.pk)
    return _form_page(request, form, title="Case study for the showcase", project=project)


@role_required(*ANY_ROLE)
@require_GET
def showcase(request):
    studies = list(selectors.published_case_studies())
    runs = selectors.latest_confirmed_runs([study.project_id for study in studies])
    for study in studies:  # only figures someone other than the officers confirmed count as measured
        study.quality = presenters.run_quality(runs[study.project_id]) if study.project_id in runs else None
    return render(request, "projects/showcase.html", {"studies": studies})


@role_required(*ANY_ROLE)
@require_GET
def case_study_detail(request, pk: int):
    study = get_object_or_404(selectors.published_case_studies(), project_id=pk)
    run = selectors.latest_confirmed_runs([study.project_id]).get(study.project_id)
    context = {"study": study, "project": study.project, "quality": presenters.run_quality(run) if run else None}
    return render(request, "projects/case_study_detail.html", context)
