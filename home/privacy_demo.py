"""Demo data that the retention schedule acts on: a cohort that started more than a year ago with
two unsuccessful applications, and emails sent more than 90 days ago. Without it
`apply_retention --dry-run` would have nothing to show on the demo. Safe to run again."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cohorts.demo import applicant
from cohorts.models import Cohort, Enrolment
from cohorts.services import enrolment_set_status
from notifications.models import Message

OLD_SLUG = "autumn-2024-taster"


def seed(people: dict) -> None:
    today = timezone.localdate()
    staff = people["staff"][0]
    cohort, _ = Cohort.objects.get_or_create(
        slug=OLD_SLUG,
        defaults={
            "name": "Autumn taster cohort",
            "start_date": today - timedelta(days=540),
            "training_weekday": Cohort.Weekday.THURSDAY,
            "weeks": 4,
            "capacity": 2,
            "status": Cohort.Status.FINISHED,
        },
    )
    for email, name, title, organisation, status in (
        ("applicant1@example.org", "Bethany Walsh", "Data analyst", "Haringey", Enrolment.Status.WAITLISTED),
        ("applicant2@example.org", "Chidi Okonkwo", "Insight officer", "Ealing", Enrolment.Status.WITHDRAWN),
    ):
        officer = applicant(email, name, title, organisation)
        enrolment, created = Enrolment.objects.get_or_create(
            cohort=cohort,
            officer=officer,
            defaults={
                "organisation": officer.organisation,
                "job_title": officer.job_title,
                "motivation": "I would like to learn record linkage.",
                "line_manager_name": "Line Manager",
                "line_manager_email": f"manager.{officer.email}",
                "manager_decision": Enrolment.ManagerDecision.APPROVED,
            },
        )
        if created:
            enrolment_set_status(enrolment=enrolment, status=status, actor=staff, note="Demo data")
    sent_at = timezone.now() - timedelta(days=120)
    for officer in User.objects.filter(email__in=["officer@example.org", "officer2@example.org"]):
        message, created = Message.objects.get_or_create(
            dedup_key=f"demo-old-welcome:{officer.pk}",
            defaults={
                "recipient": officer,
                "to_email": officer.email,
                "kind": "welcome",
                "subject": "Welcome to the LOTI Data Science Bootcamp",
                "body_text": f"Hello {officer.get_short_name()}, your account is ready.",
                "status": Message.Status.SENT,
                "sent_at": sent_at,
                "attempts": 1,
            },
        )
        if created:
            Message.objects.filter(pk=message.pk).update(created_at=sent_at)
