from datetime import timedelta

from django.utils import timezone

from . import services
from .models import Cohort, CurriculumTemplate, Enrolment

PILOT_SLUG = "pilot"


def pilot_start(today) -> "timezone.datetime":
    """The pilot runs on Tuesdays and is always eight weeks in, whenever the demo is seeded."""
    tuesday = today - timedelta(days=(today.weekday() - 1) % 7)
    return tuesday - timedelta(weeks=8)


def seed(people: dict) -> dict:
    today = timezone.localdate()
    pilot, created = Cohort.objects.get_or_create(
        slug=PILOT_SLUG,
        defaults={
            "name": "Pilot cohort",
            "start_date": pilot_start(today),
            "training_weekday": Cohort.Weekday.TUESDAY,
            "weeks": 12,
            "capacity": 15,
            "status": Cohort.Status.RUNNING,
            "default_location": "City Hall, Kamal Chunchie Way, London E16 1ZE",
        },
    )
    if created:
        services.schedule_generate(cohort=pilot, curriculum=CurriculumTemplate.objects.first())
    staff = people["staff"][0]
    for officer in people["officers"]:
        enrolment, made = Enrolment.objects.get_or_create(
            cohort=pilot,
            officer=officer,
            defaults={
                "organisation": officer.organisation,
                "job_title": officer.job_title,
                "manager_decision": Enrolment.ManagerDecision.APPROVED,
                "line_manager_name": "Line Manager",
                "line_manager_email": f"manager.{officer.email}",
            },
        )
        if made:
            services.enrolment_set_status(
                enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=staff, note="Demo data"
            )
    return {"pilot": pilot}
