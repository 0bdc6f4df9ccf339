"""The retention schedule: the command (dry run and real), the nightly Celery job on a real worker, and
the privacy notice that states the schedule."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst

from audit.actions import Action
from audit.models import AuditEvent
from cohorts.models import Enrolment, EnrolmentEvent
from home import tasks
from home.retention import FAILED_SIGN_IN_DAYS, OUTBOX_BODY_DAYS, RULES, retention_apply
from notifications.models import Message
from tests.conftest import wait_for
from tests.factories import AttendanceFactory, CohortFactory, EnrolmentFactory, MessageFactory

pytestmark = pytest.mark.django_db


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *arguments, stdout=out)
    return out.getvalue()


def old_audit_row(label: str, age: timedelta) -> int:
    """An audit row written `age` ago (the table refuses UPDATE, so it is inserted with its time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, detail)"
            " VALUES (%s, %s, 'auth.sign_out', '', '', '', '{}') RETURNING id",
            [timezone.now() - age, label],
        )
        return cursor.fetchone()[0]


def sent_email(age: timedelta, **fields) -> Message:
    message = MessageFactory(status=Message.Status.SENT, sent_at=timezone.now() - age, **fields)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def sign_in_failure(age: timedelta) -> AccessAttempt:
    attempt = AccessAttempt.objects.create(
        user_agent="test", ip_address="192.0.2.1", username=f"{age.days}@example.org", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - age)
    return attempt


def session(expires_in: timedelta) -> str:
    key = f"retention-test-{expires_in.total_seconds():.0f}"
    Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)
    return key


def old_and_young_rows() -> dict:
    """For each rule, one row just past its period and one just inside it."""
    today = timezone.localdate()
    long_ago = CohortFactory(start_date=today - timedelta(days=400))
    recent = CohortFactory(start_date=today - timedelta(days=300))
    trained = AttendanceFactory(session__cohort=long_ago, enrolment__status=Enrolment.Status.WITHDRAWN).enrolment
    return {
        "unsuccessful_old": [
            EnrolmentFactory(cohort=long_ago, status=status).pk
            for status in (Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED, Enrolment.Status.WITHDRAWN)
        ],
        "applications_kept": [
            EnrolmentFactory(cohort=recent, status=Enrolment.Status.WAITLISTED).pk,
            EnrolmentFactory(cohort=long_ago, status=Enrolment.Status.COMPLETED).pk,
            trained.pk,  # withdrew after training began: the programme's figures count them
        ],
        "email_old": sent_email(timedelta(days=OUTBOX_BODY_DAYS + 1), body_text="Old body").pk,
        "email_young": sent_email(timedelta(days=OUTBOX_BODY_DAYS - 1), body_text="Young body").pk,
        "audit_old": old_audit_row("older@example.org", timedelta(days=365 * 6 + 10)),
        "audit_young": old_audit_row("younger@example.org", timedelta(days=365 * 6 - 10)),
        "session_old": session(-timedelta(minutes=1)),
        "session_young": session(timedelta(hours=1)),
        "failure_old": sign_in_failure(timedelta(days=FAILED_SIGN_IN_DAYS + 1)).pk,
        "failure_young": sign_in_failure(timedelta(days=FAILED_SIGN_IN_DAYS - 1)).pk,
    }


def assert_only_the_old_rows_went(rows: dict) -> None:
    assert not Enrolment.objects.filter(pk__in=rows["unsuccessful_old"]).exists()
    assert not EnrolmentEvent.objects.filter(enrolment_id__in=rows["unsuccessful_old"]).exists()
    assert set(Enrolment.objects.values_list("pk", flat=True)) == set(rows["applications_kept"])
    old, young = Message.objects.get(pk=rows["email_old"]), Message.objects.get(pk=rows["email_young"])
    assert (old.body_text, old.body_html, old.attachments) == ("", "", [])
    assert (old.to_email, old.kind, old.subject) != ("", "", "")  # who, when and what kind stay
    assert young.body_text == "Young body"
    assert not AuditEvent.objects.filter(pk=rows["audit_old"]).exists()
    assert AuditEvent.objects.filter(pk=rows["audit_young"]).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [rows["session_young"]]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [rows["failure_young"]]


def test_apply_retention_dry_run_on_the_demo_lists_what_would_go_and_deletes_nothing():
    call_command("seed_demo", verbosity=0)
    enrolments = set(Enrolment.objects.values_list("pk", flat=True))
    bodies = set(Message.objects.exclude(body_text="").values_list("pk", "body_text"))
    audit_rows = AuditEvent.objects.count()

    output = run("--dry-run")

    for rule in RULES:
        assert f"{rule.name} (kept {rule.keeps}): would remove " in output
    assert "unsuccessful applications (kept 12 months after the cohort starts): would remove 2" in output
    assert "outbox email bodies (kept 90 days after sending (who, when and what kind stay)): would remove 2" in output
    assert "Dry run: 4 in all." in output
    assert set(Enrolment.objects.values_list("pk", flat=True)) == enrolments
    assert set(Message.objects.exclude(body_text="").values_list("pk", "body_text")) == bodies
    assert AuditEvent.objects.count() == audit_rows
    assert not AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).exists()


def test_apply_retention_on_the_demo_removes_the_old_taster_applications_and_email_bodies():
    call_command("seed_demo", verbosity=0)

    output = run()

    assert "unsuccessful applications (kept 12 months after the cohort starts): removed 2" in output
    assert not Enrolment.objects.filter(cohort__slug="autumn-2024-taster").exists()
    assert not Message.objects.filter(dedup_key__startswith="demo-old-welcome:").exclude(body_text="").exists()
    assert Enrolment.objects.filter(cohort__slug="pilot", status=Enrolment.Status.SELECTED).count() == 15
    assert "Dry run: 0 in all." in run("--dry-run")


def test_apply_retention_deletes_exactly_the_rows_past_their_period():
    rows = old_and_young_rows()

    dry = run("--dry-run")
    assert "Dry run: 7 in all." in dry  # 3 applications, 1 body, 1 audit row, 1 session, 1 sign-in failure
    assert Enrolment.objects.filter(pk__in=rows["unsuccessful_old"]).count() == 3

    output = run()

    assert "unsuccessful applications (kept 12 months after the cohort starts): removed 3" in output
    assert "audit log rows (kept 6 years): removed 1" in output
    assert "7 in all." in output
    assert_only_the_old_rows_went(rows)
    event = AuditEvent.objects.get(action=Action.RETENTION_APPLIED)
    assert event.actor_label == "retention job"
    assert event.detail["counts"] == {
        "unsuccessful applications": 3,
        "outbox email bodies": 1,
        "audit log rows": 1,
        "expired sign-in sessions": 1,
        "failed sign-in records": 1,
    }


def test_retention_counts_from_the_day_it_runs():
    rows = old_and_young_rows()
    seven_years_on = timezone.now() + timedelta(days=366 * 7)

    # Seven years on, what was young is due too (except what still has attendance marks or a place).
    results = {result.rule.name: result.count for result in retention_apply(dry_run=True, now=seven_years_on)}

    assert results["unsuccessful applications"] == 4
    assert results["outbox email bodies"] == 2
    assert results["audit log rows"] == AuditEvent.objects.count()
    assert results["failed sign-in records"] == 2
    assert Enrolment.objects.filter(pk__in=rows["unsuccessful_old"]).count() == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_home_apply_retention_and_the_old_rows_go(celery_worker):
    rows = old_and_young_rows()

    tasks.apply_retention.delay()  # results are not kept (CELERY_TASK_IGNORE_RESULT): the rows tell

    assert wait_for(lambda: AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).exists(), timeout=30)
    assert AuditEvent.objects.get(action=Action.RETENTION_APPLIED).detail["counts"] == {
        "unsuccessful applications": 3,
        "outbox email bodies": 1,
        "audit log rows": 1,
        "expired sign-in sessions": 1,
        "failed sign-in records": 1,
    }
    assert_only_the_old_rows_went(rows)


def test_privacy_notice_states_each_retention_period_of_the_schedule(client):
    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    page = response.content.decode()
    for rule in RULES:
        assert escape(capfirst(rule.name)) in page
        assert escape(capfirst(rule.keeps)) in page
    assert "3 years after your cohort ends" not in page
