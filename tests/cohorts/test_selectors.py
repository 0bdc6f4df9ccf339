from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts import selectors, services
from tests.factories import (
    ApplicationScoreFactory,
    CohortFactory,
    EnrolmentFactory,
    OfficerFactory,
    StaffFactory,
    StreamFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def held(cohort, weeks):
    now = timezone.now()
    return [
        TrainingSessionFactory(
            cohort=cohort,
            week_number=week,
            starts_at=now - timedelta(weeks=weeks - week + 1),
            ends_at=now - timedelta(weeks=weeks - week + 1) + timedelta(hours=6),
        )
        for week in range(1, weeks + 1)
    ]


def mark(session, enrolment, value):
    services.register_save(session=session, marks={enrolment.pk: value}, actor=None)


def test_at_risk_needs_two_unexcused_absences_in_the_last_four_and_clears_on_attending():
    cohort = CohortFactory()
    sessions = held(cohort, 6)
    enrolment = EnrolmentFactory(cohort=cohort)
    for session, value in zip(sessions[:5], ["absent", "absent", "present", "absent", "excused"], strict=True):
        mark(session, enrolment, value)
    # last four held sessions: weeks 3-6 → present, absent, excused, (no register) → one absence
    assert selectors.officers_at_risk(cohort) == []
    mark(sessions[5], enrolment, "absent")
    assert [row.enrolment for row in selectors.officers_at_risk(cohort)] == [enrolment]
    # attending the next session clears the flag, although week 4's absence is still in the window
    later = TrainingSessionFactory(
        cohort=cohort, week_number=7, starts_at=timezone.now() - timedelta(hours=8), ends_at=timezone.now()
    )
    mark(later, enrolment, "present")
    assert selectors.officers_at_risk(cohort) == []


@pytest.mark.parametrize(
    ("marks", "at_risk"),
    [
        (["absent", "absent"], True),
        (["absent", "absent", "present"], False),  # attending again clears the flag at once
        (["absent", "absent", "late"], False),
        (["absent", "present", "absent"], True),  # absent again since they last attended
        (["absent", "absent", "excused"], True),  # an excused absence is not attending
    ],
)
def test_at_risk_clears_as_soon_as_the_officer_attends_again(marks, at_risk):
    cohort = CohortFactory()
    enrolment = EnrolmentFactory(cohort=cohort)
    for session, value in zip(held(cohort, len(marks)), marks, strict=True):
        mark(session, enrolment, value)
    assert (bool(selectors.officers_at_risk(cohort)), selectors.officer_attendance(enrolment)[1]) == (at_risk, at_risk)


def test_attendance_rates_count_late_as_attended_and_ignore_excused():
    cohort = CohortFactory()
    first, second, third = held(cohort, 3)
    enrolment = EnrolmentFactory(cohort=cohort)
    mark(first, enrolment, "late")
    mark(second, enrolment, "absent")
    mark(third, enrolment, "excused")
    (row,) = selectors.attendance_by_officer(cohort)
    assert (row.attended, row.expected, row.rate) == (1, 2, 0.5)
    rates = [(r.session.week_number, r.rate) for r in selectors.attendance_by_session(cohort)]
    assert rates == [(1, 1.0), (2, 0.0), (3, None)]


def test_register_rows_only_list_officers_whose_stream_covers_the_week():
    cohort = CohortFactory()
    session = TrainingSessionFactory(cohort=cohort, week_number=10)
    everyone = EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, stream=StreamFactory(cohort=cohort, first_week=1, last_week=8))
    EnrolmentFactory(cohort=cohort, status="waitlisted")
    assert selectors.register_rows(session) == [(everyone, "")]


def test_enrolment_visible_to_hides_other_officers_applications():
    enrolment = EnrolmentFactory()
    assert selectors.enrolment_visible_to(OfficerFactory(), enrolment.pk) is None
    assert selectors.enrolment_visible_to(enrolment.officer, enrolment.pk) == enrolment
    assert selectors.enrolment_visible_to(StaffFactory(), enrolment.pk) == enrolment


def test_applications_for_cohort_show_the_mean_of_several_scores():
    score = ApplicationScoreFactory(score=2)
    ApplicationScoreFactory(enrolment=score.enrolment, score=5)
    (row,) = selectors.applications_for_cohort(score.enrolment.cohort)
    assert (row.mean_score, row.score_count) == (3.5, 2)


def test_applications_waiting_counts_manager_and_staff_decisions():
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort, status="applied")
    EnrolmentFactory(cohort=cohort, status="manager_approved", manager_decision="approved")
    EnrolmentFactory(cohort=cohort)
    assert selectors.applications_waiting(cohort) == {"manager": 1, "staff": 1}


def test_demo_pilot_has_someone_at_risk_and_next_has_every_stage():
    from django.core.management import call_command

    from cohorts.models import Cohort

    call_command("seed_demo", verbosity=0)
    pilot = Cohort.objects.get(slug="pilot")
    assert [row.enrolment.officer.email for row in selectors.officers_at_risk(pilot)] == ["officer3@example.org"]
    assert pilot.enrolments.filter(status="selected").count() == 15
    assert set(pilot.enrolments.values_list("status", flat=True)) == {"selected", "waitlisted", "withdrawn"}
    upcoming = Cohort.objects.get(slug="next")
    assert upcoming.status == "recruiting"
    assert set(upcoming.enrolments.values_list("status", flat=True)) == {
        "applied",
        "manager_approved",
        "selected",
        "waitlisted",
        "withdrawn",
    }


def test_organisation_counts_are_not_multiplied_by_each_other():
    """Officers and places are counted apart: three officers with two places each are 3 officers and
    6 places (counting both through joins on the organisation once gave officers times places rows)."""
    from tests.factories import MentorFactory, OrganisationFactory

    partner, empty = OrganisationFactory(), OrganisationFactory()
    officers = [OfficerFactory(organisation=partner) for _ in range(3)]
    MentorFactory(organisation=partner)  # a mentor is not counted as an officer
    for officer in officers:
        for _ in range(2):
            EnrolmentFactory(officer=officer)
    rows = {row.pk: row for row in selectors.organisation_list()}
    assert (rows[partner.pk].officer_count, rows[partner.pk].enrolment_count) == (3, 6)
    assert (rows[empty.pk].officer_count, rows[empty.pk].enrolment_count) == (0, 0)
