import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cohorts import charts, impact, selectors
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

pytestmark = pytest.mark.django_db


def known_data():
    """Camden: two trained (one graduate), Hackney: one graduate and one withdrawn. A shared project
    with every milestone signed off, a Camden project completed by its published case study, and an
    unfinished Hackney project. Three cascade sessions."""
    camden, hackney = borough("Camden"), borough("Hackney")
    cohort = CohortFactory(status="finished", start_date=date(2026, 3, 3))
    a = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=camden), status="completed")
    b = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=camden), status="selected")
    c = EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=hackney), status="completed")
    EnrolmentFactory(cohort=cohort, officer=OfficerFactory(organisation=hackney), status="withdrawn")
    shared = ProjectFactory(cohort=cohort, officers=[a.officer, c.officer])
    Milestone.objects.filter(project=shared).update(state=Milestone.State.SIGNED_OFF)
    solo = ProjectFactory(cohort=cohort, officers=[b.officer])
    CaseStudy.objects.create(
        project=solo, summary="s", what_was_linked="w", results="r", lessons="l", published_at=timezone.now()
    )
    ProjectFactory(cohort=cohort, officers=[c.officer])
    CascadeSessionFactory(graduate=a.officer, colleagues_reached=5, delivered_on=date(2026, 9, 10))
    CascadeSessionFactory(graduate=a.officer, colleagues_reached=7, delivered_on=date(2026, 10, 1))
    CascadeSessionFactory(graduate=c.officer, colleagues_reached=10, delivered_on=date(2026, 10, 20))
    return cohort


def test_organisation_impact_from_known_data():
    known_data()
    rows = {row.organisation.name: row.figures.as_dict() for row in impact.organisation_impact()}
    assert rows["Camden"] == {
        "officers_trained": 2,
        "graduates": 1,
        "projects_completed": 2,
        "case_studies": 1,
        "cascade_sessions": 2,
        "colleagues_reached": 12,
        "mentor_hours": 0,
    }
    assert rows["Hackney"] == {
        "officers_trained": 1,
        "graduates": 1,
        "projects_completed": 1,
        "case_studies": 0,
        "cascade_sessions": 1,
        "colleagues_reached": 10,
        "mentor_hours": 0,
    }
    assert rows["Bexley"] == impact.Figures().as_dict()
    assert len(rows) == 34  # partners without figures are left out


def test_cohort_impact_and_totals_count_each_officer_and_project_once():
    cohort = known_data()
    expected = {
        "officers_trained": 3,
        "graduates": 2,
        "projects_completed": 2,
        "case_studies": 1,
        "cascade_sessions": 3,
        "colleagues_reached": 22,
        "mentor_hours": 0,
    }
    by_cohort = {row.cohort.slug: row.figures.as_dict() for row in impact.cohort_impact()}
    assert by_cohort[cohort.slug] == expected
    assert impact.impact_totals().as_dict() == expected


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


def test_colleagues_reached_by_month_includes_empty_months():
    known_data()
    months = impact.colleagues_reached_by_month(months=4, today=date(2026, 11, 26))
    assert months == [
        (date(2026, 8, 1), 0, 0),
        (date(2026, 9, 1), 1, 5),
        (date(2026, 10, 1), 2, 17),
        (date(2026, 11, 1), 0, 0),
    ]


def test_export_impact_prints_all_34_london_authorities_with_zero_rows():
    known_data()
    out = io.StringIO()
    call_command("export_impact", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert list(rows[0]) == [
        "gss_code",
        "organisation",
        "officers_trained",
        "graduates",
        "projects_completed",
        "case_studies",
        "cascade_sessions",
        "colleagues_reached",
        "mentor_hours",
    ]
    assert len(rows) == 34
    assert [row["gss_code"] for row in rows] == sorted(row["gss_code"] for row in rows)
    assert {row["gss_code"][:3] for row in rows} == {"E09", "E61"}
    camden = next(row for row in rows if row["organisation"] == "Camden")
    assert (camden["gss_code"], camden["officers_trained"], camden["colleagues_reached"]) == ("E09000007", "2", "12")
    bexley = next(row for row in rows if row["organisation"] == "Bexley")
    assert [bexley[column] for column in impact.EXPORT_COLUMNS[2:]] == ["0"] * 7


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
    rows = {row.officer: row for row in selectors.graduate_list()}
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
