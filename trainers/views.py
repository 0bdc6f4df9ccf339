from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Role, has_role, public, role_required, staff_required
from audit.access import private_record_viewed
from cohorts import selectors as cohort_selectors
from cohorts.services import CohortError
from common.csvfile import csv_response
from common.formatting import format_date
from common.fresh import kept
from common.listing import PAGE_SIZE, listing
from common.site import absolute_url

from . import charts, exports, forms, impact, selectors, services, uplift
from .filters import CASCADE_COLUMNS, CascadeSessionFilter
from .learning_views import uplift_chart

# The impact summary charts this many of the latest cohorts; "Impact by cohort" lists them all.
SUMMARY_COHORTS = 12

# --- graduation and certificates ---


@staff_required
@require_http_methods(["GET", "POST"])
def graduation_record(request, slug: str, pk: int):
    cohort = get_object_or_404(cohort_selectors.cohort_list(), slug=slug)
    enrolment = get_object_or_404(cohort_selectors.roster(cohort), pk=pk)
    check = selectors.graduation_check(enrolment)
    form = forms.GraduationForm(
        request.POST or None, initial={"showcase_presented": "yes" if check.case_study_published else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.graduation_record(
                enrolment=enrolment,
                actor=request.user,
                showcase_presented=form.cleaned_data["showcase_presented"] == "yes",
                note=form.cleaned_data["note"],
            )
        except CohortError as exc:
            form.add_error("note" if "reason" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"{enrolment.officer.full_name} has graduated. Their certificate is ready.")
            return redirect("cohorts:cohort_detail", slug=slug)
    return render(
        request,
        "trainers/graduation_form.html",
        {
            "form": form,
            "cohort": cohort,
            "check": check,
            "graduation_attendance": selectors.GRADUATION_ATTENDANCE,
            "title": f"Graduate {enrolment.officer.full_name}",
        },
    )


@role_required(Role.OFFICER, Role.STAFF)
@require_GET
def certificate(request, pk: int):
    graduation = selectors.graduation_visible_to(request.user, pk)
    if graduation is None:
        raise Http404
    verify_url = absolute_url(reverse("trainers:certificate_verify", kwargs={"token": graduation.verification_token}))
    return render(
        request,
        "trainers/certificate.html",
        {"graduation": graduation, "verify_url": verify_url, "is_staff": has_role(request.user, Role.STAFF)},
    )


@public
@require_GET
def certificate_verify(request, token: str):
    """Anyone holding the link (an employer, say) can check a certificate is real."""
    graduation = selectors.graduation_by_token(token)
    if graduation is None:
        return render(request, "trainers/certificate_unknown.html", status=404)
    return render(request, "trainers/certificate_verify.html", {"graduation": graduation})


# --- graduates and the trainer pathway (staff) ---


@staff_required
@require_GET
def graduate_list(request):
    """Every graduate, 50 a page: a programme's whole history holds hundreds."""
    page = Paginator(selectors.graduate_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainers/graduate_list.html",
        {"graduates": selectors.graduate_rows(page.object_list), "page": page},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def graduate_detail(request, pk: int):
    graduate = selectors.graduate_get(pk)
    if graduate is None:
        raise Http404
    if request.method == "GET":
        private_record_viewed(request, graduate, owner_ids=[graduate.pk], what="graduate record")
    form = forms.TrainerStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.trainer_step_record(
                graduate=graduate,
                kind=form.cleaned_data["kind"],
                happened_on=form.cleaned_data["happened_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except CohortError as exc:
            form.add_error("kind" if "step" in str(exc) or "already" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"{graduate.full_name} is now recorded as {step.get_kind_display().lower()}.")
            return redirect("trainers:graduate_detail", pk=graduate.pk)
    steps = selectors.trainer_steps_of(graduate)
    return render(
        request,
        "trainers/graduate_detail.html",
        {
            "graduate": graduate,
            "form": form,
            "graduations": selectors.graduations_of(graduate),
            "steps": steps,
            "stage": selectors.trainer_stage(steps),
            "reach": selectors.graduate_reach(graduate),
            "sessions": selectors.cascade_sessions_of(graduate),
        },
    )


# --- cascade sessions ---


@staff_required
@require_GET
def cascade_session_list(request):
    sessions = listing(
        request, selectors.cascade_sessions_all(), filterset_class=CascadeSessionFilter, columns=CASCADE_COLUMNS
    )
    context = {"listing": sessions, "page": sessions.page, "sessions": sessions.rows}
    return render(request, "trainers/cascade_session_list.html", context)


@staff_required
@require_POST
def cascade_session_verify(request, pk: int):
    session = get_object_or_404(selectors.cascade_sessions_all(), pk=pk)
    services.cascade_session_verify(session=session, actor=request.user)
    messages.success(request, f"The session “{session.topic}” by {session.graduate.full_name} has been verified.")
    return redirect("trainers:cascade_session_list")


@role_required(Role.OFFICER)
@require_GET
def my_cascade_sessions(request):
    return render(
        request,
        "trainers/my_cascade_sessions.html",
        {
            "is_graduate": selectors.is_graduate(request.user),
            "reach": selectors.graduate_reach(request.user),
            "sessions": selectors.cascade_sessions_of(request.user),
            "graduations": selectors.graduations_of(request.user),
        },
    )


def _cascade_session_save(request, form, session=None):
    data = {key: form.cleaned_data[key] for key in forms.CascadeSessionForm.base_fields}
    data["format"] = data.pop("format")
    if session is None:
        return services.cascade_session_create(graduate=request.user, **data)
    return services.cascade_session_update(session=session, graduate=request.user, **data)


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def cascade_session_create(request):
    if not selectors.is_graduate(request.user):
        raise PermissionDenied
    form = forms.CascadeSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = _cascade_session_save(request, form)
        except services.CascadeSessionInvalid as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Your session “{session.topic}” has been saved.")
            return redirect("trainers:my_cascade_sessions")
    return render(request, "trainers/cascade_session_form.html", {"form": form, "title": "Log a session you ran"})


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def cascade_session_edit(request, pk: int):
    session = selectors.cascade_session_of(request.user, pk)
    if session is None:
        raise Http404
    form = forms.CascadeSessionForm(request.POST or None, initial=forms.CascadeSessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            session = _cascade_session_save(request, form, session)
        except services.CascadeSessionInvalid as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Your session “{session.topic}” has been updated.")
            return redirect("trainers:my_cascade_sessions")
    return render(
        request,
        "trainers/cascade_session_form.html",
        {"form": form, "session": session, "title": "Change a session you ran"},
    )


# --- impact ---


def _impact_context(request) -> tuple[forms.ImpactForm, impact.ImpactReport, dict]:
    """The period form, the one report every figure on the page comes from, and what every impact
    page shows about the period."""
    form = forms.ImpactForm(request.GET or None)
    report = impact.ImpactReport(form.period)
    period_fields = [(key, value) for key, value in form.query_pairs() if not key.startswith("measure")]
    return form, report, {"form": form, "period": report.period, "period_fields": period_fields}


@role_required(Role.STAFF, Role.MENTOR, Role.OFFICER)
@require_GET
def impact_summary(request):
    """The programme's impact for everyone signed in: totals, the London map and two charts. Figures
    only, no names or email addresses. The page below the header is the same for everyone with the
    same role and the same question, so it is kept until the data or the date changes it
    (common/fresh.py); it holds only a GET form, no CSRF token."""
    is_staff = has_role(request.user, Role.STAFF)
    form = forms.ImpactForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        body = _impact_summary_body(request, is_staff)  # not kept: any text could be asked for
    else:
        body = kept(
            "impact-summary", form.query_string(), is_staff, compute=lambda: _impact_summary_body(request, is_staff)
        )
    return render(request, "trainers/impact_summary.html", {"body": body})


def _impact_summary_body(request, is_staff: bool) -> str:
    form, report, context = _impact_context(request)
    measure = form.chosen_measure
    label = impact.MEASURES[measure]
    waiting = impact.WAITING.get(measure)
    values = {
        row.organisation.gss_code: (row.organisation.name, row.figures.value(measure))
        for row in report.organisation_rows(include_partners=False)
        if row.organisation.gss_code in charts.LONDON_TILES
    }
    waiting_by_gss = {row.organisation.gss_code: row.figures.value(waiting) for row in report.organisations if waiting}
    months = report.months()
    with_officers = [row for row in report.cohort_headcounts if row.figures.officers_trained or row.figures.in_training]
    # The summary charts the latest cohorts; "Impact by cohort" has every cohort and every figure.
    cohorts = with_officers[-SUMMARY_COHORTS:]
    skills = uplift.cohort_uplift()
    return render_to_string(
        "trainers/impact_summary_body.html",
        {
            **context,
            "measure": measure,
            "measure_label": label,
            "measure_choices": forms.ImpactForm.measure_choices,
            "waiting": waiting,
            "totals": report.totals,
            "finished_cohorts": report.finished_cohorts,
            "map": charts.tile_map(values, measure_label=label),
            "map_rows": sorted(
                ((gss, name, value, waiting_by_gss.get(gss, 0)) for gss, (name, value) in values.items()),
                key=lambda row: row[1],
            ),
            "months": months,
            "month_chart": charts.bar_chart(
                [(format_date(row.month, "short,month"), row.reached) for row in months],
                description=(
                    f"Colleagues reached by verified cascade sessions in each of the {len(months)} months shown: "
                    f"{sum(row.reached for row in months)} in all."
                ),
            ),
            "cohorts": cohorts,
            "cohorts_total": len(with_officers),
            "cohort_chart": charts.bar_chart(
                [(row.cohort.name, row.figures.graduates) for row in cohorts],
                description=f"Graduates of each of the {len(cohorts)} latest cohorts: "
                + "; ".join(f"{row.cohort.name} {row.figures.graduates}" for row in cohorts)
                + ".",
            ),
            "is_staff": is_staff,
            "quality": report.linkage_quality,
            "uplift_rows": skills,
            "uplift_chart": uplift_chart(skills),
        },
        request=request,
    )


@staff_required
@require_GET
def impact_organisations(request):
    _, report, context = _impact_context(request)
    return render(
        request,
        "trainers/impact_organisations.html",
        {**context, "rows": report.organisation_rows(), "totals": report.totals},
    )


@staff_required
@require_GET
def impact_cohorts(request):
    _, report, context = _impact_context(request)
    return render(request, "trainers/impact_cohorts.html", {**context, "rows": report.cohorts})


@staff_required
@require_GET
def impact_export(request):
    form, report, _ = _impact_context(request)
    if form.is_bound and not form.is_valid():
        # A download cannot show an error summary: send them to the page that can.
        return redirect(f"{reverse('trainers:impact_organisations')}?{form.query_string()}")
    return csv_response(exports.impact_csv(report.period), filename="impact-by-organisation.csv")
