"""Panels that pages of the apps above lend from exercises (the project page's history, the mentor's
view of their mentees). Every panel reads through selectors scoped to the viewer."""

from django import template

from exercises import presenters, selectors

register = template.Library()

HISTORY_COLUMNS = ("officer__full_name", "uploaded_at", "pair_count", "status", "tp", "fp", "fn")


@register.inclusion_tag("exercises/panels/history.html")
def exercise_history_panel(viewer, officers):
    """Practice exercise submissions of `officers` that `viewer` may see (an officer: their own)."""
    # Only the columns the table shows: not the pairs file, the curve or the samples (issue 16).
    submissions = list(
        selectors.submissions_visible_to(viewer)
        .filter(officer__in=officers)
        .select_related(None)
        .select_related("officer")
        .only(*HISTORY_COLUMNS)
        .order_by("-uploaded_at", "-pk")[:20]
    )
    rows = [(s, presenters.measures(s), presenters.status_tag(s)) for s in submissions]
    return {"rows": rows, "show_officer": len({s.officer_id for s in submissions}) > 1}


@register.inclusion_tag("exercises/panels/officer_results.html")
def officer_results_panel(officers, *, heading: str = "Practice exercises"):
    """Best and latest score per exercise for each officer (the caller has decided they may see them)."""
    results = selectors.results_for_officers(officers)
    rows = [
        (result, presenters.measures(result.best), presenters.measures(result.latest))
        for officer_results in results.values()
        for result in officer_results
    ]
    rows.sort(key=lambda row: (row[0].officer.full_name, row[0].exercise.title))
    return {"rows": rows, "heading": heading}
