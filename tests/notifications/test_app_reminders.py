"""Reminders registered by cohorts and projects: each queued once at its London time by the beat task
(run at frozen times), cancelled when its cause goes away, essential or optional as documented."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from cohorts.models import Cohort, Enrolment
from cohorts.services import enrolment_withdraw, manager_decide, offer_accept
from notifications import tasks
from notifications.models import Message, Unsubscription
from projects.models import Milestone
from projects.services import milestone_mark_done, progress_log_create
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OfficerFactory,
    ProgressLogFactory,
    ProjectFactory,
    StaffFactory,
    TrainingSessionFactory,
)

from .conftest import london

# Tasks run in this process: nothing is left in the broker, and what is due is sent at once.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def dispatch_at(moment: datetime) -> dict:
    """The `dispatch-reminders` beat task, run at a frozen time; tasks run in this process."""
    with time_machine.travel(moment, tick=False):
        return tasks.dispatch_reminders.apply().get()


def rows(prefix: str) -> list[tuple[str, str, datetime | None]]:
    return sorted(
        (message.to_email, message.status, message.send_after)
        for message in Message.objects.filter(dedup_key__startswith=prefix)
    )


# --- line manager approval still missing after 3 working days -------------------------------------


def applied_at(moment: datetime, **fields) -> Enrolment:
    with time_machine.travel(moment, tick=False):
        return EnrolmentFactory(status=Enrolment.Status.APPLIED, line_manager_email="manager@example.org", **fields)


@pytest.mark.parametrize(
    ("requested", "chased_utc"),
    [
        # Wednesday: Thursday, Friday, Monday are the three working days; 09:00 BST.
        (london(date(2026, 6, 3), 14), datetime(2026, 6, 8, 8, 0, tzinfo=UTC)),
        # Thursday before the August bank holiday (Monday 31 August) is skipped.
        (london(date(2026, 8, 27), 11), datetime(2026, 9, 2, 8, 0, tzinfo=UTC)),
        # Asked in BST, chased after the clocks went back on Sunday 25 October: 09:00 GMT.
        (london(date(2026, 10, 21), 10), datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),
    ],
)
def test_approval_chase_goes_to_the_manager_once_after_three_working_days(requested, chased_utc):
    enrolment = applied_at(requested)
    dispatch_at(requested + timedelta(minutes=5))
    assert rows("approval-chase:") == [("manager@example.org", "queued", chased_utc)]

    dispatch_at(chased_utc - timedelta(minutes=5))
    assert mail.outbox == []
    dispatch_at(chased_utc)
    dispatch_at(chased_utc + timedelta(minutes=5))
    assert rows("approval-chase:") == [("manager@example.org", "sent", chased_utc)]
    assert [email.to for email in mail.outbox] == [["manager@example.org"]]
    assert (
        mail.outbox[0].subject
        == f"Reminder: can {enrolment.officer.full_name} join the Data Science Bootcamp one day a week?"
    )
    assert "/cohorts/manager/" in mail.outbox[0].body


def test_approval_chase_is_essential_and_cancelled_when_the_manager_decides():
    enrolment = applied_at(london(date(2026, 6, 3), 14))
    dispatch_at(london(date(2026, 6, 3), 15))
    message = Message.objects.get(dedup_key__startswith="approval-chase:")
    assert (message.is_essential, message.recipient, "List-Unsubscribe" in message.headers) == (True, None, False)

    with time_machine.travel(london(date(2026, 6, 5), 10), tick=False):
        manager_decide(enrolment=enrolment, approve=False)
    result = dispatch_at(london(date(2026, 6, 5), 10, 5))
    assert result["cancelled"] == 1
    assert rows("approval-chase:") == [("manager@example.org", "cancelled", london(date(2026, 6, 8), 9))]
    dispatch_at(london(date(2026, 6, 8), 9))
    assert mail.outbox == []


def test_approval_chase_is_cancelled_when_the_application_is_withdrawn():
    enrolment = applied_at(london(date(2026, 6, 3), 14))
    dispatch_at(london(date(2026, 6, 3), 15))
    enrolment_withdraw(enrolment=enrolment, actor=StaffFactory())
    dispatch_at(london(date(2026, 6, 4), 9))
    assert rows("approval-chase:") == [("manager@example.org", "cancelled", london(date(2026, 6, 8), 9))]


# --- waitlist place offered, with its deadline ----------------------------------------------------


def offer_made_at(moment: datetime) -> Enrolment:
    """A full cohort of one; the selected officer withdraws, so the waitlisted one is offered the place."""
    cohort = CohortFactory(capacity=1, status=Cohort.Status.RUNNING)
    leaving = EnrolmentFactory(cohort=cohort, manager_decision="approved")
    waiting = EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1, manager_decision="approved"
    )
    with time_machine.travel(moment, tick=False):
        enrolment_withdraw(enrolment=leaving, actor=StaffFactory())
    waiting.refresh_from_db()
    return waiting


def test_offer_deadline_reminder_is_sent_once_two_days_before_at_nine():
    offered = london(date(2026, 6, 4), 14, 30)
    enrolment = offer_made_at(offered)
    assert enrolment.offer_expires_at == london(date(2026, 6, 11), 14, 30)
    dispatch_at(offered + timedelta(minutes=5))
    officer = enrolment.officer.email
    assert rows("offer-deadline:") == [(officer, "queued", london(date(2026, 6, 9), 9))]
    # The offer itself went at once from cohorts; the reminder is only the nudge.
    assert Message.objects.filter(kind="place_offer").count() == 1

    dispatch_at(london(date(2026, 6, 9), 8, 55))
    assert Message.objects.get(kind="offer_deadline").status == "queued"
    dispatch_at(london(date(2026, 6, 9), 9))
    dispatch_at(london(date(2026, 6, 9), 9, 5))
    assert rows("offer-deadline:") == [(officer, "sent", london(date(2026, 6, 9), 9))]
    reminder = mail.outbox[-1]
    assert (reminder.to, reminder.subject) == ([officer], "Your bootcamp place offer ends Thursday 11 June")
    assert "2:30pm" in reminder.body
    assert "List-Unsubscribe" in reminder.extra_headers


def test_offer_deadline_reminder_is_cancelled_when_the_offer_is_accepted():
    enrolment = offer_made_at(london(date(2026, 6, 4), 14, 30))
    dispatch_at(london(date(2026, 6, 4), 15))
    with time_machine.travel(london(date(2026, 6, 5), 12), tick=False):
        offer_accept(enrolment=enrolment, officer=enrolment.officer)
    dispatch_at(london(date(2026, 6, 5), 12, 5))
    assert rows("offer-deadline:") == [(enrolment.officer.email, "cancelled", london(date(2026, 6, 9), 9))]


def test_offer_deadline_reminder_honours_unsubscribe_but_the_offer_does_not():
    cohort_officer = OfficerFactory()
    Unsubscription.objects.create(user=cohort_officer, kind="offer_deadline")
    cohort = CohortFactory(capacity=1, status=Cohort.Status.RUNNING)
    leaving = EnrolmentFactory(cohort=cohort, manager_decision="approved")
    EnrolmentFactory(
        cohort=cohort,
        officer=cohort_officer,
        status=Enrolment.Status.WAITLISTED,
        waitlist_position=1,
        manager_decision="approved",
    )
    with time_machine.travel(london(date(2026, 6, 4), 14, 30), tick=False):
        enrolment_withdraw(enrolment=leaving, actor=StaffFactory())
    dispatch_at(london(date(2026, 6, 9), 9))
    assert list(Message.objects.filter(recipient=cohort_officer).values_list("kind", flat=True)) == ["place_offer"]


# --- milestones -----------------------------------------------------------------------------------


def project_with_milestone(due_on: date, *, officers: int = 2):
    """A running cohort's project whose only open milestone is due on `due_on`."""
    cohort = CohortFactory(status=Cohort.Status.RUNNING, start_date=due_on - timedelta(weeks=4))
    team = [EnrolmentFactory(cohort=cohort).officer for _ in range(officers)]
    project = ProjectFactory(cohort=cohort, officers=team)
    milestone = project.milestones.first()
    project.milestones.exclude(pk=milestone.pk).update(state=Milestone.State.SIGNED_OFF)
    Milestone.objects.filter(pk=milestone.pk).update(due_on=due_on)
    milestone.refresh_from_db()
    return project, milestone, team


def test_milestone_due_and_overdue_reminders_go_once_at_nine_london():
    project, milestone, team = project_with_milestone(date(2026, 6, 11))
    mentor = project.lead_mentor
    due, overdue = london(date(2026, 6, 8), 9), london(date(2026, 6, 12), 9)
    dispatch_at(london(date(2026, 6, 7), 12))
    assert rows("milestone:") == sorted((officer.email, "queued", due) for officer in team)
    dispatch_at(london(date(2026, 6, 9), 12))  # each written three days before it is due
    assert rows("milestone:") == sorted(
        [(officer.email, "sent", due) for officer in team]
        + [(person.email, "queued", overdue) for person in [*team, mentor]]
    )
    assert sorted(email.to[0] for email in mail.outbox) == sorted(officer.email for officer in team)
    assert mail.outbox[0].subject == f"Due Thursday 11 June: {milestone.title}"

    dispatch_at(overdue - timedelta(minutes=5))
    assert len(mail.outbox) == 2
    dispatch_at(overdue)
    dispatch_at(overdue + timedelta(days=1))
    assert sorted(email.to[0] for email in mail.outbox[2:]) == sorted(p.email for p in [*team, mentor])
    mentor_email = next(email for email in mail.outbox if email.to == [mentor.email])
    assert mentor_email.subject == f"Overdue: {milestone.title} ({project.title})"
    assert Message.objects.filter(dedup_key__startswith="milestone:").exclude(status="sent").count() == 0


def test_milestone_reminders_are_cancelled_when_it_is_done():
    _, milestone, team = project_with_milestone(date(2026, 6, 11), officers=1)
    dispatch_at(london(date(2026, 6, 9), 12))
    with time_machine.travel(london(date(2026, 6, 9), 13), tick=False):
        milestone_mark_done(milestone=milestone, officer=team[0], note="Scope agreed with the data owner")
    result = dispatch_at(london(date(2026, 6, 9), 13, 5))
    assert result["cancelled"] == 2  # the officer's and the mentor's overdue reminders
    pk, officer, mentor = milestone.pk, team[0].pk, milestone.project.lead_mentor_id
    assert sorted(Message.objects.values_list("dedup_key", "status")) == sorted(
        [
            (f"milestone:{pk}:20260611:due:{officer}", "sent"),  # it was due on Monday
            (f"milestone:{pk}:20260611:overdue:{mentor}", "cancelled"),
            (f"milestone:{pk}:20260611:overdue:{officer}", "cancelled"),
        ]
    )


def test_milestone_reminders_follow_a_moved_due_date():
    _, milestone, team = project_with_milestone(date(2026, 6, 11), officers=1)
    dispatch_at(london(date(2026, 6, 7), 12))
    Milestone.objects.filter(pk=milestone.pk).update(due_on=date(2026, 6, 12))
    result = dispatch_at(london(date(2026, 6, 7), 12, 5))
    assert (result["queued"], result["cancelled"]) == (1, 1)
    assert rows(f"milestone:{milestone.pk}:") == sorted(
        [
            (team[0].email, "cancelled", london(date(2026, 6, 8), 9)),
            (team[0].email, "queued", london(date(2026, 6, 9), 9)),
        ]
    )


def test_milestone_due_reminder_keeps_nine_london_across_the_october_clock_change():
    project_with_milestone(date(2026, 10, 28), officers=1)
    dispatch_at(datetime(2026, 10, 22, 11, 0, tzinfo=UTC))  # written in BST
    due = Message.objects.get(dedup_key__contains=":due:")
    assert due.send_after == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # Sunday, 09:00 GMT
    dispatch_at(datetime(2026, 10, 25, 8, 0, tzinfo=UTC))  # 08:00 GMT: would be 09:00 BST
    assert mail.outbox == []
    dispatch_at(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    due.refresh_from_db()
    assert (due.status, due.sent_at, len(mail.outbox)) == ("sent", datetime(2026, 10, 25, 9, 0, tzinfo=UTC), 1)


# --- weekly log missing at the end of a training day ----------------------------------------------


def log_emails():
    """Emails sent about weekly logs (the cohort's training reminders go out too)."""
    return [email for email in mail.outbox if email.subject.startswith("Write your week")]


def training_day_project(day: date, *, officers: int = 2):
    """A running cohort (training on `day`'s weekday) in its fourth week on `day`, one project and a
    session on `day` 10:00 to 16:00 London. The project's milestones are all signed off."""
    cohort = CohortFactory(
        status=Cohort.Status.RUNNING, start_date=day - timedelta(weeks=3), training_weekday=day.weekday()
    )
    session = TrainingSessionFactory(cohort=cohort, week_number=4, starts_at=london(day, 10), ends_at=london(day, 16))
    team = [EnrolmentFactory(cohort=cohort).officer for _ in range(officers)]
    project = ProjectFactory(cohort=cohort, officers=team)
    project.milestones.update(state=Milestone.State.SIGNED_OFF)
    return project, session, team


def test_weekly_log_reminder_goes_at_five_to_officers_without_a_log():
    project, _, (writer, forgetter) = training_day_project(date(2026, 6, 9))
    dispatch_at(london(date(2026, 6, 8), 12))
    assert rows("log-missing:") == sorted(
        [
            (writer.email, "queued", london(date(2026, 6, 9), 17)),
            (forgetter.email, "queued", london(date(2026, 6, 9), 17)),
        ]
    )
    with time_machine.travel(london(date(2026, 6, 9), 16, 30), tick=False):
        progress_log_create(
            project=project,
            officer=writer,
            week_number=4,
            what_i_did="Cleaned addresses",
            whats_next="Blocking",
            blockers="",
            rag_status="green",
            hours=6,
        )
    dispatch_at(london(date(2026, 6, 9), 16, 55))
    dispatch_at(london(date(2026, 6, 9), 17))
    dispatch_at(london(date(2026, 6, 9), 17, 5))
    assert rows("log-missing:") == sorted(
        [
            (forgetter.email, "sent", london(date(2026, 6, 9), 17)),
            (writer.email, "cancelled", london(date(2026, 6, 9), 17)),
        ]
    )
    (email,) = log_emails()
    assert (email.to, email.subject) == ([forgetter.email], "Write your week 4 progress log")
    assert "until the end of Sunday 14 June" in email.body


def test_weekly_log_reminder_is_cancelled_with_the_session_and_honours_unsubscribe():
    _, session, (unsubscribed, other) = training_day_project(date(2026, 6, 9))
    Unsubscription.objects.create(user=unsubscribed, kind="weekly_log_missing")
    dispatch_at(london(date(2026, 6, 8), 12))
    assert rows("log-missing:") == [(other.email, "queued", london(date(2026, 6, 9), 17))]
    session.is_cancelled = True
    session.save()
    dispatch_at(london(date(2026, 6, 8), 12, 5))
    assert rows("log-missing:") == [(other.email, "cancelled", london(date(2026, 6, 9), 17))]


def test_weekly_log_reminder_keeps_five_london_after_the_clocks_go_back():
    project, _, (officer,) = training_day_project(date(2026, 10, 27), officers=1)
    ProgressLogFactory(project=project, officer=officer, week_number=3)  # last week's does not count
    dispatch_at(datetime(2026, 10, 24, 11, 0, tzinfo=UTC))  # Saturday, BST
    assert rows("log-missing:") == [(officer.email, "queued", datetime(2026, 10, 27, 17, 0, tzinfo=UTC))]
    dispatch_at(datetime(2026, 10, 27, 16, 0, tzinfo=UTC))  # 16:00 GMT, would be 17:00 BST
    assert log_emails() == []
    dispatch_at(datetime(2026, 10, 27, 17, 0, tzinfo=UTC))
    assert [email.to for email in log_emails()] == [[officer.email]]
