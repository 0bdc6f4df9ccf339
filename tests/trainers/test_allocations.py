"""Suggested allocations: the solver's choice on cases with a known best answer, the criteria, and
proposing then confirming (with a tweaked line) through the pages."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import MentorAllocation
from projects.models import Project
from tests.factories import (
    AvailabilityWindowFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    ProjectFactory,
    RunningCohortFactory,
    StaffFactory,
    borough,
)
from trainers import allocations
from trainers.allocations import solve

NAN = np.nan


def test_solve_finds_the_best_total_where_picking_greedily_would_not():
    # Greedy gives project 0 its best mentor (10) and leaves project 1 with 1: total 11.
    # The best total is 9 + 8 = 17: project 0 takes mentor 1, project 1 takes mentor 0.
    scores = np.array([[10.0, 9.0], [8.0, 1.0]])
    assert solve(scores, [1, 1]) == [1, 0]


def test_solve_replicates_a_mentor_by_capacity_and_spreads_ties():
    scores = np.array([[10.0, 5.0], [10.0, 5.0], [10.0, 5.0]])
    assert sorted(solve(scores, [2, 1])) == [0, 0, 1]
    # Equal mentors: the seat penalty sends the second project to the second mentor.
    assert sorted(solve(np.array([[6.0, 6.0], [6.0, 6.0]]), [3, 3])) == [0, 1]


def test_solve_never_uses_a_forbidden_pair_and_reports_unplaced_rows():
    scores = np.array([[NAN, 4.0], [NAN, NAN], [3.0, 2.0]])
    assert solve(scores, [1, 1]) == [1, None, 0]
    # Too few seats: the row worth least is left out.
    assert solve(np.array([[9.0], [2.0], [5.0]]), [2]) == [0, None, 0]


def mentor(expertise, *, organisation=None, weekday=1):
    profile = MentorProfileFactory(expertise=expertise, capacity=1)
    if organisation is not None:
        profile.mentor.organisation = organisation
        profile.mentor.save()
    AvailabilityWindowFactory(mentor=profile.mentor, weekday=weekday)
    return profile.mentor


def two_projects():
    cohort = RunningCohortFactory(training_weekday=1)
    hackney, sutton = borough("Hackney"), borough("Sutton")
    fuzzy = ProjectFactory(
        cohort=cohort,
        title="Fuzzy names",
        matching_approach="fuzzy",
        tools="Python",
        lead_mentor=None,
        officers=[EnrolmentFactory(cohort=cohort, officer__organisation=hackney).officer],
    )
    linkage = ProjectFactory(
        cohort=cohort,
        title="Linkage",
        matching_approach="probabilistic",
        tools="Splink",
        lead_mentor=None,
        officers=[EnrolmentFactory(cohort=cohort, officer__organisation=sutton).officer],
    )
    return cohort, fuzzy, linkage


@pytest.mark.django_db
def test_suggest_gives_each_project_the_mentor_whose_expertise_fits():
    cohort, fuzzy, _ = two_projects()
    splink = mentor(["probabilistic_linkage", "splink"])
    names = mentor(["fuzzy_matching", "data_cleaning", "python"])
    proposal = allocations.suggest_allocations(cohort)
    chosen = {line.project.title: line.mentor for line in proposal.mentor_lines}
    assert chosen == {"Fuzzy names": names, "Linkage": splink}
    line = next(line for line in proposal.mentor_lines if line.project == fuzzy)
    assert line.reasons[0] == "expertise in 3 of the project’s 3 methods (Data cleaning, Fuzzy matching, Python)"
    assert line.score == pytest.approx(10 + 5 * 12 / 12)
    assert Project.objects.filter(lead_mentor__isnull=False).count() == 0  # nothing saved


@pytest.mark.django_db
def test_suggest_never_pairs_a_mentor_with_their_own_organisations_officers():
    cohort, _, _ = two_projects()
    expert = mentor(["fuzzy_matching", "data_cleaning", "python"], organisation=borough("Hackney"))
    other = mentor(["sql"])
    chosen = {line.project.title: line.mentor for line in allocations.suggest_allocations(cohort).mentor_lines}
    assert chosen["Fuzzy names"] == other
    assert chosen["Linkage"] == expert


@pytest.mark.django_db
def test_suggest_counts_availability_on_the_cohorts_training_days():
    cohort, _, linkage = two_projects()
    away = mentor(["probabilistic_linkage", "splink"], weekday=3)  # Thursdays: not a training day
    there = mentor(["probabilistic_linkage", "splink"])
    mentor(["fuzzy_matching", "data_cleaning", "python"])  # takes the other project
    line = next(line for line in allocations.suggest_allocations(cohort).mentor_lines if line.project == linkage)
    assert line.mentor == there
    assert "has time on 12 of the cohort’s 12 training days" in line.reasons
    assert away != there


@pytest.mark.django_db
def test_suggest_proposes_a_team_for_officers_without_a_project():
    cohort, _, linkage = two_projects()
    mentor(["sql"])
    newcomer = EnrolmentFactory(
        cohort=cohort, officer__organisation=borough("Sutton"), proposed_problem="Probabilistic linkage of records"
    ).officer
    (line,) = allocations.suggest_allocations(cohort).team_lines
    assert (line.officer, line.project) == (newcomer, linkage)
    assert line.reasons[0] == "their organisation already brings data to this project"


def post_lines(proposal, **overrides):
    data = {
        "project-TOTAL_FORMS": str(len(proposal.mentor_lines)),
        "project-INITIAL_FORMS": str(len(proposal.mentor_lines)),
        "team-TOTAL_FORMS": str(len(proposal.team_lines)),
        "team-INITIAL_FORMS": str(len(proposal.team_lines)),
    }
    for index, line in enumerate(proposal.mentor_lines):
        data[f"project-{index}-key"] = str(line.project.pk)
        data[f"project-{index}-choice"] = str(overrides.get(line.project.title, line.mentor).pk)
    for index, line in enumerate(proposal.team_lines):
        data[f"team-{index}-key"] = str(line.officer.pk)
        data[f"team-{index}-choice"] = str(line.project.pk) if line.project else ""
    return data


@pytest.mark.django_db
def test_staff_suggest_then_confirm_with_a_tweaked_line_saves_what_they_confirmed(client):
    cohort, fuzzy, linkage = two_projects()
    splink = mentor(["probabilistic_linkage", "splink"])
    names = mentor(["fuzzy_matching", "data_cleaning", "python"])
    third = mentor(["git"])
    client.force_login(StaffFactory())
    assert client.get(f"/trainers/cohorts/{cohort.slug}/allocations/suggest/").status_code == 405
    page = client.post(f"/trainers/cohorts/{cohort.slug}/allocations/suggest/").content.decode()
    assert "Suggested allocations" in page and "Expertise in 1 of the project’s 2 methods" not in page
    assert "Expertise in 3 of the project’s 3 methods (Data cleaning, Fuzzy matching, Python)" in page
    assert MentorAllocation.objects.count() == 0 and Project.objects.filter(lead_mentor__isnull=False).count() == 0
    proposal = allocations.suggest_allocations(cohort)
    response = client.post(f"/trainers/cohorts/{cohort.slug}/allocations/confirm/", post_lines(proposal, Linkage=third))
    assert response.status_code == 302
    fuzzy.refresh_from_db()
    linkage.refresh_from_db()
    assert (fuzzy.lead_mentor, linkage.lead_mentor) == (names, third)  # the tweaked line is kept
    assert dict(MentorAllocation.objects.values_list("officer", "mentor")) == {
        fuzzy.officers.get().pk: names.pk,
        linkage.officers.get().pk: third.pk,
    }
    summary = client.get(response["Location"]).content.decode()
    assert "“Linkage”: no lead mentor to" in summary
    assert splink.pk != third.pk


@pytest.mark.django_db
def test_confirm_refuses_a_mentor_not_on_the_list(client):
    cohort, _, _ = two_projects()
    mentor(["sql"])
    mentor(["git"])
    client.force_login(StaffFactory())
    proposal = allocations.suggest_allocations(cohort)
    data = post_lines(proposal)
    data["project-0-choice"] = "999999"
    response = client.post(f"/trainers/cohorts/{cohort.slug}/allocations/confirm/", data)
    assert response.status_code == 400
    assert "Choose from the list for" in response.content.decode()
    assert Project.objects.filter(lead_mentor__isnull=False).count() == 0


@pytest.mark.django_db
def test_suggest_page_reads_a_fixed_number_of_queries(client):
    cohort, _, _ = two_projects()
    mentor(["sql"])
    client.force_login(StaffFactory())
    url = f"/trainers/cohorts/{cohort.slug}/allocations/suggest/"
    with CaptureQueriesContext(connection) as one:
        assert client.post(url).status_code == 200
    for number in range(6):
        ProjectFactory(cohort=cohort, title=f"More {number}", lead_mentor=None)
        mentor(["python"])
    EnrolmentFactory(cohort=cohort)  # an officer without a project: the team table appears
    with CaptureQueriesContext(connection) as many:
        page = client.post(url).content.decode()
    assert "Officers not yet on a project" in page
    assert len(many) == len(one)
