import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cohorts.models import Cohort
from notifications.models import Message
from projects.models import IGCheck, LogComment, ProgressLog
from projects.weeks import current_week
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_officer_writes_a_weekly_log_and_the_mentor_comments(page):
    call_command("seed_demo", verbosity=0)
    # The log form offers this week: week 9 of the pilot, or week 10 on a Monday (the demo's pilot
    # starts eight weeks before the last Tuesday, which on a Monday is six days back).
    week = current_week(Cohort.objects.get(slug="pilot"))
    sign_in(page, "officer@example.org")
    page.wait_for_url("**/")
    assert_accessible(page, "projects-officer-home")
    page.get_by_role("link", name="Households at risk of homelessness").click()
    chart = "Measured precision and recall over linkage runs, with 95% intervals"
    expect(page.get_by_role("img", name=chart)).to_be_visible()
    assert_accessible(page, "projects-officer-project")

    page.get_by_role("link", name="Write your weekly log").first.click()
    page.get_by_role("button", name="Save log").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "projects-log-errors")
    page.get_by_label("What I did").fill("Re-ran the linkage with a lower threshold.")
    page.get_by_label("What’s next").fill("Present the findings.")
    page.get_by_label("Blockers").fill("Need a second clerical reviewer.")
    page.get_by_label("Amber – some problems").check()
    page.get_by_label("Hours spent this week").fill("7.5")
    page.get_by_role("button", name="Save log").click()
    expect(page.get_by_text(f"Your week {week} log has been saved")).to_be_visible()
    log = ProgressLog.objects.get(officer__email="officer@example.org", week_number=week)
    assert (log.rag_status, str(log.hours)) == ("amber", "7.5")
    sign_out(page)

    sign_in(page, "mentor@example.org")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Mentees’ projects").click()
    assert_accessible(page, "projects-mentor-list")
    page.get_by_role("link", name=f"Week {week}: Amara Johnson, Households at risk of homelessness").click()
    page.get_by_label("Add a comment").fill("Ask Ruth to second-review 50 pairs.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Your comment has been added")).to_be_visible()
    assert_accessible(page, "projects-log-thread")
    assert LogComment.objects.filter(log=log, author__email="mentor@example.org").count() == 1
    sign_out(page)

    sign_in(page, "staff@example.org")
    page.wait_for_url("**/")
    page.goto("/projects/cohort/pilot/?overdue=yes")
    expect(page.get_by_role("link", name="Hospital discharge and adult social care")).to_be_visible()
    assert_accessible(page, "projects-staff-cohort")


def test_staff_confirm_an_ig_check_from_the_queue_and_the_approver_uses_their_link_once(page):
    call_command("seed_demo", verbosity=0)
    sign_in(page, "staff@example.org")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Information governance waiting for confirmation")).to_be_visible()
    page.get_by_role("link", name="Checks waiting for confirmation").click()
    assert_accessible(page, "projects-ig-queue")
    ethics = IGCheck.objects.filter(confirmation="waiting", kind="ethics").select_related("project").first()
    page.get_by_role("link", name=f"Ethics review for {ethics.project.title}").click()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "projects-ig-review-errors")
    page.get_by_label("Confirm it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text(f"Ethics review for “{ethics.project.title}” has been confirmed.")).to_be_visible()
    assert IGCheck.objects.get(pk=ethics.pk).confirmation == "confirmed"
    sign_out(page)

    dpia = IGCheck.objects.get(project__title="Households at risk of homelessness", kind="dpia")
    message = Message.objects.get(dedup_key=f"ig_request:{dpia.pk}:{dpia.revision}")  # the link for today's evidence
    link = re.search(r"(/projects/ig/confirm/[^\s]+/)", message.body_text).group(1)
    page.goto(link)
    expect(
        page.get_by_role("heading", name="Did you approve this Data protection impact assessment (DPIA)?")
    ).to_be_visible()
    assert_accessible(page, "projects-ig-approver")
    page.get_by_label("Reject it").check()
    page.get_by_label("Note").fill("This is last year's DPIA; the new one is not signed yet.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    assert_accessible(page, "projects-ig-approver-done")
    page.goto(link)
    expect(page.get_by_role("heading", name="A decision has already been recorded")).to_be_visible()
    assert IGCheck.objects.get(pk=dpia.pk).confirmation == "rejected"

    sign_in(page, "officer@example.org")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Households at risk of homelessness").click()
    expect(page.get_by_text("Data access is not approved")).to_be_visible()
    page.get_by_text("Information-governance history").click()
    assert_accessible(page, "projects-ig-project-page")
