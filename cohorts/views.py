from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.permissions import Role, has_role, public, role_required, staff_required
from audit.access import private_record_viewed
from audit.downloads import personal_data_csv_response
from common.fresh import kept, kept_part
from common.listing import first_rows, listing

from . import calendar, exports, forms, presenters, selectors, services
from .filters import APPLICATION_COLUMNS, ApplicationFilter
from .models import CurriculumTemplate, Enrolment, TrainingSession

# Lists that grow with the programme's history are shown 50 rows a page.
LIST_PAGE_SIZE = 50
OFFICERS_ON_ORGANISATION_PAGE = 10

# --- cohorts and schedule (staff) ---


@staff_required
@require_GET
def cohort_list(request):
    """Every cohort, newest first, 50 a page; the table is kept until the data or the date changes it
    (common/fresh.py: kept_part)."""
    body = kept_part(request, "cohort-list", "cohorts/_cohort_list_body.html", lambda: _cohort_list_context(request))
    return render(request, "cohorts/cohort_list.html", {"body": body})


def _cohort_list_context(request) -> dict:
    page = Paginator(selectors.cohort_list(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"cohorts": page.object_list, "page": page}


@staff_required
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    form = forms.CohortCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                name=data["name"],
                slug=data["slug"],
                start_date=data["start_date"],
                training_weekday=data["training_weekday"],
                weeks=data["weeks"],
                capacity=data["capacity"],
                status=data["status"],
                default_location=data["default_location"],
                project_time_hours=data["project_time_hours"] or 0,
                curriculum=data["curriculum"],
                streams=data["streams"],
                places=data["places"],
                bank_holiday_rule=data["bank_holiday_rule"],
                trains_over_christmas=data["trains_over_christmas"],
            )
        except services.CohortError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"{cohort.name} has been created with {cohort.weeks} training sessions.")
            return redirect("cohorts:cohort_detail", slug=cohort.slug)
    return render(request, "cohorts/cohort_form.html", {"form": form, "title": "Create a cohort"})


@staff_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request, slug: str):
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    form = forms.CohortEditForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = services.cohort_update(
                cohort=cohort,
                actor=request.user,
                name=data["name"],
                capacity=data["capacity"],
                status=data["status"],
                default_location=data["default_location"],
                project_time_hours=data["project_time_hours"] or 0,
                streams=data["streams"],
                places=data["places"],
                bank_holiday_rule=data["bank_holiday_rule"],
                trains_over_christmas=data["trains_over_christmas"],
            )
        except services.CohortError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, presenters.cohort_update_summary(update))
            return redirect("cohorts:cohort_detail", slug=cohort.slug)
    return render(request, "cohorts/cohort_form.html", {"form": form, "title": f"Edit {cohort.name}", "cohort": cohort})


@staff_required
@require_GET
def cohort_detail(request, slug: str):
    """The staff dashboard for one cohort. Everything below its heading is the same for every member of
    staff and holds no form, so it is kept until the data changes, midnight passes (registers open on
    the day) or the cohort's next session starts (it counts towards attendance from then: common/fresh.py)."""
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    body = kept(
        "cohort-page",
        cohort.pk,
        compute=lambda: _cohort_detail_body(cohort),
        until=[selectors.next_session_start_of(cohort, after=timezone.now())],
    )
    return render(request, "cohorts/cohort_detail.html", {"cohort": cohort, "body": body})


def _cohort_detail_body(cohort) -> str:
    # Worked out once: the at-risk list and the graduation table both read it.
    attendance = selectors.attendance_by_officer(cohort)
    return render_to_string(
        "cohorts/_cohort_detail_body.html",
        {
            "cohort": cohort,
            "sessions": selectors.attendance_by_session(cohort),
            "places": selectors.places_by_organisation(cohort),
            "attendance": attendance,
            "at_risk": [row for row in attendance if row.at_risk],
            "waiting": selectors.applications_waiting(cohort),
            "streams": list(cohort.streams.all()),
        },
    )


def _session(slug: str, pk: int) -> TrainingSession:
    return get_object_or_404(TrainingSession.objects.select_related("cohort"), pk=pk, cohort__slug=slug)


@staff_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug: str, pk: int):
    session = _session(slug, pk)
    form = forms.SessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.session_update(
            session=session,
            day=data["day"],
            starts=data["starts"],
            ends=data["ends"],
            topic=data["topic"],
            location=data["location"],
            online_link=data["online_link"],
            materials=data["materials"],
        )
        messages.success(request, f"Week {session.week_number} has been updated.")
        return redirect("cohorts:cohort_detail", slug=slug)
    return render(
        request,
        "cohorts/session_form.html",
        {"form": form, "session": session, "title": f"Edit week {session.week_number}"},
    )


@staff_required
@require_POST
def session_cancel(request, slug: str, pk: int):
    session = _session(slug, pk)
    services.session_cancel(session=session)
    messages.success(request, f"Week {session.week_number} has been cancelled.")
    return redirect("cohorts:cohort_detail", slug=slug)


@staff_required
@require_GET
def curriculum_list(request):
    return render(request, "cohorts/curriculum_list.html", {"curricula": selectors.curriculum_list()})


@staff_required
@require_http_methods(["GET", "POST"])
def curriculum_edit(request, pk: int):
    template = get_object_or_404(CurriculumTemplate, pk=pk)
    form = forms.CurriculumForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        services.curriculum_update(
            template=template,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            topics=form.cleaned_data["topics"],
        )
        messages.success(request, f"{template.name} has been saved. New cohorts will use it.")
        return redirect("cohorts:curriculum_list")
    return render(request, "cohorts/curriculum_form.html", {"form": form, "title": f"Edit {template.name}"})


# --- the officer's schedule and attendance ---


@role_required(Role.OFFICER)
@require_GET
def schedule_ics(request):
    sessions = selectors.sessions_for_officer(request.user)
    response = HttpResponse(
        calendar.schedule_calendar(sessions, name="Data Science Bootcamp"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="bootcamp-schedule.ics"'
    return response


@role_required(Role.OFFICER)
@require_GET
def my_attendance(request):
    enrolment = selectors.current_enrolment(request.user)
    rows, at_risk = selectors.officer_attendance(enrolment) if enrolment else ([], False)
    return render(request, "cohorts/my_attendance.html", {"enrolment": enrolment, "rows": rows, "at_risk": at_risk})


# --- applications ---


@role_required(Role.OFFICER, Role.STAFF)
@require_GET
def cohorts_open(request):
    cohorts = selectors.cohorts_open_for_applications()
    applied = set(Enrolment.objects.filter(officer=request.user).values_list("cohort_id", flat=True))
    return render(request, "cohorts/cohorts_open.html", {"cohorts": cohorts, "applied": applied})


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def application_create(request, slug: str):
    cohort = get_object_or_404(selectors.cohorts_open_for_applications(), slug=slug)
    on_behalf = has_role(request.user, Role.STAFF)
    form = forms.ApplicationForm(request.POST or None, on_behalf=on_behalf, applicant=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = data.get("officer") or request.user
        try:
            enrolment = services.application_create(
                cohort=cohort,
                officer=officer,
                organisation=data["organisation"],
                job_title=data["job_title"],
                motivation=data["motivation"],
                prior_experience=data["prior_experience"],
                proposed_problem=data["proposed_problem"],
                line_manager_name=data["line_manager_name"],
                line_manager_email=data["line_manager_email"],
                applied_by=request.user,
            )
        except services.CohortError as exc:
            form.add_error("officer" if on_behalf else None, str(exc))
        else:
            messages.success(
                request,
                f"Application sent. We have emailed {enrolment.line_manager_name} to confirm the release.",
            )
            return redirect("cohorts:application_detail", pk=enrolment.pk)
    return render(
        request,
        "cohorts/application_form.html",
        {"form": form, "cohort": cohort, "title": f"Apply to {cohort.name}"},
    )


@staff_required
@require_GET
def application_list(request, slug: str):
    """A cohort's applications, filtered, sorted and a page at a time; the part under the heading is
    kept until the data changes, midnight passes or an open offer runs out (common/fresh.py: kept_part)."""
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    body = kept_part(
        request,
        "applications",
        "cohorts/_application_list_body.html",
        lambda: _application_list_context(request, cohort),
        until=[selectors.next_offer_expiry(cohort, after=timezone.now())],
    )
    return render(request, "cohorts/application_list.html", {"cohort": cohort, "body": body})


def _application_list_context(request, cohort) -> dict:
    found = listing(
        request,
        selectors.applications_for_cohort(cohort),
        filterset_class=ApplicationFilter,
        columns=APPLICATION_COLUMNS,
        per_page=LIST_PAGE_SIZE,
    )
    return {"cohort": cohort, "applications": found.rows, "page": found.page, "listing": found}


@role_required(Role.OFFICER, Role.STAFF)
@require_GET
def application_detail(request, pk: int):
    enrolment = selectors.enrolment_visible_to(request.user, pk)
    if enrolment is None:
        raise Http404
    private_record_viewed(request, enrolment, owner_ids=[enrolment.officer_id], what="application")
    return _application_page(request, enrolment)


def _application_page(
    request, enrolment: Enrolment, score_form: forms.ScoreForm | None = None, decision_error: str = ""
):
    """The application page; `score_form` is a score that did not validate, shown with its errors, and
    `decision_error` why a decision (select, waitlist, withdraw, accept) was refused."""
    is_staff = has_role(request.user, Role.STAFF)
    context = {
        "enrolment": enrolment,
        "is_staff": is_staff,
        "is_own": enrolment.officer_id == request.user.pk,
        "page_error": decision_error,
    }
    if is_staff:
        scores = list(enrolment.scores.select_related("scorer").order_by("scored_at"))
        mine = next((s for s in scores if s.scorer_id == request.user.pk), None)
        if score_form is None:
            score_form = forms.ScoreForm(initial={"score": mine.score, "comment": mine.comment} if mine else None)
        context.update(
            scores=scores,
            mean_score=sum(s.score for s in scores) / len(scores) if scores else None,
            score_form=score_form,
            form=score_form,  # base.html puts "Error: " in the title when it has errors
            events=enrolment.events.select_related("actor"),
        )
    return render(request, "cohorts/application_detail.html", context)


@role_required(Role.OFFICER, Role.STAFF)
@require_POST
def application_action(request, pk: int, action: str):
    enrolment = selectors.enrolment_visible_to(request.user, pk)
    if enrolment is None:
        raise Http404
    is_staff = has_role(request.user, Role.STAFF)
    officer_actions = {"accept", "withdraw"}
    # Select, waitlist and not selected go through a check page with the outcome letter (decision_views).
    if action not in officer_actions | {"score"}:
        raise Http404
    if not is_staff and action not in officer_actions:
        raise Http404
    back = redirect("cohorts:application_detail", pk=enrolment.pk)
    try:
        if action == "score":
            form = forms.ScoreForm(request.POST)
            if not form.is_valid():
                return _application_page(request, enrolment, score_form=form)
            services.application_score(
                enrolment=enrolment,
                scorer=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, "Your score has been saved.")
        elif action == "withdraw":
            services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
            messages.success(request, "The application has been withdrawn.")
        elif action == "accept":
            services.offer_accept(enrolment=enrolment, officer=request.user)
            messages.success(request, f"You have accepted your place on {enrolment.cohort.name}.")
    except services.CohortError as exc:
        return _application_page(request, enrolment, decision_error=str(exc))
    return back


@public
@require_http_methods(["GET", "POST"])
def manager_decision(request, token: str):
    """The line manager's page: reached from the emailed link, no account needed."""
    try:
        enrolment = services.manager_link_enrolment(token)
    except services.ManagerLinkInvalid as exc:
        return render(request, "cohorts/manager_link_invalid.html", {"reason": str(exc)}, status=400)
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            error = "Choose whether you can release them one day a week"
        else:
            try:
                services.manager_decide(enrolment=enrolment, approve=decision == "approve")
            except services.CohortError as exc:
                error = str(exc)
            else:
                enrolment.refresh_from_db()
                return render(request, "cohorts/manager_done.html", {"enrolment": enrolment})
    may_answer = enrolment.status in services.MANAGER_MAY_ANSWER
    return render(
        request, "cohorts/manager_decision.html", {"enrolment": enrolment, "error": error, "may_answer": may_answer}
    )


# --- roster ---


@staff_required
@require_http_methods(["GET", "POST"])
def roster_import(request, slug: str):
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    upload = forms.RosterUploadForm()
    result = None
    content = ""
    if request.method == "POST" and "content" in request.POST:
        confirm = forms.RosterConfirmForm(request.POST)
        if confirm.is_valid():
            content = confirm.cleaned_data["content"]
            result = services.roster_import(cohort=cohort, content=content, actor=request.user)
            if result.saved:
                messages.success(request, f"Roster imported: {result.changes} officers added or selected.")
                return redirect("cohorts:cohort_detail", slug=slug)
    elif request.method == "POST":
        upload = forms.RosterUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            content = upload.cleaned_data["file"].decode("utf-8-sig")
            result = services.roster_import(cohort=cohort, content=content, actor=request.user, dry_run=True)
    return render(
        request,
        "cohorts/roster_import.html",
        {
            "cohort": cohort,
            "form": upload,
            "result": result,
            "confirm": forms.RosterConfirmForm(initial={"content": content}),
            "title": f"Import a roster for {cohort.name}",
        },
    )


@staff_required
@require_GET
def roster_export(request, slug: str):
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    return personal_data_csv_response(
        request, exports.roster_csv(cohort), filename=f"{cohort.slug}-roster.csv", what="roster", obj=cohort
    )


@staff_required
@require_GET
def attendance_export(request, slug: str):
    cohort = get_object_or_404(selectors.cohort_list(), slug=slug)
    return personal_data_csv_response(
        request, exports.attendance_csv(cohort), filename=f"{cohort.slug}-attendance.csv", what="attendance", obj=cohort
    )


# --- organisations ---


@staff_required
@require_GET
def organisation_list(request):
    """Every organisation with its officers and applications counted; kept (common/fresh.py: kept_part)."""
    body = kept_part(
        request,
        "organisation-list",
        "cohorts/_organisation_list_body.html",
        lambda: {"organisations": selectors.organisation_list()},
    )
    return render(request, "cohorts/organisation_list.html", {"body": body})


@staff_required
@require_GET
def organisation_detail(request, slug: str):
    """One organisation's officers and applications; the part under its heading is kept until the data
    or the date changes it (common/fresh.py: kept_part)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    body = kept_part(
        request,
        "organisation-page",
        "cohorts/_organisation_detail_body.html",
        lambda: _organisation_detail_context(request, organisation),
    )
    return render(request, "cohorts/organisation_detail.html", {"organisation": organisation, "body": body})


def _organisation_detail_context(request, organisation: Organisation) -> dict:
    # A borough's whole history is hundreds of officers and places: the first officers (the people
    # list has them all) and the applications 50 a page, newest cohort first.
    page = Paginator(selectors.organisation_enrolments(organisation), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    people = urlencode({"organisation": organisation.slug, "role": "officer"})
    return {
        "organisation": organisation,
        "page": page,
        "enrolments": page.object_list,
        "officers": first_rows(selectors.organisation_officers(organisation), OFFICERS_ON_ORGANISATION_PAGE),
        "people_url": f"{reverse('accounts:people_list')}?{people}",
    }
