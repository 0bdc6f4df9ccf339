"""A graduate's home page leads with what they do now: cascade sessions and the trainer pathway."""

import pytest

from tests.factories import (
    CascadeSessionFactory,
    EnrolmentFactory,
    GraduationFactory,
    TrainerStepFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def test_graduate_home_leads_with_cascade_sessions_and_the_trainer_pathway(client):
    graduation = GraduationFactory()
    graduate = graduation.enrolment.officer
    TrainingSessionFactory(cohort=graduation.enrolment.cohort, week_number=1, topic="Fuzzy matching basics")
    CascadeSessionFactory(graduate=graduate, colleagues_reached=7)
    TrainerStepFactory(graduate=graduate, note="Co-facilitated week 3 of the spring cohort")
    client.force_login(graduate)
    html = client.get("/").content.decode()
    assert html.index("Passing it on") < html.index("My cohort")
    assert "You have reached 7 colleagues in 1 cascade session." in html
    assert "Your latest cascade sessions" in html
    assert "You are a <strong>co-facilitator</strong>." in html
    assert "Co-facilitated week 3 of the spring cohort" in html
    assert "You completed the 12 weeks." in html
    assert "My training schedule" not in html  # the finished schedule no longer fills the page
    assert "Fuzzy matching basics" not in html


def test_an_officer_on_a_cohort_still_sees_their_schedule_and_no_graduate_panel(client):
    session = TrainingSessionFactory(topic="Fuzzy matching basics")
    enrolment = EnrolmentFactory(cohort=session.cohort)
    client.force_login(enrolment.officer)
    html = client.get("/").content.decode()
    assert "My training schedule" in html
    assert "Fuzzy matching basics" in html
    assert "Passing it on" not in html
