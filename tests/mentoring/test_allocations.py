"""The cohort's lead mentors in one form (issue 15), and the allocation and utilisation pages
counting in SQL (issue 16): the same queries and the same model instances built (counted with a
post_init receiver) however many bookings there are behind their figures."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from mentoring.models import MentorAllocation
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    MentorProfileFactory,
    RunningCohortFactory,
    StaffFactory,
)
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db


def formset_post(cohort, rows):
    data = {
        "cohort": cohort.slug,
        "allocation-TOTAL_FORMS": str(len(rows)),
        "allocation-INITIAL_FORMS": str(len(rows)),
    }
    for index, (officer, mentor) in enumerate(rows):
        data[f"allocation-{index}-officer"] = str(officer.pk)
        data[f"allocation-{index}-mentor"] = str(mentor.pk) if mentor else ""
    return data


def test_staff_allocate_a_whole_cohort_in_one_save_with_a_summary_of_changes(client):
    cohort = RunningCohortFactory()
    first, second, third = (EnrolmentFactory(cohort=cohort).officer for _ in range(3))
    reid, patel = MentorProfileFactory().mentor, MentorProfileFactory().mentor
    MentorAllocationFactory(officer=third, mentor=reid)
    MentorAllocationFactory(officer=second, mentor=reid)
    client.force_login(StaffFactory())
    response = client.post(
        "/mentoring/allocations/", formset_post(cohort, [(first, patel), (second, reid), (third, None)])
    )
    assert response.status_code == 302
    assert response["Location"] == f"/mentoring/allocations/?cohort={cohort.slug}"
    assert dict(MentorAllocation.objects.values_list("officer", "mentor")) == {first.pk: patel.pk, second.pk: reid.pk}
    page = client.get(response["Location"]).content.decode()
    assert "2 changes" in page
    # Names come from faker and may hold an apostrophe, which the page escapes.
    assert escape(f"{first.full_name}: no lead mentor to {patel.full_name}") in page
    assert escape(f"{third.full_name}: {reid.full_name} to no lead mentor") in page
    assert page.count('<select class="govuk-select" id="id_allocation-') == 3
    assert page.count("Save lead mentors") == 1
    # The summary is shown once.
    assert "What changed" not in client.get(response["Location"]).content.decode()


def test_allocation_form_refuses_an_unknown_mentor_and_saves_nothing(client):
    cohort = RunningCohortFactory()
    officer = EnrolmentFactory(cohort=cohort).officer
    client.force_login(StaffFactory())
    data = formset_post(cohort, [(officer, None)])
    data["allocation-0-mentor"] = "999999"
    response = client.post("/mentoring/allocations/", data)
    assert response.status_code == 200
    # Escaped as the page writes it: a generated name can be O'Connor.
    assert f"Choose a mentor from the list for {escape(officer.full_name)}" in response.content.decode()
    assert MentorAllocation.objects.count() == 0


def test_allocation_form_refuses_a_post_whose_officers_changed(client):
    cohort = RunningCohortFactory()
    officer = EnrolmentFactory(cohort=cohort).officer
    EnrolmentFactory(cohort=cohort)
    client.force_login(StaffFactory())
    response = client.post("/mentoring/allocations/", formset_post(cohort, [(officer, MentorProfileFactory().mentor)]))
    assert "The list of officers changed" in response.content.decode()
    assert MentorAllocation.objects.count() == 0


def add_officers_with_bookings(cohort, count, mentor):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=30)
    for number in range(count):
        officer = EnrolmentFactory(cohort=cohort).officer
        MentorAllocationFactory(officer=officer, mentor=mentor)
        for week in (0, 1, 2):  # a different hour for each officer, so no two bookings overlap
            BookingFactory(mentor=mentor, officer=officer, starts_at=start + timedelta(weeks=week, hours=number))


@pytest.mark.parametrize("url", ["/mentoring/allocations/", "/mentoring/utilisation/"])
def test_allocation_and_utilisation_pages_count_in_sql(client, url):
    cohort = RunningCohortFactory()
    mentor = MentorProfileFactory().mentor
    add_officers_with_bookings(cohort, 1, mentor)
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_officers_with_bookings(cohort, 8, MentorProfileFactory().mentor)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    if url == "/mentoring/allocations/":
        assert page.count('<select class="govuk-select" id="id_allocation-') == 9
        # Each mentor's load, counted in SQL: 8 mentees with 24 sessions for the second mentor.
        cell = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
        assert cell.format(8) + cell.format(24) in page


def add_bookings(mentor, officers, count, *, weeks_back):
    """`count` sessions of `mentor`, taking `officers` in turn, an hour apart so none overlap."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(weeks=weeks_back)
    for number in range(count):
        BookingFactory(
            mentor=mentor, officer=officers[number % len(officers)], starts_at=start + timedelta(hours=number)
        )


def load_cells(page, mentor):
    """The mentor's row of the load table: (lead mentor of, sessions booked)."""
    row = re.search(rf">{re.escape(escape(mentor.full_name))}</th>(.*?)</tr>", page).group(1)
    return tuple(int(n) for n in re.findall(r'numeric">(\d+)</td>', row))


def test_allocation_page_builds_the_same_instances_for_one_booking_or_many(client):
    cohort = RunningCohortFactory()
    officers = [EnrolmentFactory(cohort=cohort).officer for _ in range(3)]
    mentor, other = MentorProfileFactory().mentor, MentorProfileFactory().mentor
    MentorAllocationFactory(officer=officers[0], mentor=mentor)
    add_bookings(mentor, officers, 1, weeks_back=4)
    elsewhere = EnrolmentFactory(cohort=RunningCohortFactory()).officer  # another cohort's sessions do not count
    client.force_login(StaffFactory())
    queries, built, page = page_cost(client, "/mentoring/allocations/")
    assert load_cells(page, mentor) == (1, 1)
    add_bookings(mentor, officers, 40, weeks_back=2)
    add_bookings(other, officers, 25, weeks_back=3)
    add_bookings(other, [elsewhere], 30, weeks_back=6)
    more_queries, more_built, page = page_cost(client, "/mentoring/allocations/")
    assert (more_queries, more_built) == (queries, built)
    assert "Booking" not in built
    assert load_cells(page, mentor) == (1, 41)
    assert load_cells(page, other) == (0, 25)


def test_utilisation_page_builds_the_same_instances_for_one_booking_or_many(client):
    cohort = RunningCohortFactory()
    officers = [EnrolmentFactory(cohort=cohort).officer for _ in range(3)]
    mentor = AvailabilityWindowFactory().mentor
    add_bookings(mentor, officers, 1, weeks_back=2)
    client.force_login(StaffFactory())
    queries, built, page = page_cost(client, "/mentoring/utilisation/")
    assert re.findall(r'numeric">([\d.]+)</td>', page)[1:] == ["0.8", "0.8"]  # 45 minutes booked and used
    add_bookings(mentor, officers, 39, weeks_back=1)
    more_queries, more_built, page = page_cost(client, "/mentoring/utilisation/")
    assert (more_queries, more_built) == (queries, built)
    assert "Booking" not in built
    assert re.findall(r'numeric">([\d.]+)</td>', page)[1:] == ["30.0", "30.0"]  # 40 sessions of 45 minutes


def test_utilisation_page_shows_five_cohorts_a_page_newest_first(client):
    today = timezone.localdate()
    cohorts = [
        CohortFactory(status="running", name=f"Cohort started {n} weeks ago", start_date=today - timedelta(weeks=n))
        for n in range(7)
    ]
    MentorProfileFactory()
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/mentoring/utilisation/").content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/mentoring/utilisation/?page=2").content.decode()
    headings = re.compile(r'<h2 class="govuk-heading-m">(.*?)</h2>')
    assert headings.findall(first) == [cohort.name for cohort in cohorts[:5]]
    assert headings.findall(second) == [cohort.name for cohort in cohorts[5:]]
    assert 'aria-label="Page 2"' in first and 'rel="next"' in first and 'rel="prev"' in second
    assert len(first_queries) == len(second_queries)
    # Five cohorts' charts and tables on one page: every id once, so each table region names its own cohort.
    ids = re.findall(r'\sid="([^"]+)"', first)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
