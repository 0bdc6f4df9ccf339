"""The graduates page does work that stays flat as a programme's history grows (issue 16): the same
queries and the same model instances built (counted with a post_init receiver), however many
cascade sessions and pathway steps are behind its figures, and 50 graduates a page however many
have graduated."""

import re
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from tests.factories import CascadeSessionFactory, GraduationFactory, StaffFactory, TrainerStepFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<td data-label="Graduate" class="govuk-table__cell"><a class="govuk-link" href="/trainers/graduates/(\d+)/">'
    r".*?<strong [^>]*>(.*?)</strong></td>\s*"
    r'<td data-label="Sessions" [^>]*>(\d+)</td>\s*<td data-label="Colleagues reached" [^>]*>(\d+)</td>',
    re.S,
)


@contextmanager
def instances_built():
    built: Counter[str] = Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count, weak=False)
    try:
        yield built
    finally:
        post_init.disconnect(count)


def page_cost(client, url):
    with instances_built() as built, CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), built, response.content.decode()


def rows_of(page) -> dict[int, tuple[str, int, int]]:
    """Each graduate's row: pathway step, sessions, colleagues reached."""
    return {int(pk): (stage, int(sessions), int(reached)) for pk, stage, sessions, reached in ROW.findall(page)}


def test_graduates_page_builds_the_same_instances_for_one_session_or_many(client):
    officer = GraduationFactory().enrolment.officer
    CascadeSessionFactory(graduate=officer, colleagues_reached=5)
    other = GraduationFactory().enrolment.officer
    client.force_login(StaffFactory())
    queries, built, page = page_cost(client, "/trainers/graduates/")
    assert rows_of(page) == {officer.pk: ("Graduate", 1, 5), other.pk: ("Graduate", 0, 0)}
    CascadeSessionFactory.create_batch(30, graduate=officer, colleagues_reached=2)
    TrainerStepFactory(graduate=officer, kind="co_facilitator")
    TrainerStepFactory(graduate=officer, kind="trainer")
    TrainerStepFactory(graduate=other, kind="co_facilitator")
    CascadeSessionFactory.create_batch(12, graduate=other, colleagues_reached=1)
    more_queries, more_built, page = page_cost(client, "/trainers/graduates/")
    assert (more_queries, more_built) == (queries, built)
    assert "CascadeSession" not in built and "TrainerStep" not in built
    assert rows_of(page) == {officer.pk: ("Trainer", 31, 65), other.pk: ("Co-facilitator", 12, 12)}


def test_graduates_page_lists_50_a_page_by_name(client):
    # Made in reverse order of name, with names that sort the same in any collation.
    made = {
        n: GraduationFactory(enrolment__officer__full_name=f"Graduate {n:02}").enrolment.officer
        for n in range(52, -1, -1)
    }
    graduates = [made[n] for n in range(53)]
    client.force_login(StaffFactory())
    first_queries, first_built, first = page_cost(client, "/trainers/graduates/")
    second_queries, _, second = page_cost(client, "/trainers/graduates/?page=2")
    assert list(rows_of(first)) == [officer.pk for officer in graduates[:50]]
    assert list(rows_of(second)) == [officer.pk for officer in graduates[50:]]
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first_queries == second_queries
    assert first_built["Graduation"] == 50
