import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises.models import Submission

pytestmark = pytest.mark.django_db


def test_export_exercise_truth_writes_the_true_pairs(exercise, capsys, tmp_path):
    call_command("export_exercise_truth", exercise.slug)
    assert capsys.readouterr().out == "\ufeffleft_id,right_id\r\nL1,R1\r\nL2,R2\r\nL3,R3\r\n"
    out = tmp_path / "truth.csv"
    call_command("export_exercise_truth", exercise.slug, "--out", str(out))
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["left_id,right_id", "L1,R1", "L2,R2", "L3,R3"]


def test_score_pairs_prints_one_json_object(exercise, capsys, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("left_id,right_id\nL1,R1\nR2,L2\nL4,R4\n")
    call_command("score_pairs", exercise.slug, str(pairs))
    assert json.loads(capsys.readouterr().out) == {
        "tp": 2,
        "fp": 1,
        "fn": 1,
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
    }
    assert Submission.objects.count() == 0


def test_score_pairs_exits_1_with_row_errors_for_a_bad_file(exercise, capsys, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("left_id,right_id\nL1,R1\nL1,R1\nL8,R1\n")
    with pytest.raises(CommandError) as caught:
        call_command("score_pairs", exercise.slug, str(pairs))
    assert caught.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "Row 3: repeats the pair on row 2",
        "Row 4: left_id L8 is not in the left file",
    ]


def test_score_pairs_exits_1_from_the_command_line(exercise, tmp_path):
    import os
    import subprocess
    import sys

    from django.db import connection

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("wrong,columns\n")
    # The command runs in its own process, so it is pointed at the test database (the one the
    # environment names is not migrated in CI); an in-memory SQLite one cannot be shared, so it gets a file.
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "score_pairs", "no-such-exercise", str(pairs)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert "No exercise with the slug 'no-such-exercise'" in done.stderr
