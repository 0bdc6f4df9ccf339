"""Information governance with four eyes, from the user's side: each way the old app let a project
self-certify is now refused on the page a user would meet it."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.models import User
from notifications.models import Message
from projects import services
from projects.models import Dataset, IGCheck, Milestone, Project
from tests.factories import ProjectFactory, StaffFactory
from tests.projects.ig_evidence import confirm_all, record, record_all

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "status": "approved",
    "approver_name": "Grace Adeyemi",
    "approver_role": "Data Protection Officer",
    "approver_email": "dpo@council.example",
    "decided_on_0": "5",
    "decided_on_1": "1",
    "decided_on_2": "2026",
    "reference": "DPIA-2026-014",
    "document_url": "https://sharepoint.example/dpia.pdf",
    "reason": "",
    "note": "",
}


def data_access(project) -> Milestone:
    return project.milestones.get(needs_ig_approval=True)


def html(response) -> str:
    return response.content.decode()


def link_in(message: Message) -> str:
    return re.search(r"https?://[^/\s]+(/projects/ig/confirm/[^\s]+/)", message.body_text).group(1)


def test_officer_records_an_approval_and_the_approver_is_emailed_a_link(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/ig/dpia/", EVIDENCE, follow=True)
    assert "We have emailed dpo@council.example to confirm it." in html(response)
    assert "Approved, waiting for confirmation" in html(response)
    message = Message.objects.get(kind="ig_confirmation_request")
    assert message.to_email == "dpo@council.example"
    assert message.subject == f"Please confirm the Data protection impact assessment (DPIA) for {project.title}"
    assert link_in(message).startswith("/projects/ig/confirm/")


def test_officer_cannot_mark_a_dpia_not_needed_while_a_dataset_holds_personal_data(client):
    project = ProjectFactory()
    Dataset.objects.create(
        project=project, name="Register", owning_service="Housing", holds_personal_data=True, approximate_records=9
    )
    client.force_login(project.officers.get())
    data = {**EVIDENCE, "status": "not_needed", "reason": "Low risk"}
    response = client.post(f"/projects/{project.pk}/ig/dpia/", data)
    assert response.status_code == 200
    assert "There is a problem" in html(response)
    assert escape("A DPIA is needed while any of the project’s datasets holds personal data") in html(response)
    assert IGCheck.objects.get(project=project, kind="dpia").status == "not_started"


def test_officer_cannot_mark_a_check_not_needed_without_a_reason(client):
    project = ProjectFactory()
    client.force_login(project.officers.get())
    response = client.post(f"/projects/{project.pk}/ig/ethics/", {"status": "not_needed", "reason": " "})
    assert "Enter why it is not needed" in html(response)
    assert IGCheck.objects.get(project=project, kind="ethics").status == "not_started"


def test_officer_cannot_complete_data_access_on_their_own_claims(client):
    project = ProjectFactory()
    record_all(project)
    client.force_login(project.officers.get())
    url = f"/projects/{project.pk}/milestones/{data_access(project).pk}/"
    response = client.post(url, {"note": "All three approved"})
    assert "This milestone cannot be completed until these checks are confirmed" in html(response)
    assert data_access(project).state == Milestone.State.NOT_STARTED


def test_officer_cannot_confirm_their_own_check(client):
    project = ProjectFactory()
    record(project.ig_checks.get(kind="dpia"), project.officers.get())
    client.force_login(project.officers.get())
    url = f"/projects/{project.pk}/ig/dpia/review/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    assert "Confirm or reject" not in html(client.get(f"/projects/{project.pk}/"))
    assert IGCheck.objects.get(project=project, kind="dpia").confirmation == "waiting"


def test_staff_confirm_from_their_queue_and_data_access_opens(client):
    project = ProjectFactory()
    record_all(project)
    staff = StaffFactory()
    client.force_login(staff)
    home = html(client.get("/"))
    assert "Information governance waiting for confirmation" in home
    assert "3 checks waiting for confirmation" in home
    queue = html(client.get("/projects/ig/waiting/"))
    review = f"/projects/{project.pk}/ig/dpia/review/?from=queue"
    assert escape(review) in queue
    response = client.post(review, {"decision": "reject"})
    assert "Enter why it is rejected" in html(response)
    response = client.post(review, {"decision": "confirm", "review_note": "Seen the signed copy"})
    assert response["Location"] == "/projects/ig/waiting/"
    for kind in ("data_sharing", "ethics"):
        client.post(f"/projects/{project.pk}/ig/{kind}/review/", {"decision": "confirm"})
    assert set(project.ig_checks.values_list("confirmation", flat=True)) == {"confirmed"}
    assert "No checks are waiting for confirmation." in html(client.get("/projects/ig/waiting/"))

    client.force_login(project.officers.get())
    url = f"/projects/{project.pk}/milestones/{data_access(project).pk}/"
    assert client.post(url, {"note": "Access granted"}).status_code == 302
    assert data_access(project).state == Milestone.State.DONE
    page = html(client.get(f"/projects/{project.pk}/"))
    assert escape(f"{staff.full_name} ({staff.email})") in page
    # 3 recorded, 2 links emailed (the "not needed" named nobody to email), 3 confirmed
    assert "Information-governance history (8 changes)" in page


def test_staff_reopen_a_confirmed_check_and_the_project_shows_why(client):
    project = ProjectFactory()
    staff = StaffFactory()
    confirm_all(project, staff)
    services.milestone_mark_done(milestone=data_access(project), officer=project.officers.get(), note="Done")
    client.force_login(StaffFactory())
    url = f"/projects/{project.pk}/ig/data_sharing/review/"
    assert "Reopen the Data sharing agreement" in html(client.get(url))
    assert client.post(url, {"reason": "The agreement expired in March"}).status_code == 302
    client.force_login(project.officers.get())
    page = html(client.get(f"/projects/{project.pk}/"))
    assert "Data access is not approved" in page
    assert "Reopened because the Data sharing agreement was reopened: The agreement expired in March" in page
    assert data_access(project).state == Milestone.State.SENT_BACK
    told = Message.objects.filter(kind="ig_check_reopened").values_list("to_email", flat=True)
    assert sorted(told) == sorted([project.officers.get().email, project.lead_mentor.email])


def test_approver_link_works_once(client):
    project = ProjectFactory()
    record(project.ig_checks.get(kind="dpia"), project.officers.get())
    link = link_in(Message.objects.get(kind="ig_confirmation_request"))
    page = html(client.get(link))  # no account, not signed in
    assert "Did you approve this Data protection impact assessment (DPIA)?" in page
    assert "DPIA-2026-014" in page
    assert "Select whether you confirm or reject it" in html(client.post(link, {}))
    done = client.post(link, {"decision": "confirm"})
    assert "Decision recorded" in html(done)
    check = IGCheck.objects.get(project=project, kind="dpia")
    assert (check.confirmation, check.reviewed_by_label) == (
        "confirmed",
        "Grace Adeyemi, Data Protection Officer (dpo@council.example), by emailed link",
    )
    again = client.get(link)
    assert again.status_code == 400
    assert "A decision has already been recorded" in html(again)
    assert client.post(link, {"decision": "reject", "review_note": "No"}).status_code == 400
    assert IGCheck.objects.get(pk=check.pk).confirmation == "confirmed"


def test_approver_link_expires_after_14_days(client):
    project = ProjectFactory()
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=UTC), tick=False):
        record(project.ig_checks.get(kind="dpia"), project.officers.get())
    link = link_in(Message.objects.get(kind="ig_confirmation_request"))
    with time_machine.travel(datetime(2026, 2, 16, 10, 1, tzinfo=UTC), tick=False):
        response = client.post(link, {"decision": "confirm"})
    assert response.status_code == 400
    assert "The link is more than 14 days old, so it has expired." in html(response)
    assert IGCheck.objects.get(project=project, kind="dpia").confirmation == "waiting"


def test_tampered_approver_link_gets_a_clear_page(client):
    response = client.get("/projects/ig/confirm/not-a-real-token/")
    assert response.status_code == 400
    assert "The link is not complete or has been changed." in html(response)


def test_moving_a_confirmed_dpia_back_to_in_progress_reopens_data_access(client):
    project = ProjectFactory()
    confirm_all(project, StaffFactory())
    services.milestone_mark_done(milestone=data_access(project), officer=project.officers.get(), note="Done")
    client.force_login(project.officers.get())
    data = {**EVIDENCE, "status": "in_progress"}
    assert client.post(f"/projects/{project.pk}/ig/dpia/", data).status_code == 302
    assert data_access(project).state == Milestone.State.SENT_BACK
    page = html(client.get(f"/projects/{project.pk}/"))
    assert "Data access is not approved" in page
    assert "Status: Approved to In progress" in page


def test_staff_queue_query_count_does_not_grow_with_rows(client):
    record_all(ProjectFactory())
    client.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as one:
        assert client.get("/projects/ig/waiting/").status_code == 200
    for _ in range(3):
        record_all(ProjectFactory())
    with CaptureQueriesContext(connection) as many:
        assert "12 checks waiting for confirmation" in html(client.get("/projects/ig/waiting/"))
    assert len(many) == len(one)


def test_demo_officer_cannot_complete_data_access_and_staff_see_the_queue(client):
    call_command("seed_demo", verbosity=0)
    officer = User.objects.get(email="officer@example.org")
    project = Project.objects.get(title="Households at risk of homelessness")
    milestone = data_access(project)
    assert milestone.state == Milestone.State.SENT_BACK
    client.force_login(officer)
    page = html(client.get(f"/projects/{project.pk}/"))
    assert "Data access is not approved" in page
    assert "benefit flags" in page
    response = client.post(f"/projects/{project.pk}/milestones/{milestone.pk}/", {"note": "Done it"})
    assert "This milestone cannot be completed until these checks are confirmed" in html(response)
    assert data_access(project).state == Milestone.State.SENT_BACK

    client.force_login(User.objects.get(email="staff@example.org"))
    home = html(client.get("/"))
    assert "Information governance waiting for confirmation" in home
    assert "Households at risk of homelessness" in home
    waiting = IGCheck.objects.filter(confirmation="waiting").count()
    confirmed = IGCheck.objects.filter(confirmation="confirmed", project__cohort__slug="pilot").count()
    assert waiting >= 3 and confirmed >= 20
