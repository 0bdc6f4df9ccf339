"""Migrations 0003_ig_four_eyes and 0004_ig_self_reported_claims_wait keep every IG check and are
honest about the old ones: an "approved" or "not needed" set by the project itself becomes a claim
waiting for confirmation, with a history row."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import IGCheck, IGCheckEvent, Milestone

BEFORE = [("projects", "0002_data_matching_plan")]


@pytest.fixture
def before_four_eyes(transactional_db):
    executor = MigrationExecutor(connection)
    # Every other app stays at its latest migration, so the models of that time match the tables.
    targets = BEFORE + [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "projects"]
    executor.migrate(targets)
    executor.loader.build_graph()
    yield executor.loader.project_state(targets).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every later test needs today's schema


def test_self_reported_ig_checks_wait_for_confirmation_after_the_migration(before_four_eyes):
    old = before_four_eyes
    cohort = old.get_model("cohorts", "Cohort").objects.create(
        name="Old cohort", slug="old-cohort", start_date=date(2026, 1, 6), training_weekday=1, status="running"
    )
    project = old.get_model("projects", "Project").objects.create(cohort=cohort, title="Old", problem_statement="P")
    check = old.get_model("projects", "IGCheck")
    check.objects.create(project=project, kind="dpia", status="approved", decided_on=date(2026, 1, 5), note="DPO")
    check.objects.create(project=project, kind="data_sharing", status="in_progress")
    check.objects.create(project=project, kind="ethics", status="not_needed")
    old.get_model("projects", "Milestone").objects.create(
        project=project, title="Data access approved", due_week=3, due_on=date(2026, 1, 20), needs_ig_approval=True,
        state="signed_off",
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = IGCheck.objects.filter(project_id=project.pk).order_by("kind")
    assert list(rows.values_list("kind", "status", "confirmation", "decided_on", "note")) == [
        ("data_sharing", "in_progress", "none", None, ""),
        ("dpia", "approved", "waiting", date(2026, 1, 5), "DPO"),
        ("ethics", "not_needed", "waiting", None, ""),
    ]
    events = IGCheckEvent.objects.filter(ig_check__project_id=project.pk).order_by("ig_check__kind")
    assert [(e.ig_check.kind, e.action, e.to_confirmation) for e in events] == [
        ("dpia", "migrated", "waiting"),
        ("ethics", "migrated", "waiting"),
    ]
    assert events[0].actor_label == "Data migration projects 0004_ig_self_reported_claims_wait"
    # Work done on self-reported checks is kept as it was; the project page flags it.
    assert Milestone.objects.get(project_id=project.pk).state == "signed_off"
