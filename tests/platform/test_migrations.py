"""Moving models between apps loses no row: start from the schema as it was before Organisation moved
to accounts and graduation, the trainer pathway and cascade sessions to trainers, fill it through the
models of that time, migrate forward, and read the same rows through today's models."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Organisation, User
from cohorts.models import Cohort, Enrolment
from trainers.models import CascadeSession, Graduation, TrainerStep

BEFORE_THE_MOVE = [
    ("accounts", "0002_initial"),
    ("cohorts", "0005_graduation_trainer_pathway_cascade"),
    ("trainers", None),
]


@pytest.fixture
def before_the_move(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    executor.loader.build_graph()
    yield executor.loader.project_state(BEFORE_THE_MOVE[:2]).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every later test needs today's schema


def test_moving_models_between_apps_keeps_every_row(before_the_move):
    old = before_the_move
    org = old.get_model("cohorts", "Organisation").objects.create(
        name="Test borough", slug="test-borough", gss_code="E09999999", kind="borough"
    )
    user_model = old.get_model("accounts", "User")
    officer = user_model.objects.create(
        email="grad@example.org", full_name="Ada Graduate", organisation_id=org.pk, is_officer=True
    )
    staff = user_model.objects.create(email="staff@example.org", full_name="Sam Staff", is_programme_staff=True)
    cohort = old.get_model("cohorts", "Cohort").objects.create(
        name="Old cohort", slug="old-cohort", start_date=date(2026, 1, 6), training_weekday=1, status="finished"
    )
    enrolment = old.get_model("cohorts", "Enrolment").objects.create(
        cohort=cohort, officer_id=officer.pk, organisation_id=org.pk, status="completed"
    )
    old.get_model("cohorts", "Graduation").objects.create(
        enrolment=enrolment, graduated_on=date(2026, 3, 31), verification_token="token-1", recorded_by_id=staff.pk
    )
    old.get_model("cohorts", "TrainerStep").objects.create(
        graduate_id=officer.pk,
        kind="co_facilitator",
        happened_on=date(2026, 5, 5),
        note="Week 3",
        recorded_by_id=staff.pk,
    )
    old.get_model("cohorts", "CascadeSession").objects.create(
        graduate_id=officer.pk,
        organisation_id=org.pk,
        delivered_on=date(2026, 6, 1),
        topic="Fuzzy matching",
        format="workshop",
        length_minutes=90,
        colleagues_reached=12,
        attendee_emails=["a@example.org"],
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    organisation = Organisation.objects.get(slug="test-borough")
    assert (organisation.name, organisation.gss_code) == ("Test borough", "E09999999")
    assert User.objects.get(email="grad@example.org").organisation == organisation
    moved = Enrolment.objects.get(cohort=Cohort.objects.get(slug="old-cohort"))
    assert (moved.organisation, moved.status) == (organisation, "completed")
    graduation = Graduation.objects.get(enrolment=moved)
    assert (graduation.graduated_on, graduation.verification_token) == (date(2026, 3, 31), "token-1")
    assert graduation.recorded_by.email == "staff@example.org"
    assert list(TrainerStep.objects.values_list("graduate__email", "kind", "note")) == [
        ("grad@example.org", "co_facilitator", "Week 3")
    ]
    session = CascadeSession.objects.get()
    assert (session.organisation, session.colleagues_reached, session.attendee_emails) == (
        organisation,
        12,
        ["a@example.org"],
    )
    assert list(organisation.cascade_sessions.all()) == [session]
