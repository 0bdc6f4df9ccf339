from datetime import timedelta

from django.utils import timezone

from accounts.models import Organisation, User

from . import services
from .models import Attendance, Cohort, CurriculumTemplate, Enrolment

PILOT_SLUG = "pilot"


def pilot_start(today) -> "timezone.datetime":
    """The pilot runs on Tuesdays and is always eight weeks in, whenever the demo is seeded."""
    tuesday = today - timedelta(days=(today.weekday() - 1) % 7)
    return tuesday - timedelta(weeks=8)


def selected_place(*, cohort: Cohort, officer, staff) -> Enrolment:
    """A manager-approved place, selected by staff (once: safe to run again)."""
    enrolment, made = Enrolment.objects.get_or_create(
        cohort=cohort,
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
    return enrolment


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
            # Taught 10:00 to 14:00, then project time with office hours until 16:00.
            "project_time_hours": 2,
        },
    )
    if created:
        services.schedule_generate(cohort=pilot, curriculum=CurriculumTemplate.objects.first())
    staff = people["staff"][0]
    for officer in people["officers"]:
        selected_place(cohort=pilot, officer=officer, staff=staff)
    applicants = {email: applicant(email, name, title, organisation) for email, name, title, organisation in APPLICANTS}
    _pilot_waitlist_and_withdrawals(pilot, applicants, staff)
    _pilot_registers(pilot, staff)
    upcoming = _next_cohort(today, applicants, staff)
    return {"pilot": pilot, "next": upcoming}


# Applicants who are not on the pilot: waitlisted or withdrawn there, or applying to the next cohort.
APPLICANTS = [
    ("applicant1@example.org", "Bethany Walsh", "Data analyst", "Haringey"),
    ("applicant2@example.org", "Chidi Okonkwo", "Insight officer", "Ealing"),
    ("applicant3@example.org", "Deepa Nair", "Performance analyst", "Hounslow"),
    ("applicant4@example.org", "Edward Lim", "GIS officer", "Redbridge"),
    ("applicant5@example.org", "Freya Lindqvist", "Research analyst", "Sutton"),
    ("applicant6@example.org", "Gareth Hughes", "Data engineer", "Bromley"),
    ("applicant7@example.org", "Hana Sato", "Revenues analyst", "Merton"),
    ("applicant8@example.org", "Isaac Boateng", "Policy officer", "Greenwich"),
]


def applicant(email: str, name: str, title: str, organisation: str) -> User:
    from accounts.demo import DEMO_PASSWORD

    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": name,
            "job_title": title,
            "organisation": Organisation.objects.get(name=organisation),
            "is_officer": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _application(cohort: Cohort, officer: User, *, status: str, decision: str, staff: User, position=None):
    enrolment, created = Enrolment.objects.get_or_create(
        cohort=cohort,
        officer=officer,
        defaults={
            "organisation": officer.organisation,
            "job_title": officer.job_title,
            "motivation": "I match housing, council tax and benefits records by hand every month.",
            "proposed_problem": "Linking temporary accommodation records to council tax accounts.",
            "line_manager_name": "Line Manager",
            "line_manager_email": f"manager.{officer.email}",
            "manager_decision": decision,
            "manager_decided_at": None if decision == "pending" else timezone.now(),
            "waitlist_position": position,
        },
    )
    if created:
        # The demo's history starts at the application; later steps are recorded like any change.
        services.enrolment_set_status(enrolment=enrolment, status=status, actor=staff, note="Demo data")
    return enrolment


def _pilot_waitlist_and_withdrawals(pilot: Cohort, applicants: dict, staff: User) -> None:
    approved = Enrolment.ManagerDecision.APPROVED
    for position, email in enumerate(["applicant1@example.org", "applicant2@example.org"], start=1):
        _application(
            pilot,
            applicants[email],
            status=Enrolment.Status.WAITLISTED,
            decision=approved,
            staff=staff,
            position=position,
        )
    _application(
        pilot, applicants["applicant3@example.org"], status=Enrolment.Status.WITHDRAWN, decision=approved, staff=staff
    )


# (officer email, marks for the held sessions counted from the most recent backwards)
ABSENCES = {
    "officer3@example.org": ["absent", "absent"],  # at risk: two recent unexcused absences
    "officer5@example.org": ["present", "excused"],
    "officer8@example.org": ["late"],
}


def _pilot_registers(pilot: Cohort, staff: User) -> None:
    held = list(pilot.sessions.filter(starts_at__lte=timezone.now(), is_cancelled=False).order_by("-starts_at"))
    for enrolment in pilot.enrolments.filter(status=Enrolment.Status.SELECTED).select_related("officer"):
        special = ABSENCES.get(enrolment.officer.email, [])
        for index, session in enumerate(held):
            mark = special[index] if index < len(special) else Attendance.Mark.PRESENT
            Attendance.objects.get_or_create(
                session=session, enrolment=enrolment, defaults={"mark": mark, "recorded_by": staff}
            )


def _next_cohort(today, applicants: dict, staff: User) -> Cohort:
    start = today + timedelta(weeks=6)
    upcoming, created = Cohort.objects.get_or_create(
        slug="next",
        defaults={
            "name": "Next cohort",
            "start_date": start,
            "training_weekday": Cohort.Weekday.WEDNESDAY,
            "weeks": 12,
            "capacity": 15,
            "status": Cohort.Status.RECRUITING,
            "default_location": "City Hall, Kamal Chunchie Way, London E16 1ZE",
            "curriculum": CurriculumTemplate.objects.first(),
        },
    )
    if created:
        services.schedule_generate(cohort=upcoming, curriculum=upcoming.curriculum)
    status, decision = Enrolment.Status, Enrolment.ManagerDecision
    stages = [
        ("applicant4@example.org", status.APPLIED, decision.PENDING, None),
        ("applicant5@example.org", status.APPLIED, decision.DECLINED, None),
        ("applicant6@example.org", status.MANAGER_APPROVED, decision.APPROVED, None),
        ("applicant7@example.org", status.SELECTED, decision.APPROVED, None),
        ("applicant8@example.org", status.WAITLISTED, decision.APPROVED, 1),
        ("applicant3@example.org", status.WITHDRAWN, decision.APPROVED, None),
    ]
    for email, stage, answer, position in stages:
        _application(upcoming, applicants[email], status=stage, decision=answer, staff=staff, position=position)
    return upcoming
