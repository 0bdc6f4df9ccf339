"""The layout holds: the dependency order is enforced by import-linter, and no module grows past the
size where it should become a package (docs/architecture.md)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "api",
    "home",
    "trainers",
    "projects",
    "mentoring",
    "exercises",
    "cohorts",
    "notifications",
    "accounts",
    "audit",
    "common",
    "lotibootcamp",
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, env={"PYTHONPATH": str(cwd)}
    )


def _copy_of_the_tree(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_dependency_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers_contract_by_name(tmp_path):
    tree = _copy_of_the_tree(tmp_path)
    with (tree / "accounts" / "models.py").open("a") as models:
        models.write("\nfrom projects import models as project_models  # noqa\n")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert "Apps depend downwards only" in result.stdout
    assert "accounts.models -> projects.models" in result.stdout


def test_two_modules_that_import_each_other_break_the_cycle_contract(tmp_path):
    tree = _copy_of_the_tree(tmp_path)
    with (tree / "cohorts" / "models.py").open("a") as models:
        models.write("\nfrom cohorts import selectors  # noqa\n")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert "No cycles are allowed in cohorts" in result.stdout


def test_no_python_module_outside_migrations_passes_500_lines():
    long = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "var", "node_modules"} or "migrations" in parts:
            continue
        lines = len(path.read_text().splitlines())
        if lines > 500:
            long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert long == []
