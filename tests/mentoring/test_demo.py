import re

import pytest
from django.core.management import call_command

from mentoring.models import AvailabilityException, AvailabilityWindow, Booking, MentorAllocation, MentorProfile

pytestmark = pytest.mark.django_db

MODELS = (MentorProfile, AvailabilityWindow, AvailabilityException, Booking, MentorAllocation)


def test_seed_demo_seeds_mentoring_idempotently():
    call_command("seed_demo", verbosity=0)
    first = [model.objects.count() for model in MODELS]
    call_command("seed_demo", verbosity=0)
    assert [model.objects.count() for model in MODELS] == first
    assert first == [3, 7, 1, 34, 15]  # 10 with the pilot's officers, 24 held with spring-2026 graduates
    assert AvailabilityWindow.objects.filter(kind=AvailabilityWindow.Kind.ONE_OFF).count() == 1


def test_demo_office_hours_run_in_the_pilots_project_time(client):
    from accounts.models import User

    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(email="officer@example.org"))
    html = client.get("/mentoring/office-hours/").content.decode()
    assert "Office hours run in project time, from 2pm to 4pm." in html
    # Slots read "Tuesday 24 March, 2pm to 2:45pm with ...": each starts at 2pm or later, before 4pm.
    times = re.findall(r", (\d{1,2})(?::(\d\d))?(am|pm) to [\d:]+[ap]m with ", html)
    assert times and all(suffix == "pm" and int(hour) in (2, 3) for hour, _, suffix in times)
