"""Subject access: everything the service holds about one person, as a zip of JSON and CSV files.

One builder for the three ways in (the person's own "Download your data" page, staff from the
person's page, `manage.py subject_access_export`). It lives in home, the top layer, because it reads
every app. It holds only what that person may see: their own records and what others wrote about
them that the service shows them (a mentor's session notes, their line manager's decision, staff
scores of their application), never another officer's logs, applications or addresses."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.actions import Action
from audit.log import record
from audit.models import AuditEvent
from cohorts.models import ApplicationScore, Attendance, Enrolment, EnrolmentEvent, SessionFeedback
from common.csvfile import csv_text
from exercises.models import Submission
from mentoring.models import Booking, MentorAllocation
from notifications.models import Message
from projects.models import IGCheck, LinkageRun, LogComment, Milestone, ProgressLog, Project
from trainers.models import CascadeSession, Graduation, TrainerStep

README = """This file holds the data the LOTI Data Science Bootcamp service keeps about {name} ({email}),
made on {made} (UTC).

profile.json            your account: name, email, job title, organisation, roles
applications.json/.csv  your applications, their history, your line manager's answer, staff scores
attendance.csv          your attendance marks at training sessions
session_feedback.csv    the feedback you gave on training sessions
projects.json           the projects you are on, the milestones you completed, the IG evidence and
                        linkage runs you recorded
progress_logs.csv       your weekly progress logs and the comments on them
exercise_results.csv    your practice exercise uploads and their scores
bookings.csv            your mentoring sessions, with the notes and action points you can see
mentoring.json          your lead mentor
cascade_sessions.csv    sessions you delivered to colleagues (attendees' addresses left out)
graduation.json         your certificate and steps on the trainer pathway
emails.csv              emails the service sent you
activity.csv            what you did in the service (sign-ins, changes), from the audit log

Times are UTC. Ask bootcamp@loti.london about anything here.
"""


def _json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode("utf-8")


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return csv_text(header, rows).encode("utf-8")


def _profile(person: User) -> dict:
    return {
        "email": person.email,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "organisation": person.organisation.name if person.organisation else None,
        "roles": person.role_names,
        "active": person.is_active,
        "joined": person.date_joined,
        "last_sign_in": person.last_login,
    }


def _applications(person: User) -> list[dict]:
    enrolments = list(Enrolment.objects.filter(officer=person).select_related("cohort", "organisation"))
    events: dict[int, list] = {}
    for event in EnrolmentEvent.objects.filter(enrolment__in=enrolments).order_by("at", "pk"):
        events.setdefault(event.enrolment_id, []).append(
            {"at": event.at, "from": event.from_status, "to": event.to_status, "note": event.note}
        )
    scores: dict[int, list] = {}
    for score in ApplicationScore.objects.filter(enrolment__in=enrolments).order_by("scored_at"):
        scores.setdefault(score.enrolment_id, []).append(
            {"score": score.score, "comment": score.comment, "scored_at": score.scored_at}
        )
    return [
        {
            "cohort": enrolment.cohort.name,
            "cohort_starts": enrolment.cohort.start_date,
            "organisation": enrolment.organisation.name,
            "status": enrolment.get_status_display(),
            "job_title": enrolment.job_title,
            "motivation": enrolment.motivation,
            "prior_experience": enrolment.prior_experience,
            "proposed_problem": enrolment.proposed_problem,
            "line_manager_name": enrolment.line_manager_name,
            "line_manager_email": enrolment.line_manager_email,
            "manager_decision": enrolment.get_manager_decision_display(),
            "manager_decided_at": enrolment.manager_decided_at,
            "outcome_note": enrolment.outcome_note,
            "applied_at": enrolment.created_at,
            "history": events.get(enrolment.pk, []),
            "staff_scores": scores.get(enrolment.pk, []),
        }
        for enrolment in enrolments
    ]


def _projects(person: User) -> list[dict]:
    projects = Project.objects.filter(officers=person).select_related("cohort", "lead_mentor")
    milestones: dict[int, list] = {}
    for milestone in Milestone.objects.filter(project__in=projects, done_by=person).order_by("due_on"):
        milestones.setdefault(milestone.project_id, []).append(
            {
                "title": milestone.title,
                "state": milestone.get_state_display(),
                "done_at": milestone.done_at,
                "note": milestone.note,
                "evidence_url": milestone.evidence_url,
                "review_note": milestone.review_note,
            }
        )
    # The approver is a third party (the council's DPO or Caldicott guardian): their name stays out.
    ig_checks: dict[int, list] = {}
    for check in IGCheck.objects.filter(project__in=projects, recorded_by=person).order_by("kind"):
        ig_checks.setdefault(check.project_id, []).append(
            {
                "kind": check.get_kind_display(),
                "status": check.get_status_display(),
                "reference": check.reference,
                "reason": check.reason,
                "note": check.note,
            }
        )
    runs: dict[int, list] = {}
    for run in LinkageRun.objects.filter(project__in=projects, recorded_by=person).order_by("run_on", "pk"):
        runs.setdefault(run.project_id, []).append(
            {
                "run_on": run.run_on,
                "records_left": run.records_left,
                "records_right": run.records_right,
                "candidate_pairs": run.candidate_pairs,
                "matches_accepted": run.matches_accepted,
                "sample_size": run.sample_size,
                "sample_true_matches": run.sample_true_matches,
                "truth_set_size": run.truth_set_size,
                "truth_set_found": run.truth_set_found,
                "quality": run.get_quality_display(),
                "note": run.note,
            }
        )
    return [
        {
            "title": project.title,
            "cohort": project.cohort.name,
            "problem_statement": project.problem_statement,
            "lead_mentor": project.lead_mentor.full_name if project.lead_mentor else None,
            "milestones_you_completed": milestones.get(project.pk, []),
            "ig_evidence_you_recorded": ig_checks.get(project.pk, []),
            "linkage_runs_you_recorded": runs.get(project.pk, []),
        }
        for project in projects
    ]


def _exercise_results(person: User) -> bytes:
    submissions = Submission.objects.filter(officer=person).select_related("exercise").order_by("uploaded_at")
    return _csv(
        ["Exercise", "Uploaded", "File name", "Pairs", "True positives", "False positives", "False negatives"],
        (
            [s.exercise.title, s.uploaded_at.isoformat(), s.file_name, s.pair_count, s.tp, s.fp, s.fn]
            for s in submissions
        ),
    )


def _progress_logs(person: User) -> bytes:
    logs = list(ProgressLog.objects.filter(officer=person).select_related("project").order_by("week_number"))
    comments: dict[int, list[str]] = {}
    for comment in LogComment.objects.filter(log__in=logs).select_related("author").order_by("created_at"):
        comments.setdefault(comment.log_id, []).append(f"{comment.author.full_name}: {comment.body}")
    return _csv(
        ["Project", "Week", "What I did", "What’s next", "Blockers", "Status", "Hours", "Written", "Comments"],
        (
            [
                log.project.title,
                log.week_number,
                log.what_i_did,
                log.whats_next,
                log.blockers,
                log.get_rag_status_display(),
                log.hours,
                log.created_at.isoformat(),
                "\n".join(comments.get(log.pk, [])),
            ]
            for log in logs
        ),
    )


def _bookings(person: User) -> bytes:
    rows = []
    for booking in Booking.objects.filter(Q(officer=person) | Q(mentor=person)).select_related("mentor"):
        as_officer = booking.officer_id == person.pk
        # A mentor's own copy leaves out the officer they met: that is the officer's data, not theirs.
        rows.append(
            [
                "officer" if as_officer else "mentor",
                booking.starts_at.isoformat(),
                booking.ends_at.isoformat(),
                booking.get_status_display(),
                booking.mentor.full_name if as_officer else "",
                booking.agenda if as_officer else "",
                booking.notes,
                booking.action_points,
                booking.rating if as_officer else "",
                booking.feedback if as_officer else "",
                booking.move_reason if as_officer else "",
            ]
        )
    return _csv(
        [
            "You were",
            "Starts",
            "Ends",
            "Status",
            "Mentor",
            "Agenda",
            "Notes",
            "Action points",
            "Your rating",
            "Your feedback",
            "Reason to move",
        ],
        rows,
    )


def _attendance(person: User) -> bytes:
    marks = Attendance.objects.filter(enrolment__officer=person).select_related("session__cohort")
    return _csv(
        ["Cohort", "Week", "Session starts", "Topic", "Mark"],
        (
            [
                m.session.cohort.name,
                m.session.week_number,
                m.session.starts_at.isoformat(),
                m.session.topic,
                m.get_mark_display(),
            ]
            for m in marks.order_by("session__starts_at")
        ),
    )


def _session_feedback(person: User) -> bytes:
    answers = SessionFeedback.objects.filter(officer=person).select_related("session__cohort")
    return _csv(
        ["Cohort", "Week", "Topic", "Pace", "Clarity", "Usefulness", "What worked well", "What you’d change", "Sent"],
        (
            [
                a.session.cohort.name,
                a.session.week_number,
                a.session.topic,
                a.pace,
                a.clarity,
                a.usefulness,
                a.went_well,
                a.to_change,
                a.submitted_at.isoformat(),
            ]
            for a in answers.order_by("session__starts_at")
        ),
    )


def _cascade_sessions(person: User) -> bytes:
    return _csv(
        ["Date", "Topic", "Format", "Minutes", "Colleagues reached", "Verified by staff"],
        (
            [s.delivered_on, s.topic, s.get_format_display(), s.length_minutes, s.colleagues_reached, s.is_verified]
            for s in CascadeSession.objects.filter(graduate=person).order_by("delivered_on")
        ),
    )


def _graduation(person: User) -> dict:
    graduations = Graduation.objects.filter(enrolment__officer=person).select_related("enrolment__cohort")
    return {
        "graduations": [
            {
                "cohort": g.enrolment.cohort.name,
                "graduated_on": g.graduated_on,
                "showcase_presented": g.showcase_presented,
            }
            for g in graduations
        ],
        "trainer_pathway": [
            {"step": step.get_kind_display(), "on": step.happened_on, "note": step.note}
            for step in TrainerStep.objects.filter(graduate=person)
        ],
    }


def _mentoring(person: User) -> dict:
    allocation = MentorAllocation.objects.filter(officer=person).select_related("mentor").first()
    return {"lead_mentor": allocation.mentor.full_name if allocation else None}


def _emails(person: User) -> bytes:
    messages = Message.objects.filter(Q(recipient=person) | Q(to_email__iexact=person.email)).order_by("created_at")
    return _csv(
        ["Created", "Sent", "To", "Kind", "Subject", "Status", "Body"],
        (
            [
                m.created_at.isoformat(),
                m.sent_at.isoformat() if m.sent_at else "",
                m.to_email,
                m.kind,
                m.subject,
                m.get_status_display(),
                m.body_text,
            ]
            for m in messages
        ),
    )


def _activity(person: User) -> bytes:
    events = AuditEvent.objects.filter(actor=person).order_by("at")
    return _csv(
        ["When", "Action", "Record", "From address"],
        ([e.at.isoformat(), Action.label_of(e.action), e.object_repr, e.ip_address or ""] for e in events.iterator()),
    )


def subject_access_build(*, person: User) -> bytes:
    """The zip's bytes. Reads only; the callers record who asked for it (`subject_access_export`)."""
    buffer = io.BytesIO()
    applications = _applications(person)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        made = timezone.now().isoformat(timespec="seconds")
        archive.writestr("README.txt", README.format(name=person.full_name, email=person.email, made=made))
        archive.writestr("profile.json", _json(_profile(person)))
        archive.writestr("applications.json", _json(applications))
        archive.writestr(
            "applications.csv",
            _csv(
                ["Cohort", "Status", "Manager decision", "Applied"],
                ([a["cohort"], a["status"], a["manager_decision"], a["applied_at"].isoformat()] for a in applications),
            ),
        )
        archive.writestr("attendance.csv", _attendance(person))
        archive.writestr("session_feedback.csv", _session_feedback(person))
        archive.writestr("projects.json", _json(_projects(person)))
        archive.writestr("progress_logs.csv", _progress_logs(person))
        archive.writestr("exercise_results.csv", _exercise_results(person))
        archive.writestr("bookings.csv", _bookings(person))
        archive.writestr("mentoring.json", _json(_mentoring(person)))
        archive.writestr("cascade_sessions.csv", _cascade_sessions(person))
        archive.writestr("graduation.json", _json(_graduation(person)))
        archive.writestr("emails.csv", _emails(person))
        archive.writestr("activity.csv", _activity(person))
    return buffer.getvalue()


def subject_access_export(*, person: User, requested_by: User | None, request=None, via: str) -> bytes:
    """Builds the zip and records in the audit log who asked for whose data, and how."""
    content = subject_access_build(person=person)
    record(
        Action.SUBJECT_ACCESS_EXPORT,
        request=request,
        actor=requested_by,
        actor_label="" if requested_by else f"command line ({via})",
        obj=person,
        via=via,
        bytes=len(content),
    )
    return content


def subject_access_filename(person: User) -> str:
    return f"your-data-{person.pk}-{timezone.now():%Y%m%d}.zip"
