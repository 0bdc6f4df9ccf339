"""Benchmark: suggested allocations for 200 officers and 40 mentors (issue 17's target: under 2 s).

Two problems, both solved exactly by scipy's linear_sum_assignment, on in-memory objects (no
database: the page's reads are a fixed handful of queries, measured by the tests):
- mentors: 200 one-officer projects (the most rows a cohort of 200 can have) x 40 mentors, each
  replicated by a capacity of 5 (200 seats); every pair is scored on the real criteria;
- teams: 200 officers without a project x 50 project teams with room for 4.

Run: .venv/bin/python benchmarks/allocations.py  (needs only the venv; DATABASE_URL may be anything).
"""

import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotibootcamp.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("REDIS_URL", "")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import scipy  # noqa: E402

from accounts.models import User  # noqa: E402
from mentoring.models import Expertise  # noqa: E402
from projects.models import Dataset, Project  # noqa: E402
from trainers import allocations  # noqa: E402

OFFICERS, MENTORS, CAPACITY, TEAMS = 200, 40, 5, 50
RUNS = 5


def build(rng: random.Random):
    approaches = Project.MatchingApproach.values
    tools = ["Python, pandas", "R", "Python, Splink", "SQL", "Python, Git"]
    needs = []
    for number in range(OFFICERS):
        project = Project(pk=number + 1, title=f"Project {number}", problem_statement="Match housing and council tax")
        project.matching_approach = rng.choice(approaches)
        project.tools = rng.choice(tools)
        project.lead_mentor_id = None
        project.dataset_list = [Dataset(name="Council tax", holds_personal_data=rng.random() < 0.7)]
        project.officer_list = []
        organisations = {rng.randint(1, 34)} | ({rng.randint(1, 34)} if rng.random() < 0.3 else set())
        needs.append(
            allocations.ProjectNeeds(
                project=project,
                methods=allocations.project_methods(project),
                organisation_ids=organisations,
                shares_data=len(organisations) > 1,
            )
        )
    codes = Expertise.values
    offers = [
        allocations.MentorOffer(
            mentor=User(pk=10_000 + number, full_name=f"Mentor {number}", organisation_id=rng.randint(1, 40)),
            expertise=set(rng.sample(codes, 4)),
            capacity=CAPACITY,
            available_days=rng.randint(6, 12),
            training_days=12,
        )
        for number in range(MENTORS)
    ]
    return needs, offers


def main() -> None:
    rng = random.Random(17)
    needs, offers = build(rng)
    mentor_times, team_times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        lines = allocations.suggest_mentors(needs, offers)
        mentor_times.append(time.perf_counter() - start)
        scores = np.array([[rng.random() * 10 for _ in range(TEAMS)] for _ in range(OFFICERS)])
        start = time.perf_counter()
        placed = allocations.solve(scores, [4] * TEAMS)
        team_times.append(time.perf_counter() - start)
    assert all(line.mentor is not None for line in lines), "every project should get a mentor"
    assert sum(1 for column in placed if column is not None) == OFFICERS
    loads: dict[int, int] = {}
    for line in lines:
        loads[line.mentor.pk] = loads.get(line.mentor.pk, 0) + 1
    print(
        f"python {platform.python_version()}, scipy {scipy.__version__}, numpy {np.__version__}, {os.cpu_count()} cores"
    )
    print(
        f"mentors: {OFFICERS} projects x {MENTORS} mentors (capacity {CAPACITY}): "
        f"median {sorted(mentor_times)[RUNS // 2]:.3f} s, worst {max(mentor_times):.3f} s "
        f"(scoring {OFFICERS * MENTORS} pairs and solving); busiest mentor {max(loads.values())} projects"
    )
    print(
        f"teams: {OFFICERS} officers x {TEAMS} teams (room 4): "
        f"median {sorted(team_times)[RUNS // 2]:.3f} s, worst {max(team_times):.3f} s (solving only)"
    )
    total = max(mentor_times) + max(team_times)
    print(f"worst total {total:.3f} s: {'within' if total < 2 else 'OVER'} the 2 s target")


if __name__ == "__main__":
    main()
