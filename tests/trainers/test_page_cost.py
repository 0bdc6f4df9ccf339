"""The graduates and impact pages do work that stays flat as a programme's history grows (issue 16):
the same queries and the same model instances built (counted with a post_init receiver), however
many cascade sessions, pathway steps and mentoring sessions are behind their figures, and 50
graduates a page however many have graduated."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    BookingFactory,
    CascadeSessionFactory,
    CohortFactory,
    EnrolmentFactory,
    GraduationFactory,
    MentorProfileFactory,
    StaffFactory,
    TrainerStepFactory,
)
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<td data-label="Graduate" class="govuk-table__cell"><a class="govuk-link" href="/trainers/graduates/(\d+)/">'
    r".*?<strong [^>]*>(.*?)</strong></td>\s*"
    r'<td data-label="Sessions" [^>]*>(\d+)</td>\s*<td data-label="Colleagues reached" [^>]*>(\d+)</td>',
    re.S,
)


def rows_of(page) -> dict[int, tuple[str, int, int]]:
    """Each graduate's row: pathway step, sessions, colleagues reached."""
    return {int(pk): (stage, int(sessions), int(reached)) for pk, stage, sessions, reached in ROW.findall(page)}


def test_graduates_page_builds_the_same_instances_for_one_session_or_many(client):
    officer = GraduationFactory().enrolment.officer
    CascadeSessionFactory(graduate=officer, colleagues_reached=5)
    other = GraduationFactory().enrolment.officer
    client.force_login(StaffFactory())
    queries, built, page = page_cost(client, "/trainers/graduates/")
    assert rows_of(page) == {officer.pk: ("Graduate", 1, 5), other.pk: ("Graduate", 0, 0)}
    CascadeSessionFactory.create_batch(30, graduate=officer, colleagues_reached=2)
    TrainerStepFactory(graduate=officer, kind="co_facilitator")
    TrainerStepFactory(graduate=officer, kind="trainer")
    TrainerStepFactory(graduate=other, kind="co_facilitator")
    CascadeSessionFactory.create_batch(12, graduate=other, colleagues_reached=1)
    more_queries, more_built, page = page_cost(client, "/trainers/graduates/")
    assert (more_queries, more_built) == (queries, built)
    assert "CascadeSession" not in built and "TrainerStep" not in built
    assert rows_of(page) == {officer.pk: ("Trainer", 31, 65), other.pk: ("Co-facilitator", 12, 12)}


def test_graduates_page_lists_50_a_page_by_name(client):
    # Made in reverse order of name, with names that sort the same in any collation.
    made = {
        n: GraduationFactory(enrolment__officer__full_name=f"Graduate {n:02}").enrolment.officer
        for n in range(52, -1, -1)
    }
    graduates = [made[n] for n in range(53)]
    client.force_login(StaffFactory())
    first_queries, first_built, first = page_cost(client, "/trainers/graduates/")
    second_queries, _, second = page_cost(client, "/trainers/graduates/?page=2")
    assert list(rows_of(first)) == [officer.pk for officer in graduates[:50]]
    assert list(rows_of(second)) == [officer.pk for officer in graduates[50:]]
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first_queries == second_queries
    assert first_built["Graduation"] == 50


def hold_sessions(officer, mentor, count, *, days_ago):
    """`count` held sessions of an hour, a day apart, the last `days_ago` days ago."""
    for number in range(count):
        start = timezone.now() - timedelta(days=days_ago + number)
        BookingFactory(officer=officer, mentor=mentor, starts_at=start, ends_at=start + timedelta(hours=1))


def test_impact_page_builds_the_same_instances_for_one_mentoring_session_or_many(client):
    today = timezone.localdate()
    first = CohortFactory(status="finished", start_date=today - timedelta(days=400))
    second = CohortFactory(status="running", start_date=today - timedelta(days=60))
    officer = EnrolmentFactory(cohort=first, status="completed").officer
    EnrolmentFactory(cohort=second, officer=officer)
    classmate = EnrolmentFactory(cohort=second).officer
    mentor = MentorProfileFactory().mentor
    hold_sessions(officer, mentor, 1, days_ago=100)
    client.force_login(StaffFactory())
    queries, built, page = page_cost(client, "/trainers/impact/")
    assert '<dd class="app-stats__value" id="figure-mentor-hours">1</dd>' in page
    hold_sessions(officer, mentor, 30, days_ago=200)  # on the first cohort
    hold_sessions(officer, mentor, 20, days_ago=2)  # on the second
    hold_sessions(classmate, mentor, 10, days_ago=30)
    more_queries, more_built, page = page_cost(client, "/trainers/impact/")
    assert (more_queries, more_built) == (queries, built)
    assert "Booking" not in built
    assert '<dd class="app-stats__value" id="figure-mentor-hours">61</dd>' in page


def test_impact_summary_charts_the_12_latest_cohorts_and_links_staff_to_every_cohort(client):
    today = timezone.localdate()
    cohorts = [
        CohortFactory(name=f"Cohort {n:02}", status="finished", start_date=today - timedelta(weeks=100 - n))
        for n in range(14)
    ]
    for cohort in cohorts:
        EnrolmentFactory(cohort=cohort, status="completed")
    client.force_login(StaffFactory())
    queries, _, page = page_cost(client, "/trainers/impact/")
    table = page[page.index('id="graduates-by-cohort-caption"') :].split("</table>")[0]
    assert [cohort.name for cohort in cohorts if f">{cohort.name}</th>" in table] == [c.name for c in cohorts[2:]]
    assert "The 12 latest of 14 cohorts with officers." in page
    assert 'href="/trainers/impact/cohorts/">See every cohort’s figures in impact by cohort</a>' in page
    for n in range(3):
        cohort = CohortFactory(status="finished", start_date=today - timedelta(weeks=50 - n))
        EnrolmentFactory(cohort=cohort, status="completed")
    more_queries, _, page = page_cost(client, "/trainers/impact/")
    assert more_queries == queries
    assert "The 12 latest of 17 cohorts with officers." in page
    client.force_login(EnrolmentFactory(cohort=cohorts[0], status="completed").officer)
    officer_page = client.get("/trainers/impact/").content.decode()
    assert "The 12 latest of 17 cohorts with officers." in officer_page
    assert "/trainers/impact/cohorts/" not in officer_page
