"""Every address train the trainer had under /cohorts/ answers 301 with its new place under /trainers/."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from lotibootcamp.legacy_redirects import MOVED
from tests.factories import GraduationFactory, StaffFactory

pytestmark = pytest.mark.django_db

SAMPLE = {"int": 7, "str": "abc-123", "slug": "spring-2026"}


def _fill(route: str) -> tuple[str, dict]:
    kwargs = {name: SAMPLE[kind] for kind, name in re.findall(r"<(\w+):(\w+)>", route)}
    return re.sub(r"<(\w+):(\w+)>", lambda m: str(SAMPLE[m.group(1)]), route), kwargs


@pytest.mark.parametrize(("old", "new_name"), MOVED, ids=[new for _, new in MOVED])
def test_old_address_redirects_permanently_to_the_new_one(client, old, new_name):
    path, kwargs = _fill(old)
    response = client.get(f"/cohorts/{path}?measure=graduates")
    assert response.status_code == 301
    assert response["Location"] == reverse(new_name, kwargs=kwargs) + "?measure=graduates"
    assert reverse(new_name, kwargs=kwargs).startswith("/trainers/")


def test_every_train_the_trainer_page_has_an_old_address():
    moved = {new for _, new in MOVED}
    from trainers.urls import urlpatterns

    # Pages made under /trainers/ after the move (issue 17) never had an old address.
    born_here = {
        f"trainers:{name}"
        for name in (
            "impact_skills",
            "feedback_overview",
            "feedback_session",
            "feedback_cohort",
            "self_assessment",
            "skill_statements_edit",
            "allocations_suggest",
            "allocations_confirm",
        )
    }
    assert {f"trainers:{p.name}" for p in urlpatterns} - moved - born_here == {"trainers:cascade_session_verify"}


def test_an_emailed_certificate_link_still_verifies_without_signing_in(client):
    graduation = GraduationFactory()
    response = client.get(f"/cohorts/impact/verify/{graduation.verification_token}/", follow=True)
    assert response.redirect_chain == [(f"/trainers/verify/{graduation.verification_token}/", 301)]
    assert response.status_code == 200
    assert escape(graduation.enrolment.officer.full_name) in response.content.decode()


def test_the_old_address_of_a_post_only_button_is_not_kept(client):
    client.force_login(StaffFactory())
    assert client.post("/cohorts/impact/sessions/1/verify/").status_code == 404
