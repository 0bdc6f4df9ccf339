"""Every write about data-matching projects, by concern. Callers import from `projects.services` as before."""

from .ig import (
    IG_LINK_MAX_AGE,
    IGLinkInvalid,
    can_confirm,
    ig_check_approver_decide,
    ig_check_confirm,
    ig_check_reopen,
    ig_check_update,
    ig_link_check,
    ig_link_token,
)
from .linkage import can_review_run, linkage_run_create, linkage_run_review
from .milestones import milestone_mark_done, milestone_review, missing_ig_approvals
from .plans import (
    milestone_plan_customise,
    milestone_plan_for,
    milestone_template_save,
    milestones_reschedule,
)
from .progress import (
    LogWeekTaken,
    can_comment_on_log,
    log_comment_create,
    progress_log_create,
    progress_log_update,
)
from .projects import (
    can_edit_project,
    dataset_delete,
    dataset_save,
    project_create,
    project_update,
)
from .showcase import case_study_save

__all__ = [
    "IG_LINK_MAX_AGE",
    "IGLinkInvalid",
    "LogWeekTaken",
    "can_comment_on_log",
    "can_confirm",
    "can_edit_project",
    "can_review_run",
    "case_study_save",
    "dataset_delete",
    "dataset_save",
    "ig_check_approver_decide",
    "ig_check_confirm",
    "ig_check_reopen",
    "ig_check_update",
    "ig_link_check",
    "ig_link_token",
    "linkage_run_create",
    "linkage_run_review",
    "log_comment_create",
    "milestone_mark_done",
    "milestone_plan_customise",
    "milestone_plan_for",
    "milestone_review",
    "milestone_template_save",
    "milestones_reschedule",
    "missing_ig_approvals",
    "progress_log_create",
    "progress_log_update",
    "project_create",
    "project_update",
]
