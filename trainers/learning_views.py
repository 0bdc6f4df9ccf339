"""Whether officers learned: feedback on sessions (in aggregate) and the skills self-assessment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Role, role_required, staff_required
from cohorts import selectors as cohort_selectors
from cohorts.models import FEEDBACK_MIN_RESPONSES, TrainingSession

from . import assessments, charts, feedback, forms, services, uplift
from .models import SelfAssessment

# --- feedback on training sessions (staff and mentors; never names) ---


@role_required(Role.STAFF, Role.MENTOR)
@require_GET
def feedback_overview(request):
    topics = feedback.feedback_by_topic()
    shown = [row for row in topics if row.shown]
    return render(
        request,
        "trainers/feedback_overview.html",
        {
            "topics": topics,
            "cohorts": list(feedback.cohorts_with_feedback()),
            "minimum": FEEDBACK_MIN_RESPONSES,
            "topic_chart": charts.scale_chart(
                [(row.topic[:14], round(row.means["usefulness"], 1)) for row in shown],
                top=5,
                description="Mean usefulness rating (1 to 5) of each curriculum topic with 3 or more answers: "
                + "; ".join(f"{row.topic} {row.means['usefulness']:.1f}" for row in shown)
                + ".",
            ),
        },
    )


@role_required(Role.STAFF, Role.MENTOR)
@require_GET
def feedback_cohort(request, slug: str):
    cohort = get_object_or_404(cohort_selectors.cohort_list(), slug=slug)
    return render(
        request,
        "trainers/feedback_cohort.html",
        {
            "cohort": cohort,
            "sessions": list(feedback.sessions_with_feedback(cohort)),
            "minimum": FEEDBACK_MIN_RESPONSES,
        },
    )


@role_required(Role.STAFF, Role.MENTOR)
@require_GET
def feedback_session(request, pk: int):
    session = get_object_or_404(TrainingSession.objects.select_related("cohort"), pk=pk)
    summary = feedback.session_summary(session)
    chart = None
    if summary.shown:
        chart = charts.scale_chart(
            [(label, round(mean, 1)) for label, mean, _ in summary.rows],
            top=5,
            description="Mean rating from 1 to 5: "
            + "; ".join(f"{label} {mean:.1f}" for label, mean, _ in summary.rows)
            + f", from {summary.responses} answers.",
        )
    return render(
        request,
        "trainers/feedback_session.html",
        {"session": session, "summary": summary, "chart": chart, "minimum": FEEDBACK_MIN_RESPONSES},
    )


# --- skills self-assessment ---


@role_required(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def self_assessment(request, pk: int, stage: str):
    if stage not in SelfAssessment.Stage.values:
        raise Http404
    enrolment = next((e for e in assessments.enrolments_taking_part(officer=request.user) if e.pk == pk), None)
    if enrolment is None:
        raise Http404
    window = next((w for w in assessments.owed_windows(enrolment) if w.stage == stage), None)
    title = f"Your skills: {SelfAssessment.Stage(stage).label.lower()}"
    if window is None or not window.is_open(timezone.localdate()):
        reason = (
            "You have already answered this questionnaire. Thank you."
            if window is None
            else f"This questionnaire is open from {window.opens_on:%-d %B %Y} to {window.closes_on:%-d %B %Y}."
        )
        return render(request, "trainers/self_assessment_closed.html", {"title": title, "reason": reason})
    statements = assessments.statements_of(enrolment.cohort)
    form = forms.SelfAssessmentForm(request.POST if request.method == "POST" else None, statements=statements)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_submit(enrolment=enrolment, stage=stage, scores=form.scores())
        except services.SelfAssessmentRefused as exc:
            return render(request, "trainers/self_assessment_closed.html", {"title": title, "reason": str(exc)})
        messages.success(request, "Thank you. Your answers have been saved.")
        return redirect("home")
    return render(
        request,
        "trainers/self_assessment_form.html",
        {"form": form, "title": title, "window": window, "enrolment": enrolment},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def skill_statements_edit(request, slug: str):
    cohort = get_object_or_404(cohort_selectors.cohort_list(), slug=slug)
    current = assessments.statements_of(cohort)
    form = forms.SkillStatementsForm(
        request.POST if request.method == "POST" else None,
        initial={"statements": "\n".join(statement.text for statement in current)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_statements_set(cohort=cohort, texts=form.cleaned_data["statements"])
        except ValidationError as exc:
            form.add_error("statements", exc.messages[0])
        else:
            messages.success(request, f"The skills statements for {cohort.name} have been saved.")
            return redirect("trainers:impact_skills")
    return render(
        request,
        "trainers/skill_statements_form.html",
        {"form": form, "cohort": cohort, "title": f"Skills statements for {cohort.name}"},
    )


@staff_required
@require_GET
def impact_skills(request):
    rows = uplift.cohort_uplift()
    return render(
        request,
        "trainers/impact_skills.html",
        {"rows": rows, "chart": uplift_chart(rows), "cohorts": list(cohort_selectors.cohort_list())},
    )


def uplift_chart(rows: list[uplift.CohortUplift]) -> dict | None:
    """The median change per cohort at week 12, drawn on a 0 to 4 point scale (cohorts with answers)."""
    rows = [row for row in rows if row.week_12.responses]
    return charts.scale_chart(
        [(row.cohort.name[:14], row.week_12.median) for row in rows],
        top=4,
        description="Median change in officers’ own skills ratings (points on a 1 to 5 scale) from before the "
        "bootcamp to week 12, by cohort: "
        + "; ".join(f"{row.cohort.name} {row.week_12.median} from {row.week_12.responses} officers" for row in rows)
        + ".",
    )
