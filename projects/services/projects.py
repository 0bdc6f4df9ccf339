"""Projects, their teams, datasets and information governance checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.permissions import Role, has_role
from cohorts.models import Cohort, Enrolment

from ..models import (
    Dataset,
    IGCheck,
    Project,
)
from .plans import _copy_plan


def _check_team(*, cohort: Cohort, officers: list[User], lead_mentor: User | None) -> None:
    if not officers:
        raise ValidationError({"officers": "Choose at least one officer"})
    selected = set(
        Enrolment.objects.filter(
            cohort=cohort, officer__in=officers, status__in=[Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED]
        ).values_list("officer_id", flat=True)
    )
    outsiders = [officer.full_name for officer in officers if officer.pk not in selected]
    if outsiders:
        raise ValidationError({"officers": f"{', '.join(outsiders)} is not selected on {cohort.name}"})
    if lead_mentor is not None and not lead_mentor.is_mentor:
        raise ValidationError({"lead_mentor": "Choose a mentor as lead mentor"})


def can_edit_project(user: User, project: Project) -> bool:
    return has_role(user, Role.STAFF) or project.officers.filter(pk=user.pk).exists()


@transaction.atomic
def project_create(
    *,
    cohort: Cohort,
    title: str,
    problem_statement: str,
    officers: list[User],
    lead_mentor: User | None = None,
    matching_approach: str = "",
    tools: str = "",
) -> Project:
    """A project with its three IG checks (not started) and the cohort's milestone plan copied in."""
    _check_team(cohort=cohort, officers=officers, lead_mentor=lead_mentor)
    project = Project(
        cohort=cohort,
        title=title,
        problem_statement=problem_statement,
        lead_mentor=lead_mentor,
        matching_approach=matching_approach,
        tools=tools,
    )
    project.full_clean()
    project.save()
    project.officers.set(officers)
    IGCheck.objects.bulk_create(IGCheck(project=project, kind=kind) for kind in IGCheck.Kind.values)
    _copy_plan(project)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User,
    title: str,
    problem_statement: str,
    matching_approach: str,
    tools: str,
    officers: list[User] | None = None,
    lead_mentor: User | None = None,
) -> Project:
    """Officers on the project edit its description; only staff change who is on it and who leads it."""
    if not can_edit_project(actor, project):
        raise PermissionDenied
    if has_role(actor, Role.STAFF) and officers is not None:
        _check_team(cohort=project.cohort, officers=officers, lead_mentor=lead_mentor)
        project.officers.set(officers)
        project.lead_mentor = lead_mentor
    project.title = title
    project.problem_statement = problem_statement
    project.matching_approach = matching_approach
    project.tools = tools
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def dataset_save(
    *,
    project: Project,
    actor: User,
    name: str,
    owning_service: str,
    holds_personal_data: bool,
    approximate_records: int,
    key_fields: list[str],
    dataset: Dataset | None = None,
) -> Dataset:
    if not can_edit_project(actor, project):
        raise PermissionDenied
    dataset = dataset or Dataset(project=project)
    if dataset.project_id != project.pk:
        raise PermissionDenied
    unknown = set(key_fields) - set(Dataset.KeyField.values)
    if unknown:
        raise ValidationError({"key_fields": "Select key fields from the list"})
    dataset.name = name
    dataset.owning_service = owning_service
    dataset.holds_personal_data = holds_personal_data
    dataset.approximate_records = approximate_records
    dataset.key_fields = [value for value in Dataset.KeyField.values if value in key_fields]
    dataset.full_clean()
    dataset.save()
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset, actor: User) -> None:
    if not can_edit_project(actor, dataset.project):
        raise PermissionDenied
    dataset.delete()
