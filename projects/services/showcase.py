"""Case studies for the showcase."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import (
    CaseStudy,
    Project,
)
from .projects import can_edit_project


@transaction.atomic
def case_study_save(
    *,
    project: Project,
    actor: User,
    summary: str,
    what_was_linked: str,
    results: str,
    lessons: str,
    publish: bool,
) -> CaseStudy:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    study = CaseStudy.objects.filter(project=project).first() or CaseStudy(project=project)
    study.summary = summary
    study.what_was_linked = what_was_linked
    study.results = results
    study.lessons = lessons
    if publish and study.published_at is None:
        study.published_at = timezone.now()
    elif not publish:
        study.published_at = None
    study.full_clean()
    study.save()
    return study
