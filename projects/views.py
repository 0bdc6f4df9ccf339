from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Role, has_role, role_required, staff_required
from audit.access import private_record_viewed
from audit.downloads import personal_data_csv_response
from cohorts.models import Cohort
from common.csvfile import csv_text
from common.fresh import kept, kept_part
from common.listing import listing, query_with

from . import charts, forms, presenters, selectors, services, weeks
from .export import PROGRESS_HEADER, progress_rows
from .filters import PROJECT_COLUMNS, ProjectFilter
from .models import Dataset, LinkageRun, Milestone, MilestoneTemplate, Project

ANY_ROLE = (Role.STAFF, Role.MENTOR, Role.OFFICER)
AWAITING_ON_MENTEES_PAGE = 20


def _project(request, pk: int) -> Project:
    """Another officer's project is a 404: the selector only holds what the user may see."""
    return get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)


def _officer_ids(project: Project) -> list[int]:
    return [officer.pk for officer in project.officers.all()]


def _is_member(user, project: Project) -> bool:
    return project.officers.filter(pk=user.pk).exists()


def _apply(form, error: ValidationError) -> None:
    """Puts a service's ValidationError next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request, form, *, title: str, project: Project | None = None, back: str = "", intro: str = ""):
    return render(
        request,
        "projects/form_page.html",
        {"form": form, "title": title, "project": project, "back": back, "intro": intro},
    )


# --- pages per role ----------------------------------------------------------------------------------


@staff_required
@require_GET
def cohort_index(request):
    """The cohorts whose projects staff can open, newest first; kept (common/fresh.py: kept_part)."""
    body = kept_part(
        request, "project-cohorts", "projects/_cohort_index_body.html", lambda: _cohort_index_context(request)
    )
    return render(request, "projects/cohort_index.html", {"body": body})


def _cohort_index_context(request) -> dict:
    cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT).order_by("-start_date", "pk")
    page = Paginator(cohorts, 50).get_page(request.GET.get("page"))
    return {"cohorts": page.object_list, "page": page}


def _cohort_projects(cohort: Cohort):
    qs = Project.objects.filter(cohort=cohort).select_related("cohort", "lead_mentor")
    return selectors.with_figures(qs, today=timezone.localdate())


@staff_required
@require_GET
def cohort_projects(request, slug: str):
    """A cohort's projects, filtered, sorted and a page at a time; the part under the heading is kept
    until the data or the date changes it (common/fresh.py: kept_part)."""
    cohort = get_object_or_404(Cohort, slug=slug)
    body = kept_part(
        request,
        "cohort-projects",
        "projects/_cohort_projects_body.html",
        lambda: _cohort_projects_context(request, cohort),
    )
    # The CSV link carries the filters (not the page), as the list's own query string does.
    query = query_with(request.GET, page=None)[1:]
    return render(request, "projects/cohort_projects.html", {"cohort": cohort, "body": body, "query": query})


def _cohort_projects_context(request, cohort: Cohort) -> dict:
    today = timezone.localdate()
    found = listing(
        request,
        _cohort_projects(cohort),
        filterset_class=ProjectFilter,
        columns=PROJECT_COLUMNS,
        default_sort="title",
        present=lambda projects: selectors.rows_for(projects, today=today),
        cohort=cohort,
    )
    return {"cohort": cohort, "rows": found.rows, "page": found.page, "listing": found, "query": found.query}


@staff_required
@require_GET
def cohort_projects_csv(request, slug: str):
    """The same projects as the filtered list, every one of them (not a page), in title order."""
    cohort = get_object_or_404(Cohort, slug=slug)
    filtered = ProjectFilter(request.GET or None, queryset=_cohort_projects(cohort), cohort=cohort).qs
    rows = selectors.project_summaries(filtered.order_by("title", "pk"))
    return personal_data_csv_response(
        request,
        csv_text(PROGRESS_HEADER, progress_rows(rows)),
        filename=f"progress-{cohort.slug}.csv",
        what="cohort progress",
        obj=cohort,
    )


@role_required(Role.MENTOR)
@require_GET
def mentee_projects(request):
    """The mentor's projects, logs waiting for a comment and linkage quality: kept until the data or
    the date changes them (common/fresh.py); the part kept holds no form."""
    return render(
        request,
        "projects/mentee_projects.html",
        {"body": kept("mentee-projects", request.user.pk, compute=lambda: _mentee_projects_body(request))},
    )


def _mentee_projects_body(request) -> str:
    awaiting = selectors.logs_awaiting_comment_first(request.user, limit=AWAITING_ON_MENTEES_PAGE)
    linkage = selectors.mentor_linkage(request.user)
    context = {
        "awaiting": awaiting.rows,
        "awaiting_total": awaiting.total,
        "rows": selectors.mentor_projects(request.user).rows,
        "linkage": linkage,
        "latest_runs": [presenters.run_quality(run) for run in linkage.latest],
    }
    return render_to_string("projects/includes/mentee_projects_body.html", context, request=request)


@role_required(Role.MENTOR)
@require_GET
def logs_awaiting(request):
    """Every log on the mentor's projects still waiting for a comment, oldest first, 50 a page."""
    page = Paginator(selectors.logs_awaiting_comment(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "projects/logs_awaiting.html", {"page": page, "awaiting": page.object_list})


@role_required(Role.OFFICER)
@require_GET
def my_project(request):
    rows = selectors.officer_projects(request.user)
    if rows:
        return redirect("projects:project_detail", pk=rows[0].project.pk)
    return render(request, "projects/no_project.html")


@role_required(*ANY_ROLE)
@require_GET
def project_detail(request, pk: int):
    project = _project(request, pk)
    summary = selectors.project_summary(project)
    runs = selectors.linkage_runs(project)
    officer_ids = [officer.pk for officer in summary.officers]
    member = request.user.pk in officer_ids
    staff = has_role(request.user, Role.STAFF)
    private_record_viewed(request, project, owner_ids=officer_ids, what="project")
    ig = presenters.ig_section(
        checks=summary.ig_checks,
        events=selectors.ig_history(project),
        milestones=summary.milestones,
        can_confirm=lambda check: staff and not member and check.recorded_by_id != request.user.pk,
        staff=staff,
    )
    context = {
        "ig": ig,
        "project": project,
        "summary": summary,
        "logs": selectors.project_logs(summary),
        "datasets": list(project.datasets.all()),
        "qualities": [
            presenters.run_quality(
                run, can_review=lambda run: services.can_review_run(request.user, run, on_project=member)
            )
            for run in runs
        ],
        "chart": charts.quality_chart(runs),
        "case_study": getattr(project, "case_study", None),
        "is_member": member,
        "can_edit": member or has_role(request.user, Role.STAFF),
        "current_week": weeks.current_week(project.cohort),
    }
    return render(request, "projects/project_detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def project_create(request, slug: str):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = forms.ProjectForm(request.POST or None, cohort=cohort, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"“{project.title}” has been set up with the cohort’s milestone plan.")
            return redirect("projects:project_detail", pk=project.pk)
    back = reverse("projects:cohort_projects", args=[cohort.slug])
    return _form_page(request, form, title=f"Set up a project in {cohort.name}", back=back)


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = _project(request, pk)
    staff = has_role(request.user, Role.STAFF)
    initial = {
        "title": project.title,
        "problem_statement": project.problem_statement,
        "matching_approach": project.matching_approach,
        "tools": project.tools,
        "officers": list(project.officers.all()),
        "lead_mentor": project.lead_mentor,
    }
    form = forms.ProjectForm(request.POST or None, initial=initial, cohort=project.cohort, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "officers" in data:
            data["officers"] = list(data["officers"])
        try:
            services.project_update(project=project, actor=request.user, **data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "The project has been saved.")
            return redirect("projects:project_detail", pk=project.pk)
    return _form_page(request, form, title="Change project details", project=project)


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def dataset_edit(request, pk: int, dataset_pk: int | None = None):
    project = _project(request, pk)
    dataset = get_object_or_404(Dataset, pk=dataset_pk, project=project) if dataset_pk else None
    initial = forms.DatasetForm.initial_for(dataset) if dataset else None
    form = forms.DatasetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, holds_personal_data=form.cleaned_data["holds_personal_data"] == "yes")
        try:
            services.dataset_save(project=project, actor=request.user, dataset=dataset, **data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"The dataset “{data['name']}” has been saved.")
            return redirect("projects:project_detail", pk=project.pk)
    title = f"Change {dataset.name}" if dataset else "Add a dataset"
    return _form_page(request, form, title=title, project=project)


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def dataset_remove(request, pk: int, dataset_pk: int):
    """GET asks the question; only a POST removes the dataset."""
    project = _project(request, pk)
    dataset = get_object_or_404(Dataset, pk=dataset_pk, project=project)
    if request.method == "POST":
        services.dataset_delete(dataset=dataset, actor=request.user)
        messages.success(request, f"The dataset “{dataset.name}” has been removed.")
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/dataset_remove.html", {"project": project, "dataset": dataset})


@role_required(*ANY_ROLE)
@require_http_methods(["GET", "POST"])
def milestone_detail(request, pk: int, milestone_pk: int):
    project = _project(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, project=project)
    if request.method == "GET":
        private_record_viewed(request, milestone, owner_ids=_officer_ids(project), what="milestone")
    reviewer = has_role(request.user, Role.STAFF) or project.lead_mentor_id == request.user.pk
    form = None
    if reviewer and milestone.state == Milestone.State.DONE:
        form = forms.MilestoneReviewForm(request.POST or None)
    elif _is_member(request.user, project) and milestone.state != Milestone.State.SIGNED_OFF:
        form = forms.MilestoneDoneForm(
            request.POST or None, initial={"note": milestone.note, "evidence_url": milestone.evidence_url}
        )
    if request.method == "POST":
        if form is None:
            return redirect("projects:milestone_detail", pk=project.pk, milestone_pk=milestone.pk)
        if form.is_valid():
            try:
                if isinstance(form, forms.MilestoneReviewForm):
                    services.milestone_review(
                        milestone=milestone,
                        reviewer=request.user,
                        sign_off=form.cleaned_data["decision"] == "sign_off",
                        review_note=form.cleaned_data["review_note"],
                    )
                else:
                    services.milestone_mark_done(milestone=milestone, officer=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, f"“{milestone.title}” is now {milestone.get_state_display().lower()}.")
                return redirect("projects:project_detail", pk=project.pk)
    context = {
        "project": project,
        "milestone": milestone,
        "form": form,
        "missing_ig": services.missing_ig_approvals(project) if milestone.needs_ig_approval else [],
        "overdue": milestone.is_overdue_on(timezone.localdate()),
    }
    return render(request, "projects/milestone_detail.html", context)


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def log_create(request, pk: int):
    project = _project(request, pk)
    if not _is_member(request.user, project):
        return redirect("projects:project_detail", pk=project.pk)
    open_weeks = [w for w in weeks.loggable_weeks(project.cohort) if weeks.week_is_open(project.cohort, w)]
    # Offer every week up to this one so a late log for a closed week gets a clear error, not a missing option.
    form = forms.ProgressLogForm(request.POST or None, weeks=weeks.loggable_weeks(project.cohort) or [1])
    if request.method == "POST" and form.is_valid():
        try:
            log = services.progress_log_create(project=project, officer=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Your week {log.week_number} log has been saved.")
            return redirect("projects:project_detail", pk=project.pk)
    intro = "" if open_weeks else "The cohort has not started yet, so there is no week to log."
    return _form_page(request, form, title="Write your weekly log", project=project, intro=intro)


@role_required(*ANY_ROLE)
@require_http_methods(["GET", "POST"])
def log_detail(request, pk: int, log_pk: int):
    log = get_object_or_404(selectors.log_visible_to(request.user, pk, log_pk))
    project = log.project
    is_officer = log.officer_id == request.user.pk
    if request.method == "GET":
        private_record_viewed(request, log, owner_ids=[log.officer_id], what="progress log")
    can_comment = services.can_comment_on_log(request.user, log)
    form = forms.CommentForm(request.POST or None, reply=is_officer) if can_comment else None
    if request.method == "POST":
        if form is None:
            return redirect("projects:log_detail", pk=project.pk, log_pk=log.pk)
        if form.is_valid():
            try:
                services.log_comment_create(log=log, author=request.user, body=form.cleaned_data["body"])
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, f"Your {'reply' if is_officer else 'comment'} has been added.")
                return redirect("projects:log_detail", pk=project.pk, log_pk=log.pk)
    context = {
        "project": project,
        "log": log,
        "comments": selectors.log_thread(log),
        "form": form,
        "can_edit": log.officer_id == request.user.pk and weeks.week_is_open(project.cohort, log.week_number),
    }
    return render(request, "projects/log_detail.html", context)


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def log_edit(request, pk: int, log_pk: int):
    log = get_object_or_404(selectors.log_visible_to(request.user, pk, log_pk), officer=request.user)
    form = forms.ProgressLogForm(request.POST or None, initial=forms.ProgressLogForm.initial_for(log))
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_log_update(log=log, officer=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Your week {log.week_number} log has been saved.")
            return redirect("projects:log_detail", pk=log.project_id, log_pk=log.pk)
    return _form_page(request, form, title=f"Change your week {log.week_number} log", project=log.project)


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def linkage_run_create(request, pk: int):
    project = _project(request, pk)
    if not _is_member(request.user, project):
        return redirect("projects:project_detail", pk=project.pk)
    form = forms.LinkageRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.linkage_run_create(project=project, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "The linkage run has been recorded.")
            return redirect("projects:project_detail", pk=project.pk)
    intro = (
        "Enter what you counted. Precision, recall and F1 are worked out from your counts, with 95% intervals; "
        "your lead mentor or programme staff then confirm the counts."
    )
    return _form_page(request, form, title="Record a linkage run", project=project, intro=intro)


@role_required(Role.MENTOR, Role.STAFF)
@require_http_methods(["GET", "POST"])
def linkage_run_review(request, pk: int, run_pk: int):
    """The lead mentor or staff confirm or reject a run's counts (four eyes: never the officers)."""
    project = _project(request, pk)
    run = get_object_or_404(LinkageRun.objects.select_related("recorded_by"), pk=run_pk, project=project)
    run.project = project
    if not run.is_waiting or not services.can_review_run(request.user, run):
        return redirect("projects:project_detail", pk=project.pk)
    form = forms.LinkageRunReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            services.linkage_run_review(
                run=run, actor=request.user, confirm=confirm, note=form.cleaned_data["review_note"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request, "The counts have been confirmed." if confirm else "The counts have been rejected."
            )
            return redirect(f"{reverse('projects:project_detail', args=[project.pk])}#quality")
    context = {"project": project, "form": form, "q": presenters.run_quality(run)}
    return render(request, "projects/linkage_run_review.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def milestone_plan(request, slug: str, template_pk: int | None = None):
    cohort = get_object_or_404(Cohort, slug=slug)
    is_default = not MilestoneTemplate.objects.filter(cohort=cohort).exists()
    # Only a step of the plan this cohort uses: once it has its own copy, the default rows are not its plan.
    template = (
        get_object_or_404(MilestoneTemplate, cohort=None if is_default else cohort, pk=template_pk)
        if template_pk
        else None
    )
    initial = (
        {"title": template.title, "due_week": template.due_week, "needs_ig_approval": template.needs_ig_approval}
        if template
        else None
    )
    form = forms.MilestoneTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_template_save(cohort=cohort, template=template, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "The milestone plan has been saved. The cohort’s projects now follow it.")
            return redirect("projects:milestone_plan", slug=cohort.slug)
    context = {
        "cohort": cohort,
        "plan": services.milestone_plan_for(cohort),
        "is_default": is_default,
        "form": form,
        "template": template,
    }
    return render(request, "projects/milestone_plan.html", context)


@staff_required
@require_POST
def milestones_reschedule(request, slug: str):
    """After the training schedule changes: existing projects take the new dates of their due weeks."""
    cohort = get_object_or_404(Cohort, slug=slug)
    changed = services.milestones_reschedule(cohort=cohort)
    if changed:
        messages.success(request, f"Due dates of {changed} project{pluralize(changed)} have been updated.")
    else:
        messages.success(request, "Every project’s due dates already match the schedule.")
    return redirect("projects:milestone_plan", slug=cohort.slug)
