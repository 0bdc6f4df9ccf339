"""Every CSV download and export command is safe to open in a spreadsheet: a cell an officer typed that
starts with =, +, -, @, tab or carriage return comes out with a leading apostrophe (OWASP), files carry
a UTF-8 byte order mark and CRLF line ends, and a roster we exported imports with the values as typed."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cohorts import exports, services
from common.csvfile import FORMULA_TRIGGERS, csv_cell, csv_value
from tests.exercises.conftest import hand_exercise
from tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    MentorFactory,
    OfficerFactory,
    ProjectFactory,
    StaffFactory,
    TrainingSessionFactory,
    borough,
)
from tests.platform.test_url_access import PATTERNS

pytestmark = pytest.mark.django_db

# The payloads of issue 12, and one for each trigger character OWASP lists.
PAYLOADS = [
    "+cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.example","y")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NAME, TITLE, JOB, ORGANISATION = PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3]


def hostile_data():
    """A held session, an officer, a project and a London authority, each named by a payload."""
    officer = OfficerFactory(full_name=NAME, organisation=borough("Camden"))
    held = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(starts_at=held, ends_at=held + timedelta(hours=2))
    cohort = session.cohort
    enrolment = EnrolmentFactory(cohort=cohort, officer=officer, job_title=JOB)
    AttendanceFactory(session=session, enrolment=enrolment)
    ProjectFactory(cohort=cohort, title=TITLE, officers=[officer], lead_mentor=MentorFactory(full_name=PAYLOADS[4]))
    lewisham = borough("Lewisham")
    lewisham.name = ORGANISATION
    lewisham.save()
    EnrolmentFactory(cohort=cohort, officer=OfficerFactory(full_name=PAYLOADS[5], organisation=lewisham))
    # A practice exercise's files: synthetic residents, one named by a payload, under the cohort's slug.
    exercise = hand_exercise(cohort=cohort, slug=cohort.slug)
    exercise.records.filter(record_id__in=["L1", "R1"]).update(surname=PAYLOADS[1])
    return cohort


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row]


def assert_safe(text: str, where: str) -> set[str]:
    """The file's shape, and no cell a spreadsheet would run. Returns the payloads found (neutralised)."""
    assert text.startswith("\ufeff"), f"{where}: no byte order mark"
    assert re.search(r"(?<!\r)\n", text) is None, f"{where}: a line ends without CRLF"
    found = cells(text)
    assert [cell for cell in found if cell.startswith(FORMULA_TRIGGERS)] == [], where
    return {cell[1:] for cell in found if cell[1:] in PAYLOADS and cell.startswith("'")}


# Old addresses that only redirect (lotibootcamp/legacy_redirects.py) are not downloads of their own.
CSV_PATTERNS = [(name, route) for name, route, _ in PATTERNS if route.endswith(".csv") and ":" in name]


def test_every_csv_download_is_walked():
    names = {name.split(":")[1] for name, _ in CSV_PATTERNS}
    assert {"roster_export", "attendance_export", "cohort_projects_csv", "impact_export"} <= names


@pytest.mark.parametrize(("name", "route"), CSV_PATTERNS, ids=[name for name, _ in CSV_PATTERNS])
def test_csv_download_neutralises_formula_cells(client, name, route):
    cohort = hostile_data()
    client.force_login(StaffFactory())
    response = client.get("/" + route.replace("<slug:slug>", cohort.slug).replace("<str:side>", "left"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    found = assert_safe(response.content.decode("utf-8"), name)
    assert found, f"{name}: none of the payloads reached the file"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("export_roster", {NAME, JOB, PAYLOADS[5]}),
        ("export_progress", {NAME, TITLE, PAYLOADS[4]}),
        ("export_impact", {ORGANISATION}),
    ],
)
def test_export_command_neutralises_formula_cells(command, expected):
    cohort = hostile_data()
    out = io.StringIO()
    call_command(command, *([] if command == "export_impact" else [cohort.slug]), stdout=out)
    assert assert_safe(out.getvalue(), command) >= expected


def test_csv_cell_neutralises_each_payload_and_leaves_numbers_alone():
    assert [csv_cell(payload) for payload in PAYLOADS] == ["'" + payload for payload in PAYLOADS]
    assert [csv_cell(value) for value in (-3, 2.5, None, "Camden", "O'Brien", "75%")] == [
        "-3",
        "2.5",
        "",
        "Camden",
        "O'Brien",
        "75%",
    ]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 \""), max_size=8) | st.text(max_size=12))
def test_csv_value_undoes_csv_cell_for_any_text(value):
    assert csv_value(csv_cell(value)) == value
    assert not csv_cell(value).startswith(FORMULA_TRIGGERS)


def test_roster_round_trip_keeps_values_as_typed():
    cohort = hostile_data()
    exported = exports.roster_csv(cohort).encode("utf-8")
    other = CohortFactory(capacity=30)
    result = services.roster_import(cohort=other, content=exported, actor=None)
    assert result.errors == []
    assert sorted(other.enrolments.values_list("officer__full_name", "job_title")) == sorted(
        cohort.enrolments.values_list("officer__full_name", "job_title")
    )
    assert (NAME, JOB) in set(other.enrolments.values_list("officer__full_name", "job_title"))


def test_roster_import_keeps_a_formula_as_typed_for_a_new_officer():
    cohort = CohortFactory(capacity=30)
    typed = io.StringIO()
    csv.writer(typed).writerows(
        [["email", "full_name", "organisation", "job_title"], ["new@example.org", TITLE, "Camden", JOB]]
    )
    content = typed.getvalue()
    result = services.roster_import(cohort=cohort, content=content.encode("utf-8-sig"), actor=None)
    assert result.errors == []
    assert list(cohort.enrolments.values_list("officer__full_name", "job_title")) == [(TITLE, JOB)]
