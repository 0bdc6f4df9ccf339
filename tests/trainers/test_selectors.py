import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cohorts.models import Enrolment
from projects.models import CaseStudy, Milestone
from tests.factories import (
    AttendanceFactory,
    BookingFactory,
    CascadeSessionFactory,
    CohortFactory,
    EnrolmentFactory,
    GraduationFactory,
    OfficerFactory,
    ProjectFactory,
    TrainerStepFactory,
    borough,
)
from trainers import charts, impact, selectors

pytestmark = pytest.mark.django_db


def known_data():
    """Camden: two trained on the finished cohort (one graduate) and one in training on a running cohort;
    Hackney: one graduate, one withdrawn and one selected on a cohort that has not started. A shared
    project with every milestone signed off, a Camden project completed by its published case study, and
    an unfinished Hackney project. Three verified cascade sessions and one waiting for verification."""
    camden, hackney = borough("Camden"), borough("Hackney")
    cohort = CohortFactory(status="finished", start_date=date(2026, 3, 3))
    a = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=camden), status="completed")
    b = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=camden), status="selected")
    c = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=hackney), status="completed")
    EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=hackney), status="withdrawn")
    running = CohortFactory(status="running", start_date=date(2026, 9, 1))
    EnrolmentFactory(cohort=running, officer=OfficerFactory(organisation=camden), status="selected")
    upcoming = CohortFactory(status="recruiting", start_date=date(2027, 1, 12))
    EnrolmentFactory(cohort=upcoming, officer=OfficerFactory(organisation=hackney), status="selected")
    shared = ProjectFactory(cohort=cohort, officers=[a.officer, c.officer])
    Milestone.objects.filter(project=shared).update(state=Milestone.State.SIGNED_OFF)
    solo = ProjectFactory(cohort=cohort, officers=[b.officer])
    CaseStudy.objects.create(
        project=solo, summary="s", what_was_linked="w", results="r", lessons="l", published_at=timezone.now()
    )
    ProjectFactory(cohort=cohort, officers=[c.officer])
    verified = {"verified_at": timezone.now()}
    CascadeSessionFactory(graduate=a.officer, colleagues_reached=5, delivered_on=date(2026, 9, 10), **verified)
    CascadeSessionFactory(graduate=a.officer, colleagues_reached=7, delivered_on=date(2026, 10, 1), **verified)
    CascadeSessionFactory(graduate=c.officer, colleagues_reached=10, delivered_on=date(2026, 10, 20), **verified)
    CascadeSessionFactory(graduate=c.officer, colleagues_reached=4, delivered_on=date(2026, 10, 21))  # waiting
    return cohort


def figures(**values) -> dict:
    return {**impact.Figures().as_dict(), **values}


def test_organisation_impact_from_known_data():
    known_data()
    rows = {row.organisation.name: row.figures.as_dict() for row in impact.organisation_impact()}
    assert rows["Camden"] == figures(
        officers_trained=2,
        in_training=1,
        graduates=1,
        projects_completed=2,
        case_studies=1,
        cascade_sessions=2,
        colleagues_reached=12,
    )
    assert rows["Hackney"] == figures(
        officers_trained=1,
        in_training=1,
        graduates=1,
        projects_completed=1,
        cascade_sessions=1,
        colleagues_reached=10,
        cascade_sessions_waiting=1,
        colleagues_reached_waiting=4,
    )
    assert rows["Bexley"] == figures()
    assert len(rows) == 34  # partners without figures are left out


def test_cohort_impact_and_totals_count_each_officer_and_project_once():
    cohort = known_data()
    expected = figures(
        officers_trained=3,
        graduates=2,
        projects_completed=2,
        case_studies=1,
        cascade_sessions=3,
        colleagues_reached=22,
        cascade_sessions_waiting=1,
        colleagues_reached_waiting=4,
    )
    by_cohort = {row.cohort.slug: row.figures.as_dict() for row in impact.cohort_impact()}
    assert by_cohort[cohort.slug] == expected
    assert impact.impact_totals().as_dict() == {**expected, "in_training": 2}


def test_impact_for_a_period_counts_cohorts_that_started_and_sessions_delivered_in_it():
    known_data()
    autumn = impact.Period(date(2026, 9, 1), date(2026, 10, 15))
    # The finished cohort started in March, so its people and projects are outside the period.
    assert impact.impact_totals(period=autumn).as_dict() == figures(
        in_training=1, cascade_sessions=2, colleagues_reached=12
    )
    since = impact.Period(starts_on=date(2026, 10, 2))
    assert impact.impact_totals(period=since).as_dict() == figures(
        in_training=1,
        cascade_sessions=1,
        colleagues_reached=10,
        cascade_sessions_waiting=1,
        colleagues_reached_waiting=4,
    )
    rows = {row.organisation.name: row.figures for row in impact.organisation_impact(period=since)}
    assert (rows["Camden"].cascade_sessions, rows["Hackney"].cascade_sessions) == (0, 1)


def test_mentor_hours_count_held_sessions_by_organisation_and_cohort():
    camden, hackney = borough("Camden"), borough("Hackney")
    earlier = CohortFactory(status="finished", start_date=date(2026, 3, 3))
    later = CohortFactory(status="running", start_date=date(2026, 9, 1))
    amara = OfficerFactory(organisation=camden)
    EnrolmentFactory(cohort=earlier, officer=amara, status="completed")
    EnrolmentFactory(cohort=later, officer=OfficerFactory(organisation=camden), status="selected")
    kofi = EnrolmentFactory(cohort=later, officer=OfficerFactory(organisation=hackney), status="selected").officer
    past = timezone.now() - timedelta(days=10)
    BookingFactory(officer=amara, starts_at=past, ends_at=past + timedelta(minutes=60))  # held: 1 h
    BookingFactory(officer=amara, starts_at=past - timedelta(days=1), ends_at=past - timedelta(days=1, minutes=-30))
    BookingFactory(officer=kofi, starts_at=past, ends_at=past + timedelta(minutes=45))  # held: 0.75 h
    BookingFactory(officer=kofi, starts_at=past, ends_at=past + timedelta(minutes=45), status="cancelled")
    BookingFactory(officer=kofi, starts_at=past, ends_at=past + timedelta(minutes=45), status="no_show")
    BookingFactory(officer=kofi)  # still to come

    assert impact.mentor_hours_by_organisation() == {camden.pk: 1.5, hackney.pk: 0.8}
    # Amara's sessions fall after the later cohort started, but she is only on the earlier one.
    assert impact.mentor_hours_by_cohort() == {earlier.pk: 1.5, later.pk: 0.8}
    assert impact.impact_totals().mentor_hours == 2.3
    # A period counts the sessions held on its days (London time).
    day = timezone.localdate(past)
    assert impact.mentor_hours_by_organisation(period=impact.Period(day, day)) == {camden.pk: 1.0, hackney.pk: 0.8}


def test_mentor_hours_count_for_the_cohort_the_officer_was_on_at_the_time():
    officer = OfficerFactory()
    first = CohortFactory(status="finished", start_date=timezone.localdate() - timedelta(days=400))
    second = CohortFactory(status="running", start_date=timezone.localdate() - timedelta(days=30))
    EnrolmentFactory(cohort=first, officer=officer, status="completed")
    EnrolmentFactory(cohort=second, officer=officer, status="selected")
    for days_ago in (300, 10):
        start = timezone.now() - timedelta(days=days_ago)
        BookingFactory(officer=officer, starts_at=start, ends_at=start + timedelta(minutes=30))
    before_either = timezone.now() - timedelta(days=500)
    BookingFactory(officer=officer, starts_at=before_either, ends_at=before_either + timedelta(minutes=60))
    assert impact.mentor_hours_by_cohort() == {first.pk: 1.5, second.pk: 0.5}


def test_colleagues_reached_by_month_includes_empty_months_and_waiting_sessions():
    known_data()
    months = impact.colleagues_reached_by_month(months=4, today=date(2026, 11, 26))
    assert [tuple(row) for row in months] == [
        (date(2026, 8, 1), 0, 0, 0, 0),
        (date(2026, 9, 1), 1, 5, 0, 0),
        (date(2026, 10, 1), 2, 17, 1, 4),
        (date(2026, 11, 1), 0, 0, 0, 0),
    ]
    period = impact.Period(date(2026, 9, 15), date(2026, 10, 31))
    months = impact.colleagues_reached_by_month(today=date(2026, 11, 26), period=period)
    assert [tuple(row) for row in months] == [(date(2026, 9, 1), 0, 0, 0, 0), (date(2026, 10, 1), 2, 17, 1, 4)]


def test_export_impact_prints_all_34_london_authorities_with_zero_rows():
    known_data()
    out = io.StringIO()
    call_command("export_impact", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert list(rows[0]) == [
        "gss_code",
        "organisation",
        "officers_trained",
        "in_training",
        "graduates",
        "projects_completed",
        "case_studies",
        "cascade_sessions",
        "colleagues_reached",
        "mentor_hours",
        "cascade_sessions_waiting",
        "colleagues_reached_waiting",
        "self_assessment_officers_week_12",
        "median_skill_uplift_week_12",
        "self_assessment_officers_three_months",
        "median_skill_uplift_three_months",
    ]
    assert len(rows) == 34
    assert [row["gss_code"] for row in rows] == sorted(row["gss_code"] for row in rows)
    assert {row["gss_code"][:3] for row in rows} == {"E09", "E61"}
    camden = next(row for row in rows if row["organisation"] == "Camden")
    assert (camden["gss_code"], camden["officers_trained"], camden["colleagues_reached"]) == ("E09000007", "2", "12")
    hackney = next(row for row in rows if row["organisation"] == "Hackney")
    assert (hackney["cascade_sessions"], hackney["cascade_sessions_waiting"]) == ("1", "1")
    bexley = next(row for row in rows if row["organisation"] == "Bexley")
    assert [bexley[column] for column in impact.EXPORT_COLUMNS[2:]] == ["0"] * 11 + ["", "0", ""]


def test_export_impact_takes_a_period():
    known_data()
    out = io.StringIO()
    call_command("export_impact", "--from", "2026-10-02", "--to", "2026-12-31", stdout=out)
    camden, hackney = (
        next(row for row in csv.DictReader(io.StringIO(out.getvalue())) if row["organisation"] == name)
        for name in ("Camden", "Hackney")
    )
    assert (camden["officers_trained"], camden["in_training"], camden["cascade_sessions"]) == ("0", "0", "0")
    assert (hackney["cascade_sessions"], hackney["colleagues_reached"], hackney["colleagues_reached_waiting"]) == (
        "1",
        "10",
        "4",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-02-30"], "'2026-02-30' is not a real date"),
        (["--from", "2026-10-02", "--to", "2026-10-01"], "--to must be the same as or after --from"),
    ],
)
def test_export_impact_refuses_a_wrong_period(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_impact", *arguments, stdout=io.StringIO())


def test_graduation_checks_show_each_criterion():
    project = ProjectFactory()
    enrolment = Enrolment.objects.get(cohort=project.cohort, officer=project.officers.get())
    for week, mark in ((1, "present"), (2, "present"), (3, "absent")):
        AttendanceFactory(enrolment=enrolment, session__cohort=project.cohort, session__week_number=week, mark=mark)
    milestones = list(project.milestones.all())
    Milestone.objects.filter(pk__in=[m.pk for m in milestones[:3]]).update(state=Milestone.State.SIGNED_OFF)
    [check] = selectors.graduation_checks(project.cohort)
    assert (check.attendance_met, check.milestones_signed_off, check.milestones_total) == (False, 3, len(milestones))
    assert (check.milestones_met, check.case_study_published, check.showcase_met) == (False, False, False)
    assert check.meets_all(showcase_presented=True) is False


def test_graduate_list_shows_stage_and_reach():
    step = TrainerStepFactory(kind="co_facilitator")
    CascadeSessionFactory(graduate=step.graduate, colleagues_reached=4)
    CascadeSessionFactory(graduate=step.graduate, colleagues_reached=3)
    other = GraduationFactory()
    rows = {row.officer: row for row in selectors.graduate_rows(selectors.graduate_list())}
    assert (rows[step.graduate].stage, rows[step.graduate].sessions, rows[step.graduate].colleagues_reached) == (
        "Co-facilitator",
        2,
        7,
    )
    assert (rows[other.enrolment.officer].stage, rows[other.enrolment.officer].sessions) == ("Graduate", 0)


def test_cascade_sessions_for_staff_put_unverified_first_then_newest():
    today = timezone.localdate()
    old = CascadeSessionFactory(delivered_on=today.replace(day=1), verified_at=timezone.now())
    new = CascadeSessionFactory(delivered_on=today, verified_at=timezone.now())
    waiting = CascadeSessionFactory(delivered_on=today.replace(day=1))
    assert list(selectors.cascade_sessions_all()) == [waiting, new, old]


def test_tile_map_legend_covers_every_shade_used_with_decimal_values():
    values = {"E09000012": ("Hackney", 4.2), "E09000003": ("Barnet", 0.5), "E09000018": ("Hounslow", 2.2)}
    drawn = charts.tile_map(values, measure_label="Mentor hours")
    legend = [entry["label"] for entry in drawn["legend"]]
    shades = {tile.gss_code: tile.shade for tile in drawn["tiles"] if tile.value}
    assert legend == ["None", "0.1 to 2", "2.1 to 4", "4.1 to 6"]
    assert shades == {"E09000012": 3, "E09000003": 1, "E09000018": 2}


def test_tile_map_legend_for_whole_numbers():
    values = {"E09000012": ("Hackney", 121), "E09000025": ("Newham", 95), "E09000018": ("Hounslow", 2)}
    drawn = charts.tile_map(values, measure_label="Colleagues reached")
    assert [entry["label"] for entry in drawn["legend"]] == ["None", "1 to 50", "51 to 100", "101 to 150"]
    assert {tile.gss_code: tile.shade for tile in drawn["tiles"] if tile.value} == {
        "E09000012": 3,
        "E09000025": 2,
        "E09000018": 1,
    }
