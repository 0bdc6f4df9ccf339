"""Bank-holiday moves stay in the week or the weekday pattern staff chose, and the Christmas to New
Year break is skipped unless the cohort includes it."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cohorts import services
from cohorts.models import Cohort, CurriculumTemplate
from cohorts.services.planning import schedule_plan
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def september_2026():
    with time_machine.travel(datetime(2026, 9, 1, 9, tzinfo=LONDON), tick=False):
        yield


def create_post(start: date, weekday: int, weeks: int = 12, **overrides) -> dict:
    data = {
        "name": "Autumn 2026",
        "slug": "autumn-2026",
        "start_date_0": start.day,
        "start_date_1": start.month,
        "start_date_2": start.year,
        "training_weekday": str(weekday),
        "weeks": str(weeks),
        "capacity": "15",
        "status": "recruiting",
        "bank_holiday_rule": "same_week",
        "curriculum": str(CurriculumTemplate.objects.get().pk),
    }
    data.update(overrides)
    return data


def days(cohort: Cohort) -> list[date]:
    return [timezone.localtime(s.starts_at, LONDON).date() for s in cohort.sessions.order_by("week_number")]


def test_friday_cohort_skips_the_christmas_break_instead_of_moving_to_another_weekday(client, september_2026):
    # The defect: week 12 moved from Friday 25 December to Tuesday 29 December, inside the shutdown.
    client.force_login(StaffFactory())
    response = client.post("/cohorts/new/", create_post(date(2026, 10, 9), Cohort.Weekday.FRIDAY))
    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="autumn-2026")
    assert days(cohort)[-1] == date(2027, 1, 8)
    assert {day.weekday() for day in days(cohort)} == {Cohort.Weekday.FRIDAY}
    html = client.get("/cohorts/autumn-2026/").content.decode()
    assert "Fri 8 Jan 2027 at 10am" in html
    assert "From Friday 25 December 2026: Christmas to New Year break; 2 weeks later</span>" in html
    assert "No training: a session that week moves to the next week" in html


def test_a_cohort_that_trains_over_christmas_stays_in_the_week(client, september_2026):
    client.force_login(StaffFactory())
    client.post("/cohorts/new/", create_post(date(2026, 10, 9), Cohort.Weekday.FRIDAY, trains_over_christmas="on"))
    cohort = Cohort.objects.get(slug="autumn-2026")
    assert cohort.trains_over_christmas is True
    assert days(cohort)[-1] == date(2026, 12, 24)
    html = client.get("/cohorts/autumn-2026/").content.decode()
    assert "From Friday 25 December 2026: Christmas Day: no working day after it that week, so the working" in html


def test_next_week_rule_keeps_the_weekday_and_extends_the_cohort(client, september_2026):
    client.force_login(StaffFactory())
    client.post(
        "/cohorts/new/",
        create_post(date(2027, 3, 22), Cohort.Weekday.MONDAY, weeks=3, bank_holiday_rule="next_week"),
    )
    cohort = Cohort.objects.get(slug="autumn-2026")
    assert days(cohort) == [date(2027, 3, 22), date(2027, 4, 5), date(2027, 4, 12)]
    html = client.get("/cohorts/autumn-2026/").content.decode()
    assert "Easter Monday: moved to the same day the following week; 1 week later, and the weeks after it" in html


def test_same_week_rule_moves_easter_monday_to_tuesday_and_good_friday_to_thursday():
    common = {"weeks": 3, "bank_holiday_rule": "same_week", "trains_over_christmas": False}
    monday = schedule_plan(start_date=date(2027, 3, 22), training_weekday=0, **common)
    friday = schedule_plan(start_date=date(2027, 3, 22), training_weekday=4, **common)
    assert [planned.day for planned in monday] == [date(2027, 3, 22), date(2027, 3, 30), date(2027, 4, 5)]
    assert [planned.day for planned in friday] == [date(2027, 3, 25), date(2027, 4, 2), date(2027, 4, 9)]


def test_create_form_offers_the_rule_as_radios_and_christmas_as_a_checkbox(client):
    client.force_login(StaffFactory())
    html = client.get("/cohorts/new/").content.decode()
    assert "If a training day falls on a bank holiday" in html
    inputs = re.findall(r"<input[^>]*>", html)
    radios = [tag for tag in inputs if 'name="bank_holiday_rule"' in tag]
    assert all('type="radio"' in tag for tag in radios)
    assert ["checked" in tag for tag in radios] == [True, False]  # the same week is the default
    assert any('name="trains_over_christmas"' in tag and 'type="checkbox"' in tag for tag in inputs)


def test_changing_the_rule_on_the_edit_form_moves_sessions_that_have_not_started(client, september_2026):
    cohort = services.cohort_create(
        name="Autumn 2026", slug="autumn-2026", start_date=date(2026, 10, 9), training_weekday=4, weeks=12
    )
    hand_moved = cohort.sessions.get(week_number=2)
    services.session_update(
        session=hand_moved, day=date(2026, 10, 15), starts=time(10), ends=time(16), topic=hand_moved.topic
    )
    client.force_login(StaffFactory())
    response = client.post(
        "/cohorts/autumn-2026/edit/",
        {
            "name": "Autumn 2026",
            "capacity": "15",
            "status": "draft",
            "bank_holiday_rule": "same_week",
            "trains_over_christmas": "on",
        },
        follow=True,
    )
    assert "1 session has moved to follow the new bank holiday and Christmas settings." in response.content.decode()
    week_12 = cohort.sessions.get(week_number=12)
    assert (timezone.localtime(week_12.starts_at, LONDON).date(), week_12.sequence) == (date(2026, 12, 24), 1)
    assert days(cohort)[1] == date(2026, 10, 15)  # staff moved week 2 by hand: it stays
