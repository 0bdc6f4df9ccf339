from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required
from common.csvfile import csv_response, csv_text

from . import forms, presenters, scoring, selectors, services
from .generator import FIELDS
from .models import ExerciseRecord, Submission


@require_GET
def exercise_list(request):
    exercises = list(selectors.exercise_list_for(request.user))
    for exercise in exercises:
        exercise.my_best_text = presenters.percent(exercise.my_best_f1) if exercise.my_best_f1 is not None else ""
    return render(request, "exercises/exercise_list.html", {"exercises": exercises})


@staff_required
@require_http_methods(["GET", "POST"])
def exercise_create(request):
    form = forms.ExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exercise = services.exercise_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, f"“{exercise.title}” has been created. Check the files, then publish it.")
        return redirect("exercises:exercise_detail", slug=exercise.slug)
    return render(request, "exercises/exercise_form.html", {"form": form})


def _detail_context(request, exercise, *, form=None, file_errors=None) -> dict:
    user = request.user
    own = list(selectors.officer_history(user).filter(exercise=exercise)) if user.is_officer else []
    result = selectors.results_for_officers([user], exercises=[exercise]).get(user.pk, [None])[0]
    context = {
        "exercise": exercise,
        "may_submit": services.may_submit(exercise=exercise, officer=user),
        "form": form or forms.SubmissionForm(),
        "file_errors": file_errors,
        "own": [(submission, presenters.measures(submission), presenters.status_tag(submission)) for submission in own],
        "result": result,
        "best": presenters.measures(result.best) if result else None,
        "latest": presenters.measures(result.latest) if result else None,
        "leaderboard": [(row, presenters.percent(row.best_f1)) for row in selectors.leaderboard(exercise)],
    }
    if user.is_programme_staff:
        submissions = list(selectors.exercise_submissions(exercise)[:200])
        context["all_submissions"] = [
            (submission, presenters.measures(submission), presenters.status_tag(submission))
            for submission in submissions
        ]
    return context


@require_GET
def exercise_detail(request, slug: str):
    exercise = get_object_or_404(selectors.exercises_visible_to(request.user), slug=slug)
    return render(request, "exercises/exercise_detail.html", _detail_context(request, exercise))


@require_POST
def exercise_upload(request, slug: str):
    exercise = get_object_or_404(selectors.exercises_visible_to(request.user), slug=slug)
    if not services.may_submit(exercise=exercise, officer=request.user):
        raise PermissionDenied
    form = forms.SubmissionForm(request.POST, request.FILES)
    file_errors = None
    if form.is_valid():
        try:
            submission = services.submission_create(
                exercise=exercise,
                officer=request.user,
                file_name=request.FILES["file"].name,
                content=form.cleaned_data["file"],
            )
        except scoring.PairsFileError as exc:
            file_errors = {"errors": exc.errors, "more": exc.more}
        else:
            return redirect("exercises:submission_detail", pk=submission.pk)
    context = _detail_context(request, exercise, form=form, file_errors=file_errors)
    context["page_error"] = bool(file_errors)
    return render(request, "exercises/exercise_detail.html", context, status=400 if file_errors else 200)


@require_GET
def exercise_file(request, slug: str, side: str):
    if side not in ExerciseRecord.Side.values:
        raise Http404
    exercise = get_object_or_404(selectors.exercises_visible_to(request.user), slug=slug)
    rows = (
        ExerciseRecord.objects.filter(exercise=exercise, side=side)
        .order_by("record_id")
        .values_list(*FIELDS)
        .iterator(chunk_size=5000)
    )
    text = csv_text(FIELDS, ((*row[:3], row[3].isoformat() if row[3] else "", *row[4:]) for row in rows))
    return csv_response(text, filename=f"{exercise.slug}-{side}.csv")


@staff_required
@require_POST
def exercise_publish(request, slug: str):
    exercise = get_object_or_404(selectors.exercises_visible_to(request.user), slug=slug)
    services.exercise_publish(exercise=exercise, actor=request.user)
    messages.success(request, f"“{exercise.title}” is published: officers in {exercise.cohort.name} can see it.")
    return redirect("exercises:exercise_detail", slug=slug)


@staff_required
@require_POST
def exercise_leaderboard(request, slug: str):
    exercise = get_object_or_404(selectors.exercises_visible_to(request.user), slug=slug)
    on = request.POST.get("leaderboard") == "on"
    services.exercise_set_leaderboard(exercise=exercise, on=on, actor=request.user)
    messages.success(request, "The leaderboard is now shown to officers." if on else "The leaderboard is now hidden.")
    return redirect("exercises:exercise_detail", slug=slug)


def _visible_submission(request, pk: int) -> Submission:
    return get_object_or_404(selectors.submissions_visible_to(request.user), pk=pk)


@require_GET
def submission_detail(request, pk: int):
    submission = _visible_submission(request, pk)
    context = {
        "submission": submission,
        "exercise": submission.exercise,
        "status": presenters.status_tag(submission),
        "measures": presenters.measures(submission),
        "status_url": reverse("exercises:submission_status", kwargs={"pk": pk}),
    }
    if submission.status == Submission.Status.SCORED:
        samples = submission.false_positive_sample + submission.false_negative_sample
        records = selectors.records_for_pairs(submission.exercise, samples)
        context["chart"] = presenters.curve_chart(submission)
        context["false_positives"] = presenters.sample_rows(
            submission.exercise, submission.false_positive_sample, records
        )
        context["false_negatives"] = presenters.sample_rows(
            submission.exercise, submission.false_negative_sample, records
        )
    return render(request, "exercises/submission_detail.html", context)


@require_GET
def submission_status(request, pk: int):
    submission = _visible_submission(request, pk)
    return JsonResponse(
        {"status": submission.status, "done": submission.is_done, "label": submission.get_status_display()},
        headers={"Cache-Control": "no-store"},
    )
