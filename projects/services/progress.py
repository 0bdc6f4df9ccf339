"""Weekly progress logs and the comments on them."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Role, has_role
from common.site import absolute_url
from notifications.services import message_queue

from .. import weeks
from ..models import (
    LogComment,
    ProgressLog,
    Project,
)


class LogWeekTaken(ValidationError):
    pass


def _check_log_week(project: Project, week_number: int, now) -> None:
    if week_number < 1 or week_number > project.cohort.weeks:
        raise ValidationError({"week_number": f"Choose a week between 1 and {project.cohort.weeks}"})
    if week_number > weeks.current_week(project.cohort, now):
        raise ValidationError({"week_number": "You cannot write a log for a week that has not started yet"})
    if not weeks.week_is_open(project.cohort, week_number, now):
        raise ValidationError(
            {"week_number": f"Week {week_number} has ended. Logs can only be changed until the week ends"}
        )


@transaction.atomic
def progress_log_create(
    *,
    project: Project,
    officer: User,
    week_number: int,
    what_i_did: str,
    whats_next: str,
    blockers: str,
    rag_status: str,
    hours: Decimal,
) -> ProgressLog:
    if not project.officers.filter(pk=officer.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    if ProgressLog.objects.filter(project=project, officer=officer, week_number=week_number).exists():
        raise LogWeekTaken(
            {"week_number": f"You have already written a log for week {week_number}. Change that one instead"}
        )
    _check_log_week(project, week_number, now)
    log = ProgressLog(
        project=project,
        officer=officer,
        week_number=week_number,
        what_i_did=what_i_did,
        whats_next=whats_next,
        blockers=blockers,
        rag_status=rag_status,
        hours=hours,
    )
    log.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as exc:  # a double submit raced past the check above
        raise LogWeekTaken({"week_number": f"You have already written a log for week {week_number}"}) from exc
    return log


@transaction.atomic
def progress_log_update(
    *,
    log: ProgressLog,
    officer: User,
    what_i_did: str,
    whats_next: str,
    blockers: str,
    rag_status: str,
    hours: Decimal,
) -> ProgressLog:
    if log.officer_id != officer.pk:
        raise PermissionDenied
    if not weeks.week_is_open(log.project.cohort, log.week_number):
        raise ValidationError(f"Week {log.week_number} has ended, so this log can no longer be changed")
    log.what_i_did = what_i_did
    log.whats_next = whats_next
    log.blockers = blockers
    log.rag_status = rag_status
    log.hours = hours
    log.full_clean(validate_unique=False)
    log.save()
    return log


def can_comment_on_log(user: User, log: ProgressLog) -> bool:
    """Staff and the project's lead mentor comment on a log; the log's own officer replies in its thread."""
    return (
        has_role(user, Role.STAFF)
        or (has_role(user, Role.MENTOR) and log.project.lead_mentor_id == user.pk)
        or log.officer_id == user.pk
    )


@transaction.atomic
def log_comment_create(*, log: ProgressLog, author: User, body: str) -> LogComment:
    """Mentors and staff comment on a log and the officer is told by email. The officer's reply goes to
    the lead mentor and everyone else who has commented in the thread."""
    project = log.project
    if not can_comment_on_log(author, log):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": "Enter a comment"})
    comment = LogComment.objects.create(log=log, author=author, body=body.strip())
    path = reverse("projects:log_detail", kwargs={"pk": project.pk, "log_pk": log.pk})
    context = {"comment": comment, "log": log, "project": project, "log_url": absolute_url(path)}
    if author.pk != log.officer_id:
        message_queue(
            recipient=log.officer,
            to_email=log.officer.email,
            kind="log_comment",
            dedup_key=f"log_comment:{comment.pk}",
            template="log_comment",
            context=context,
        )
        return comment
    readers = {user.pk: user for user in User.objects.filter(pk__in=log.comments.values("author_id"))}
    if project.lead_mentor is not None:
        readers.setdefault(project.lead_mentor.pk, project.lead_mentor)
    readers.pop(author.pk, None)
    for reader in sorted(readers.values(), key=lambda user: user.pk):
        message_queue(
            recipient=reader,
            to_email=reader.email,
            kind="log_reply",
            dedup_key=f"log_reply:{comment.pk}:{reader.pk}",
            template="log_reply",
            context={**context, "reader": reader},
        )
    return comment
