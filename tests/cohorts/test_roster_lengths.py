"""A roster value longer than the column it is saved in is an error on its row, in the preview and
when the import is confirmed; it never fails the request or saves part of the file."""

import pytest

from accounts.models import User
from cohorts import services
from tests.factories import CohortFactory, StaffFactory

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,organisation,job_title,stream\n"


def roster(*, email="long@example.org", name="Lena Long", job="Analyst") -> str:
    return HEADER + f"ok@example.org,Oscar Ok,Camden,Analyst,\n{email},{name},Camden,{job},\n"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "N" * 151}, "row 3: full name must be 150 characters or fewer"),
        ({"job": "J" * 151}, "row 3: job title must be 150 characters or fewer"),
        ({"email": "e" * 60 + "@" + "d" * 190 + ".org"}, "row 3: email must be 254 characters or fewer"),
    ],
)
def test_a_value_too_long_for_its_column_is_an_error_on_its_row_and_nothing_is_saved(fields, error):
    cohort = CohortFactory()
    result = services.roster_import(cohort=cohort, content=roster(**fields), actor=StaffFactory())
    assert error in result.errors
    assert not result.saved
    assert cohort.enrolments.count() == 0
    assert not User.objects.filter(email="ok@example.org").exists()


def test_a_value_at_its_column_s_length_is_imported():
    cohort = CohortFactory()
    result = services.roster_import(cohort=cohort, content=roster(name="N" * 150, job="J" * 150), actor=None)
    assert (result.saved, result.errors) == (True, [])
    assert User.objects.get(email="long@example.org").full_name == "N" * 150


def test_confirming_a_roster_with_a_long_name_shows_the_row_error_not_a_failure(client):
    cohort = CohortFactory()
    client.force_login(StaffFactory())
    response = client.post(f"/cohorts/{cohort.slug}/roster/import/", {"content": roster(name="N" * 200)})
    assert response.status_code == 200
    assert "Row 3: full name must be 150 characters or fewer" in response.content.decode()
    assert cohort.enrolments.count() == 0
