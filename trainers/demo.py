"""Demo data for train the trainer and impact: an earlier, finished cohort (`spring-2026`) whose twelve
graduates come from different boroughs, with projects, certificates, steps on the trainer pathway and
cascade sessions spread over the months since. Dates are relative to today, like the rest of the demo.
Safe to run again: the cohort is built once, and each later piece is looked up before it is made."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from cohorts import services as cohort_services
from cohorts.demo import applicant, pilot_start, selected_place
from cohorts.models import Attendance, Cohort, CurriculumTemplate
from mentoring.models import Booking
from projects import services as project_services
from projects.models import IGCheck, Milestone, Project

from . import services
from .models import CascadeSession, Graduation, TrainerStep

SLUG = "spring-2026"
LONDON = ZoneInfo("Europe/London")

# (email, name, job title, organisation)
GRADUATES = [
    ("grad1@example.org", "Aisha Mohammed", "Housing analyst", "Hackney"),
    ("grad2@example.org", "Ben Carter", "Performance analyst", "Hackney"),
    ("grad3@example.org", "Chen Wei", "Insight lead", "Newham"),
    ("grad4@example.org", "Dolores Ruiz", "Data officer", "Newham"),
    ("grad5@example.org", "Emeka Obi", "Revenues analyst", "Ealing"),
    ("grad6@example.org", "Fiona Gallagher", "Public health analyst", "Haringey"),
    ("grad7@example.org", "Grace Mensah", "Children's services analyst", "Greenwich"),
    ("grad8@example.org", "Harry Singh", "GIS officer", "Hounslow"),
    ("grad9@example.org", "Ines Costa", "Business intelligence analyst", "Barking and Dagenham"),
    ("grad10@example.org", "Jonah Levi", "Policy analyst", "Sutton"),
    ("grad11@example.org", "Kemi Adebayo", "Data engineer", "Redbridge"),
    ("grad12@example.org", "Liam O'Connor", "Research officer", "Kingston upon Thames"),
]

# (title, graduate numbers, milestones left unsigned, publish a case study)
PROJECTS = [
    ("Council tax reduction take-up", [1, 2], 0, True),
    ("Overcrowding and school places", [3, 4], 0, True),
    ("Empty homes from utility data", [5, 6], 0, False),
    ("Looked-after children and health checks", [7, 8], 0, False),
    ("Fly-tipping hotspots and enforcement", [9, 10], 0, True),
    ("Blue badge fraud checks", [11, 12], 1, False),
]

# graduate number -> [(kind, weeks after graduation, note)]
PATHWAY = {
    1: [
        ("co_facilitator", 6, "Co-facilitated week 3 of the pilot cohort"),
        ("trainer", 14, "Delivered week 6 of the pilot cohort with observation"),
    ],
    3: [
        ("co_facilitator", 8, "Co-facilitated week 5 of the pilot cohort"),
        ("trainer", 16, "Delivered week 8 of the pilot cohort with observation"),
    ],
    2: [("co_facilitator", 10, "Co-facilitated week 7 of the pilot cohort")],
    7: [("co_facilitator", 12, "Co-facilitated week 8 of the pilot cohort")],
}

# graduate number -> number of cascade sessions they ran
SESSION_COUNTS = {1: 7, 2: 4, 3: 6, 4: 3, 5: 3, 6: 2, 7: 5, 8: 1, 9: 2, 10: 1, 11: 0, 12: 0}
TOPICS = [
    ("Cleaning addresses with Python", "workshop", 120),
    ("Fuzzy matching names", "lunch_and_learn", 45),
    ("Pairing on a pandas notebook", "pairing", 90),
    ("What Splink can do for your service", "workshop", 90),
    ("Reading a match-quality chart", "lunch_and_learn", 40),
    ("Version control for analysts", "other", 60),
]


def _start(today: date) -> date:
    """A Tuesday 30 weeks before the pilot began: finished months ago, whenever the demo is seeded."""
    return pilot_start(today) - timedelta(weeks=30)


def _graduate(email: str, name: str, title: str, organisation: str) -> User:
    return applicant(email, name, title, organisation)


def seed(people: dict) -> Cohort:
    today = timezone.localdate()
    staff = people["staff"][0]
    mentors = people["mentors"]
    cohort, created = Cohort.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Spring 2026 cohort",
            "start_date": _start(today),
            "training_weekday": Cohort.Weekday.TUESDAY,
            "weeks": 12,
            "capacity": 15,
            "status": Cohort.Status.FINISHED,
            "default_location": "City Hall, Kamal Chunchie Way, London E16 1ZE",
            "curriculum": CurriculumTemplate.objects.first(),
        },
    )
    if created:
        cohort_services.schedule_generate(cohort=cohort, curriculum=cohort.curriculum)
    graduates = {number: _graduate(*row) for number, row in enumerate(GRADUATES, start=1)}
    enrolments = {}
    for number, officer in graduates.items():
        enrolments[number] = selected_place(cohort=cohort, officer=officer, staff=staff)
    sessions = list(cohort.sessions.filter(is_cancelled=False).order_by("starts_at"))
    for number, enrolment in enrolments.items():
        for index, session in enumerate(sessions):
            # Most attended everything; a few missed one or two days.
            missed = (index + number) % 11 == 0 and number % 3 == 0
            Attendance.objects.get_or_create(
                session=session,
                enrolment=enrolment,
                defaults={"mark": Attendance.Mark.ABSENT if missed else Attendance.Mark.PRESENT, "recorded_by": staff},
            )
    last_day = timezone.localdate(sessions[-1].starts_at) if sessions else cohort.start_date
    for index, (title, numbers, left_open, publish) in enumerate(PROJECTS):
        _project(
            cohort,
            title,
            [graduates[n] for n in numbers],
            mentors[index % len(mentors)],
            staff,
            left_open,
            publish,
            last_day,
        )
    _mentoring_sessions(cohort, graduates, mentors)
    graduated_on = last_day + timedelta(days=7)
    for number, enrolment in enrolments.items():
        if Graduation.objects.filter(enrolment=enrolment).exists():
            continue
        enrolment.refresh_from_db()
        services.graduation_record(
            enrolment=enrolment,
            actor=staff,
            showcase_presented=True,
            note="Final milestone signed off after the showcase (demo data)" if number >= 11 else "",
            graduated_on=graduated_on,
        )
    for number, steps in PATHWAY.items():
        for kind, weeks, note in steps:
            if not TrainerStep.objects.filter(graduate=graduates[number], kind=kind).exists():
                services.trainer_step_record(
                    graduate=graduates[number],
                    kind=kind,
                    happened_on=min(today, graduated_on + timedelta(weeks=weeks)),
                    note=note,
                    actor=staff,
                )
    _cascade_sessions(graduates, graduated_on, today, staff)
    return cohort


def _project(cohort, title, officers, mentor, staff, left_open, publish, last_day) -> None:
    if Project.objects.filter(cohort=cohort, title=title).exists():
        return
    project = project_services.project_create(
        cohort=cohort,
        title=title,
        problem_statement=f"{title}: match two of the council's datasets to act sooner.",
        officers=officers,
        lead_mentor=mentor,
        matching_approach="probabilistic",
        tools="Python, Splink",
    )
    # Finished months ago: the demo writes the end state directly rather than replaying every review.
    done_at = timezone.now() - (timezone.localdate() - last_day)
    # Confirmed by staff (four eyes), as every finished project's checks must be.
    IGCheck.objects.filter(project=project).update(
        status=IGCheck.Status.APPROVED,
        decided_on=cohort.start_date,
        confirmation=IGCheck.Confirmation.CONFIRMED,
        reviewed_by=staff,
        reviewed_by_label=f"{staff.full_name} ({staff.email})",
        reviewed_at=done_at,
    )
    milestones = list(project.milestones.order_by("order", "due_week", "pk"))
    signed = milestones[: len(milestones) - left_open]
    Milestone.objects.filter(pk__in=[m.pk for m in signed]).update(
        state=Milestone.State.SIGNED_OFF, done_by=officers[0], done_at=done_at, reviewed_by=mentor, reviewed_at=done_at
    )
    Milestone.objects.filter(pk__in=[m.pk for m in milestones[len(signed) :]]).update(
        state=Milestone.State.DONE, done_by=officers[0], done_at=done_at
    )
    if publish:
        project_services.case_study_save(
            project=project,
            actor=staff,
            summary=f"{officers[0].organisation} linked two datasets to find people the council could help sooner.",
            what_was_linked="Two service datasets, matched on name, date of birth and address.",
            results="Precision 0.94 and recall 0.88 on a clerical sample of 300 pairs.",
            lessons="Clean addresses first; agree the data-sharing agreement early.",
            publish=True,
        )


def _mentoring_sessions(cohort: Cohort, graduates: dict[int, User], mentors: list[User]) -> None:
    """Mentoring sessions held during the cohort: each project's lead mentor met its officers one to
    three times, on the Wednesday after a training day, so the cohort has mentor hours. No mentor or
    officer has two at once."""

    for index, (_, numbers, _, _) in enumerate(PROJECTS):
        mentor = mentors[index % len(mentors)]
        for position, number in enumerate(numbers):
            officer = graduates[number]
            for meeting in range(1 + number % 3):
                day = cohort.start_date + timedelta(weeks=3 + 3 * meeting, days=1)
                starts_at = datetime.combine(day, time(9 + (index // len(mentors)) * 4 + position * 2), tzinfo=LONDON)
                Booking.objects.get_or_create(
                    officer=officer,
                    starts_at=starts_at,
                    defaults={
                        "mentor": mentor,
                        "created_by": officer,
                        "ends_at": starts_at + timedelta(minutes=60 if number % 2 else 45),
                        "agenda": "Help with our linkage project",
                        "notes": "Reviewed the blocking rules and the match weights.",
                    },
                )


def _cascade_sessions(graduates: dict[int, User], graduated_on: date, today: date, staff: User) -> None:
    span = max(1, (today - graduated_on).days - 3)
    for number, count in SESSION_COUNTS.items():
        graduate = graduates[number]
        if count == 0 or CascadeSession.objects.filter(graduate=graduate).exists():
            continue
        for index in range(count):
            topic, format_, minutes = TOPICS[(number + index) % len(TOPICS)]
            # Spread over the months since graduation, later graduates starting later.
            offset = int(span * (index + 1) / (count + 1)) + number % 5
            delivered_on = min(today, graduated_on + timedelta(days=offset))
            session = services.cascade_session_create(
                graduate=graduate,
                delivered_on=delivered_on,
                topic=topic,
                format=format_,
                length_minutes=minutes,
                colleagues_reached=2 if format_ == "pairing" else 4 + (number * 3 + index * 5) % 17,
                attendee_emails=[f"colleague{index + 1}.{graduate.email.split('@')[0]}@example.gov.uk"],
            )
            if (today - delivered_on).days > 30:
                services.cascade_session_verify(session=session, actor=staff)
