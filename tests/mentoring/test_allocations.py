"""The cohort's lead mentors in one form (issue 15), and the allocation and utilisation pages
counting in SQL (issue 16)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from mentoring.models import MentorAllocation
from tests.factories import (
    BookingFactory,
    EnrolmentFactory,
    MentorAllocationFactory,
    MentorProfileFactory,
    RunningCohortFactory,
    StaffFactory,
)

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
    assert f"Choose a mentor from the list for {officer.full_name}" in response.content.decode()
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
