"""Demo projects for the pilot cohort: every pilot officer on a project (some solo, some in pairs), with
datasets, IG checks in different states, milestones at different stages, weekly logs with mentor comments
and linkage runs with review and truth-set counts (one typed in before counts existed, one not measured
yet). Safe to run again: a project that exists is left alone."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User

from . import services, weeks
from .models import CaseStudy, Dataset, LinkageRun, LogComment, ProgressLog, Project

# (title, officer emails, lead mentor email, approach, problem, (dataset, service, records, key fields) x2, stage)
# stage: how many milestones the project has signed off (the next one is done and awaiting sign-off).
PROJECTS = [
    (
        "Households at risk of homelessness",
        ["officer@example.org", "officer13@example.org"],
        "mentor@example.org",
        "probabilistic",
        "Link the housing register with council tax records to find households falling into arrears before they "
        "present as homeless.",
        [
            ("Housing register", "Housing needs", 14000, ["name", "date_of_birth", "address", "uprn"]),
            ("Council tax accounts", "Revenues and benefits", 120000, ["name", "address", "uprn"]),
        ],
        4,
    ),
    (
        "School admissions and children's social care",
        ["officer2@example.org", "officer8@example.org"],
        "mentor@example.org",
        "mixed",
        "Match school admission applications with children's social care referrals so that schools hear about "
        "children in need before the first day of term.",
        [
            ("School admissions applications", "Education", 9000, ["name", "date_of_birth", "address"]),
            ("Children's social care referrals", "Children's services", 6000, ["name", "date_of_birth", "postcode"]),
        ],
        2,
    ),
    (
        "Hospital discharge and adult social care",
        ["officer9@example.org"],
        "mentor@example.org",
        "deterministic",
        "Join hospital discharge notices to adult social care packages to measure delays in starting care.",
        [
            ("Discharge notices", "NHS trust", 4000, ["nhs_number", "name", "date_of_birth"]),
            ("Care packages", "Adult social care", 7000, ["nhs_number", "name", "address"]),
        ],
        1,
    ),
    (
        "Temporary accommodation and school attendance",
        ["officer11@example.org"],
        "mentor@example.org",
        "fuzzy",
        "Find children in temporary accommodation whose school attendance is falling.",
        [
            ("Temporary accommodation placements", "Housing", 3000, ["name", "address"]),
            ("Pupil attendance", "Education", 40000, ["name", "date_of_birth", "postcode"]),
        ],
        0,
    ),
    (
        "Business rates and the companies register",
        ["officer4@example.org"],
        "mentor2@example.org",
        "fuzzy",
        "Match business rates accounts to Companies House to find dissolved companies still being billed.",
        [
            ("Business rates accounts", "Revenues", 11000, ["name", "address", "uprn"]),
            ("Companies House extract", "Companies House (open data)", 300000, ["name", "address", "postcode"]),
        ],
        5,
    ),
    (
        "Single person discount review",
        ["officer5@example.org", "officer15@example.org"],
        "mentor2@example.org",
        "probabilistic",
        "Check single person discount claims against the electoral register.",
        [
            ("Council tax single person discounts", "Revenues", 45000, ["name", "address", "uprn"]),
            ("Electoral register", "Electoral services", 200000, ["name", "address", "uprn"]),
        ],
        3,
    ),
    (
        "Smoking cessation reach",
        ["officer12@example.org"],
        "mentor2@example.org",
        "deterministic",
        "Link stop-smoking service referrals with GP registrations to see which neighbourhoods the service misses.",
        [
            ("Stop smoking referrals", "Public health", 2500, ["nhs_number", "postcode"]),
            ("GP registrations by postcode", "Integrated care board", 320000, ["nhs_number", "postcode"]),
        ],
        1,
    ),
    (
        "Rough sleepers known to homelessness services",
        ["officer14@example.org", "officer7@example.org"],
        "mentor3@example.org",
        "mixed",
        "Match CHAIN rough sleeping records with borough homelessness casework to find people known to both.",
        [
            ("CHAIN contacts", "Greater London Authority", 10000, ["name", "date_of_birth", "other"]),
            ("Homelessness casework", "Housing options", 8000, ["name", "date_of_birth", "ni_number"]),
        ],
        4,
    ),
    (
        "Free school meals auto-enrolment",
        ["officer6@example.org"],
        "mentor3@example.org",
        "deterministic",
        "Use housing benefit records to enrol eligible children in free school meals without an application.",
        [
            ("Housing benefit claims", "Benefits", 25000, ["name", "date_of_birth", "ni_number", "address"]),
            ("School census", "Education", 38000, ["name", "date_of_birth", "address"]),
        ],
        6,
    ),
    (
        "Addresses to UPRNs across services",
        ["officer10@example.org", "officer3@example.org"],
        "mentor3@example.org",
        "fuzzy",
        "Give every address in the waste, parking and licensing systems a UPRN from the local gazetteer.",
        [
            ("Service addresses", "Environment", 90000, ["address", "postcode"]),
            ("Local land and property gazetteer", "GIS", 130000, ["address", "uprn", "postcode"]),
        ],
        3,
    ),
]

LOG_TEXT = [
    ("Met the data owners and agreed the scope.", "Draft the DPIA with the IG team."),
    ("Wrote the DPIA and sent the data sharing agreement for signature.", "Profile both extracts."),
    ("Profiled both datasets: 8% of addresses lack a postcode.", "Standardise names and addresses."),
    ("Standardised names, dates of birth and addresses.", "Design blocking rules."),
    ("Tried blocking on postcode and on year of birth.", "Set comparison levels in Splink."),
    ("First linkage run with Splink.", "Draw a clerical review sample."),
    ("Reviewed 200 pairs by hand with a colleague.", "Tune thresholds and re-run."),
    ("Tuned the match threshold; precision is up.", "Write up findings for the showcase."),
]
BLOCKERS = {3: "Still waiting for the revenues extract.", 6: "Clerical review needs a second reviewer."}
RAG_BY_STAGE = {0: "red", 1: "amber", 2: "amber", 3: "green", 4: "green", 5: "green", 6: "green"}


APPROVERS = {
    "dpia": ("Grace Adeyemi", "Data Protection Officer", "dpo@example.org", "DPIA-2026-{n:03d}"),
    "data_sharing": ("Daniel Mensah", "Information Governance Manager", "ig.manager@example.org", "DSA-2026-{n:03d}"),
    "ethics": ("Helen Park", "Head of Research Governance", "research@example.org", ""),
}
ETHICS_NOT_NEEDED = (
    "The project uses the council's own records to improve a service, under the DPIA; it is not research, so the "
    "research governance team said no ethics review is needed."
)


def _ig_plan(stage: int) -> dict[str, tuple[str, bool]]:
    """Each check's status and whether staff have confirmed it, by the project's stage."""
    if stage == 0:
        return {"dpia": ("in_progress", False)}
    if stage == 1:  # the ethics claim waits in the staff queue
        return {"dpia": ("approved", True), "data_sharing": ("in_progress", False), "ethics": ("not_needed", False)}
    return {"dpia": ("approved", True), "data_sharing": ("approved", True), "ethics": ("not_needed", True)}


def _record_ig(project, check, *, officer, status: str, decided_on, number: int) -> None:
    """Through the service, as an officer would: each claim emails the named approver a link."""
    name, role, address, reference = APPROVERS[check.kind]
    claim = status in ("approved", "not_needed")
    services.ig_check_update(
        check=check,
        actor=officer,
        status=status,
        decided_on=decided_on if status == "approved" else None,
        approver_name=name if claim else "",
        approver_role=role if claim else "",
        approver_email=address if claim else "",
        reference=reference.format(n=number) if status == "approved" else "",
        document_url=f"https://example.org/ig/{check.kind}/{number}" if status == "approved" else "",
        reason=ETHICS_NOT_NEEDED if status == "not_needed" else "",
        note="Draft shared with the IG team." if status == "in_progress" else "",
    )


def _seed_ig(project, *, officer, confirmer, stage: int, number: int, today) -> None:
    checks = {check.kind: check for check in project.ig_checks.all()}
    for kind, (status, confirmed) in _ig_plan(stage).items():
        _record_ig(
            project, checks[kind], officer=officer, status=status, decided_on=today - timedelta(weeks=6), number=number
        )
        if confirmed:
            services.ig_check_confirm(
                check=checks[kind], actor=confirmer, confirm=True, note="Checked the signed copy."
            )


def _dpia_reopened(project, *, officer, staff, today, number: int) -> None:
    """officer@example.org's project: staff reopen the confirmed DPIA after a new field joins the data, the
    data-access milestone goes back, and the updated DPIA now waits for the Data Protection Officer."""
    dpia = project.ig_checks.get(kind="dpia")
    services.ig_check_reopen(
        check=dpia,
        actor=staff,
        reason="The council tax extract now includes benefit flags, so the DPIA must cover them.",
    )
    _record_ig(
        project,
        dpia,
        officer=officer,
        status="approved",
        decided_on=today - timedelta(days=2),
        number=number + 100,
    )


def _seed_project(pilot, row, today, *, number: int, staff: list) -> None:
    title, emails, mentor_email, approach, problem, datasets, stage = row
    officers = list(User.objects.filter(email__in=emails).order_by("email"))
    mentor = User.objects.get(email=mentor_email)
    project = services.project_create(
        cohort=pilot,
        title=title,
        problem_statement=problem,
        officers=officers,
        lead_mentor=mentor,
        matching_approach=approach,
        tools="Python, pandas, Splink" if approach in ("probabilistic", "mixed") else "Python, pandas, RapidFuzz",
    )
    for name, service, records, key_fields in datasets:
        Dataset.objects.create(
            project=project,
            name=name,
            owning_service=service,
            holds_personal_data=True,
            approximate_records=records,
            key_fields=key_fields,
        )
    lead = officers[0]
    # Staff confirm the checks (four eyes): staff2 confirms, staff@example.org reopens and has a queue.
    _seed_ig(project, officer=lead, confirmer=staff[-1], stage=stage, number=number, today=today)

    milestones = list(project.milestones.all())
    for index, milestone in enumerate(milestones[: stage + 1]):
        if milestone.needs_ig_approval and services.missing_ig_approvals(project):
            break  # data access is not approved yet: the plan stops here
        services.milestone_mark_done(
            milestone=milestone,
            officer=lead,
            note="Done: notes are in the project folder.",
            evidence_url="https://example.org/evidence",
        )
        if index < stage:
            services.milestone_review(milestone=milestone, reviewer=mentor, sign_off=True)
    if "officer@example.org" in emails:
        _dpia_reopened(
            project, officer=User.objects.get(email="officer@example.org"), staff=staff[0], today=today, number=number
        )
    if stage == 2:  # one piece of work sent back, to show the state
        services.milestone_review(
            milestone=milestones[2], reviewer=mentor, sign_off=False, review_note="Add the profiling notebook."
        )

    this_week = weeks.current_week(pilot)
    rag = RAG_BY_STAGE[stage]
    for officer in officers:
        for week in range(1, min(this_week, len(LOG_TEXT) + 1)):
            if stage == 0 and week in (4, 5):
                continue  # a struggling project misses logs
            did, nxt = LOG_TEXT[week - 1]
            log = ProgressLog.objects.create(
                project=project,
                officer=officer,
                week_number=week,
                what_i_did=did,
                whats_next=nxt,
                blockers=(
                    "Waiting for the data sharing agreement to be signed."
                    if stage <= 1 and week == this_week - 1
                    else BLOCKERS.get(week, "")
                    if stage < 4 or week == 6
                    else ""
                ),
                rag_status="green" if week < 3 else rag if week > 5 else "amber",
                hours=Decimal(4 + week % 4),
            )
            ProgressLog.objects.filter(pk=log.pk).update(
                created_at=timezone.now() - timedelta(weeks=this_week - week),
                updated_at=timezone.now() - timedelta(weeks=this_week - week),
            )
            if week < this_week - 1:  # the most recent week's logs still wait for a comment
                LogComment.objects.create(log=log, author=mentor, body=f"Good progress in week {week}. Keep going.")

    if stage >= 3:
        _seed_runs(project, datasets=datasets, lead=lead, mentor=mentor, stage=stage, today=today)
    if stage >= 6:
        CaseStudy.objects.create(
            project=project,
            summary="Every eligible child now gets free school meals without their family having to apply.",
            what_was_linked="Housing benefit claims with the school census, on name, date of birth and address.",
            results="1,100 children enrolled automatically; 188 of 200 reviewed matches were true.",
            lessons="Agree the data sharing agreement early; clean addresses before anything else.",
            published_at=timezone.now(),
        )


# Counts for each measured run: (true matches in a 200-pair review sample, truth-set matches found of 150).
RUN_COUNTS = [(None, None), (168, None), (182, 118), (188, 131)]
RUN_NOTES = ["Exact keys only", "Added fuzzy names", "Blocking on postcode", "Tuned threshold"]


def _seed_runs(project, *, datasets, lead, mentor, stage: int, today) -> None:
    """Stage 3: one run with nothing reviewed yet (quality not measured). Stage 4 and on: a first run typed
    in before counts were recorded (self-reported), then measured runs the lead mentor confirmed; the
    latest waits for the mentor, except on the showcase project (stage 6), where all are confirmed."""
    left, right = datasets[0][2], datasets[1][2]
    if stage == 3:
        services.linkage_run_create(
            project=project,
            recorded_by=lead,
            run_on=today - timedelta(days=3),
            records_left=left,
            records_right=right,
            candidate_pairs=52000,
            matches_accepted=4100,
            sample_size=0,
            sample_true_matches=0,
            note="First run with exact keys; clerical review not started",
        )
        return
    for run, (true_in_sample, found) in enumerate(RUN_COUNTS):
        counts = {
            "project": project,
            "run_on": today - timedelta(days=7 * (4 - run) - 1),
            "records_left": left,
            "records_right": right,
            "candidate_pairs": 40000 - run * 6000,
            "matches_accepted": 5000 + run * 400,
            "sample_size": 200,
            "note": RUN_NOTES[run],
        }
        if true_in_sample is None:  # typed in before counts existed: kept, shown as self-reported
            LinkageRun.objects.create(
                **counts,
                recorded_by=lead,
                quality=LinkageRun.Quality.SELF_REPORTED,
                reported_precision=Decimal("0.720"),
                reported_recall=Decimal("0.610"),
            )
            continue
        made = services.linkage_run_create(
            **counts,
            recorded_by=lead,
            sample_true_matches=true_in_sample,
            truth_set_size=150 if found is not None else None,
            truth_set_found=found,
        )
        if run < len(RUN_COUNTS) - 1 or stage >= 6:
            services.linkage_run_review(run=made, actor=mentor, confirm=True, note="Checked the review sheet.")


def seed(people: dict, pilot) -> dict:
    today = timezone.localdate()
    made = []
    for number, row in enumerate(PROJECTS, start=1):
        if not Project.objects.filter(cohort=pilot, title=row[0]).exists():
            _seed_project(pilot, row, today, number=number, staff=people["staff"])
            made.append(row[0])
    return {"projects": made}
