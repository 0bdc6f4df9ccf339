"""Suggested allocations: a lead mentor for each of a cohort's projects and, where officers have no
project yet, which project team they join. Both are assignment problems solved exactly with
`scipy.optimize.linear_sum_assignment` (docs/mentoring.md gives the criteria and their weights;
docs/decisions.md why scipy).

It lives in trainers because it reads both projects (methods, datasets, teams) and mentoring
(expertise, availability, capacity), and only trainers sits above both. Nothing here writes: the
proposal is computed for a POST and shown; `allocations_confirm` (services) saves what staff confirm.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db.models import Prefetch
from scipy.optimize import linear_sum_assignment

from accounts.models import User
from cohorts.models import Cohort, Enrolment
from mentoring.models import Expertise, MentorProfile
from projects.models import Project

# --- the criteria (weights are points; a pair's score is their sum) ---

EXPERTISE_POINTS = 10.0  # share of the project's methods the mentor has as expertise tags
AVAILABILITY_POINTS = 5.0  # share of the cohort's training days the mentor has time on
SHARED_DATA_POINTS = 3.0  # datasets shared across organisations, and the mentor knows information governance
CONTINUITY_POINTS = 1.0  # the mentor already leads the project: do not move it for nothing
SEAT_PENALTY = 0.25  # each further project a mentor takes costs a little, so work spreads out
TEAM_ORGANISATION_POINTS = 4.0  # the officer's organisation already brings data to the project
TEAM_PROBLEM_POINTS = 6.0  # words the officer's proposed problem shares with the project
TEAM_SIZE = 4  # the most officers one project team takes

APPROACH_METHODS = {
    Project.MatchingApproach.DETERMINISTIC: {Expertise.SQL, Expertise.DATA_CLEANING},
    Project.MatchingApproach.FUZZY: {Expertise.FUZZY_MATCHING, Expertise.DATA_CLEANING},
    Project.MatchingApproach.PROBABILISTIC: {Expertise.PROBABILISTIC_LINKAGE, Expertise.SPLINK},
    Project.MatchingApproach.MIXED: {Expertise.FUZZY_MATCHING, Expertise.PROBABILISTIC_LINKAGE},
}
EXPERTISE_LABELS = dict(Expertise.choices)
TOOL_WORDS = {label.lower(): code for code, label in Expertise.choices} | {
    "python": Expertise.PYTHON,
    "r": Expertise.R,
    "git": Expertise.GIT,
    "recordlinkage": Expertise.PROBABILISTIC_LINKAGE,
    "rapidfuzz": Expertise.FUZZY_MATCHING,
    "matplotlib": Expertise.VISUALISATION,
}
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "for",
        "with",
        "on",
        "by",
        "from",
        "at",
        "is",
        "are",
        "be",
        "we",
        "our",
        "their",
        "into",
        "across",
        "who",
        "what",
        "which",
        "how",
    ]
)


# --- the solver, on plain numbers ---


def solve(scores: np.ndarray, capacities: list[int]) -> list[int | None]:
    """The best assignment of rows to columns: `scores[row, column]` is what pairing them is worth
    (NaN where they must not be paired) and column j may take up to `capacities[j]` rows. Each column
    is replicated once per seat, seat k costing k * SEAT_PENALTY, and the total score is maximised.
    Returns each row's column, or None where it could not be placed (too few seats, or only
    forbidden pairs left)."""
    rows, columns = scores.shape
    seats = [(column, k) for column in range(columns) for k in range(capacities[column])]
    if rows == 0 or not seats:
        return [None] * rows
    seat_column = np.array([column for column, _ in seats])
    seat_rank = np.array([k for _, k in seats], dtype=float)
    expanded = scores[:, seat_column] - SEAT_PENALTY * seat_rank
    forbidden = np.isnan(expanded)
    # A forbidden pair costs more than every allowed pairing put together, so the solver only takes
    # one when a row has nothing else; such rows are then reported unplaced.
    worst = float(np.nanmax(np.abs(expanded))) if not forbidden.all() else 1.0
    cost = np.where(forbidden, (worst + 1) * (rows + 1), -expanded)
    assigned_rows, assigned_seats = linear_sum_assignment(cost)
    result: list[int | None] = [None] * rows
    for row, seat in zip(assigned_rows, assigned_seats, strict=True):
        if not forbidden[row, seat]:
            result[row] = int(seat_column[seat])
    return result


# --- what each side brings ---


@dataclass
class ProjectNeeds:
    project: Project
    methods: set[str]
    organisation_ids: set[int]
    shares_data: bool  # officers from more than one organisation bring datasets to it

    @property
    def method_labels(self) -> list[str]:
        return sorted(EXPERTISE_LABELS[code] for code in self.methods)


@dataclass
class MentorOffer:
    mentor: User
    expertise: set[str]
    capacity: int
    available_days: int
    training_days: int


def project_methods(project: Project) -> set[str]:
    methods = set(APPROACH_METHODS.get(project.matching_approach, set()))
    for word in project.tools.replace("/", ",").replace(";", ",").split(","):
        code = TOOL_WORDS.get(word.strip().lower())
        if code:
            methods.add(code)
    if any(dataset.holds_personal_data for dataset in project.dataset_list):
        methods.add(Expertise.INFORMATION_GOVERNANCE)
    return methods


def training_days(cohort: Cohort) -> list[date]:
    first = cohort.start_date + timedelta(days=(cohort.training_weekday - cohort.start_date.weekday()) % 7)
    return [first + timedelta(weeks=week) for week in range(cohort.weeks)]


def available_days(profile: MentorProfile, days: list[date]) -> int:
    """Training days on which the mentor offers time (a weekly window on that weekday, or a one-off
    window that date) and is not on leave."""
    weekly = {window.weekday for window in profile.mentor.window_list if window.on_date is None}
    one_off = {window.on_date for window in profile.mentor.window_list if window.on_date is not None}
    return sum(
        1
        for day in days
        if (day.weekday() in weekly or day in one_off)
        and not any(leave.starts_on <= day <= leave.ends_on for leave in profile.mentor.leave_list)
    )


# --- the proposal ---


@dataclass
class MentorLine:
    """One project and the mentor proposed for it, with the score and the reasons."""

    needs: ProjectNeeds
    mentor: User | None
    score: float
    reasons: list[str]

    @property
    def project(self) -> Project:
        return self.needs.project


@dataclass
class TeamLine:
    officer: User
    organisation_name: str
    project: Project | None
    score: float
    reasons: list[str]


@dataclass
class Proposal:
    cohort: Cohort
    mentor_lines: list[MentorLine]
    team_lines: list[TeamLine]
    mentors: list[MentorOffer] = field(default_factory=list)


def pair_score(needs: ProjectNeeds, offer: MentorOffer) -> tuple[float | None, list[str]]:
    """What pairing the mentor with the project is worth, and why; None where it is not allowed."""
    if offer.mentor.organisation_id in needs.organisation_ids:
        return None, ["works for the organisation of an officer on the project"]
    reasons = []
    matched = needs.methods & offer.expertise
    expertise = EXPERTISE_POINTS * len(matched) / len(needs.methods) if needs.methods else 0.0
    if needs.methods:
        reasons.append(
            f"expertise in {len(matched)} of the project’s {len(needs.methods)} methods"
            + (f" ({', '.join(sorted(EXPERTISE_LABELS[code] for code in matched))})" if matched else "")
        )
    else:
        reasons.append("the project has no methods recorded yet")
    availability = AVAILABILITY_POINTS * offer.available_days / offer.training_days if offer.training_days else 0.0
    reasons.append(f"has time on {offer.available_days} of the cohort’s {offer.training_days} training days")
    shared = 0.0
    if needs.shares_data and Expertise.INFORMATION_GOVERNANCE in offer.expertise:
        shared = SHARED_DATA_POINTS
        reasons.append("datasets are shared between organisations and the mentor knows information governance")
    continuity = CONTINUITY_POINTS if needs.project.lead_mentor_id == offer.mentor.pk else 0.0
    if continuity:
        reasons.append("already leads the project")
    return round(expertise + availability + shared + continuity, 2), reasons


def _words(*texts: str) -> set[str]:
    return {
        word
        for text in texts
        for word in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
        if len(word) > 2 and word not in STOP_WORDS
    }


def team_score(officer_problem: str, organisation_id: int, needs: ProjectNeeds) -> tuple[float, list[str]]:
    reasons = []
    score = 0.0
    if organisation_id in needs.organisation_ids:
        score += TEAM_ORGANISATION_POINTS
        reasons.append("their organisation already brings data to this project")
    project_words = _words(
        needs.project.title, needs.project.problem_statement, *(d.name for d in needs.project.dataset_list)
    )
    shared = _words(officer_problem) & project_words
    if shared:
        score += TEAM_PROBLEM_POINTS * len(shared) / max(1, len(_words(officer_problem)))
        reasons.append(f"their proposed problem shares {len(shared)} words with it ({', '.join(sorted(shared)[:5])})")
    if not reasons:
        reasons.append("nothing in common: placed where a team had room")
    return round(score, 2), reasons


def _projects(cohort: Cohort) -> list[ProjectNeeds]:
    projects = list(
        Project.objects.filter(cohort=cohort)
        .select_related("lead_mentor")
        .prefetch_related(
            Prefetch("officers", queryset=User.objects.order_by("full_name"), to_attr="officer_list"),
            Prefetch("datasets", to_attr="dataset_list"),
        )
        .order_by("title")
    )
    result = []
    for project in projects:
        organisations = {officer.organisation_id for officer in project.officer_list}
        result.append(
            ProjectNeeds(
                project=project,
                methods=project_methods(project),
                organisation_ids=organisations,
                shares_data=len(organisations) > 1 and bool(project.dataset_list),
            )
        )
    return result


def _mentors(cohort: Cohort) -> list[MentorOffer]:
    profiles = list(
        MentorProfile.objects.filter(mentor__is_active=True, mentor__is_mentor=True)
        .select_related("mentor")
        .prefetch_related(
            Prefetch("mentor__availability_windows", to_attr="window_list"),
            Prefetch("mentor__leave", to_attr="leave_list"),
        )
        .order_by("mentor__full_name")
    )
    days = training_days(cohort)
    return [
        MentorOffer(
            mentor=profile.mentor,
            expertise=set(profile.expertise),
            capacity=profile.capacity,
            available_days=available_days(profile, days),
            training_days=len(days),
        )
        for profile in profiles
    ]


def suggest_mentors(needs: list[ProjectNeeds], offers: list[MentorOffer]) -> list[MentorLine]:
    scores = np.full((len(needs), len(offers)), np.nan)
    why: dict[tuple[int, int], list[str]] = {}
    for i, project in enumerate(needs):
        for j, offer in enumerate(offers):
            score, reasons = pair_score(project, offer)
            why[(i, j)] = reasons
            if score is not None:
                scores[i, j] = score
    chosen = solve(scores, [offer.capacity for offer in offers]) if offers else [None] * len(needs)
    lines = []
    for i, column in enumerate(chosen):
        if column is None:
            lines.append(
                MentorLine(needs[i], None, 0.0, ["no mentor with room who is not from the team’s organisations"])
            )
        else:
            lines.append(MentorLine(needs[i], offers[column].mentor, float(scores[i, column]), why[(i, column)]))
    return lines


def suggest_teams(cohort: Cohort, needs: list[ProjectNeeds]) -> list[TeamLine]:
    """Selected officers on no project of the cohort, each proposed a project team with room."""
    on_projects = {officer.pk for project in needs for officer in project.project.officer_list}
    waiting = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.SELECTED)
        .exclude(officer_id__in=on_projects)
        .select_related("officer", "organisation")
        .order_by("officer__full_name")
    )
    if not waiting:
        return []
    room = [max(0, TEAM_SIZE - len(project.project.officer_list)) for project in needs]
    scores = np.zeros((len(waiting), len(needs)))
    why: dict[tuple[int, int], list[str]] = defaultdict(list)
    for i, enrolment in enumerate(waiting):
        for j, project in enumerate(needs):
            scores[i, j], why[(i, j)] = team_score(enrolment.proposed_problem, enrolment.organisation_id, project)
    chosen = solve(scores, room) if needs else [None] * len(waiting)
    return [
        TeamLine(
            officer=enrolment.officer,
            organisation_name=enrolment.organisation.name,
            project=needs[column].project if column is not None else None,
            score=float(scores[i, column]) if column is not None else 0.0,
            reasons=why[(i, column)] if column is not None else ["no project team has room"],
        )
        for i, (enrolment, column) in enumerate(zip(waiting, chosen, strict=True))
    ]


def suggest_allocations(cohort: Cohort) -> Proposal:
    """The whole proposal for one cohort. Reads only; a fixed number of queries."""
    needs = _projects(cohort)
    offers = _mentors(cohort)
    return Proposal(
        cohort=cohort,
        mentor_lines=suggest_mentors(needs, offers),
        team_lines=suggest_teams(cohort, needs),
        mentors=offers,
    )
