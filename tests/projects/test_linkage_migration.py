"""Migrations 0006_linkage_run_counts and 0007_linkage_runs_self_reported keep every typed figure and are
honest about it: a run recorded before counts existed becomes self-reported, never measured."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import LinkageRun

BEFORE = [("projects", "0005_progresslog_latest_index")]


@pytest.fixture
def before_counts(transactional_db):
    executor = MigrationExecutor(connection)
    targets = BEFORE + [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "projects"]
    executor.migrate(targets)
    executor.loader.build_graph()
    yield executor.loader.project_state(targets).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every later test needs today's schema


def test_typed_quality_figures_are_kept_and_marked_self_reported(before_counts):
    old = before_counts
    cohort = old.get_model("cohorts", "Cohort").objects.create(
        name="Old cohort", slug="old-cohort", start_date=date(2026, 1, 6), training_weekday=1, status="running"
    )
    project = old.get_model("projects", "Project").objects.create(cohort=cohort, title="Old", problem_statement="P")
    # The run from issue 14: 10 x 10 records, a million candidate pairs, nothing reviewed, perfect figures.
    old.get_model("projects", "LinkageRun").objects.create(
        project=project, run_on=date(2026, 2, 1), records_left=10, records_right=10, candidate_pairs=1_000_000,
        matches_accepted=900_000, sample_size=0, precision=Decimal("1.000"), recall=Decimal("1.000"),
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    run = LinkageRun.objects.get(project_id=project.pk)
    assert run.quality == "self_reported"
    assert (run.reported_precision, run.reported_recall) == (Decimal("1.000"), Decimal("1.000"))
    assert (run.candidate_pairs, run.matches_accepted, run.sample_size) == (1_000_000, 900_000, 0)
    assert run.sample_true_matches is None
    # Never shown or counted as measured.
    assert (run.precision, run.recall, run.f1, run.is_measured) == (None, None, None, False)
