"""The names of what the audit log records. Add a name here when a code path starts recording it."""

from enum import StrEnum


class Action(StrEnum):
    @property
    def label(self) -> str:
        """How a person reads the action: "Roles changed", not "people.roles_changed"."""
        return self.name.replace("_", " ").capitalize().replace(" ig ", " IG ")

    @classmethod
    def label_of(cls, value: str) -> str:
        return cls(value).label if value in cls._value2member_map_ else value

    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    LOCKED_OUT = "auth.locked_out"
    SIGN_OUT = "auth.sign_out"
    SSO_LINKED = "auth.sso_linked"
    SSO_UNLINKED = "auth.sso_unlinked"
    SSO_REFUSED = "auth.sso_refused"
    SIGN_OUT_EVERYWHERE = "auth.sign_out_everywhere"
    PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an action name)
    PASSWORD_RESET = "auth.password_reset"  # noqa: S105 (an action name)
    SECOND_FACTOR_SET_UP = "auth.second_factor_set_up"
    SECOND_FACTOR_FAILED = "auth.second_factor_failed"
    SECOND_FACTOR_RESET = "auth.second_factor_reset"
    RECOVERY_CODE_USED = "auth.recovery_code_used"
    ROLE_CHANGED = "people.roles_changed"
    PERSON_CHANGED = "people.changed"
    PERSON_ERASED = "people.erased"
    PERMISSION_DENIED = "access.denied"
    PRIVATE_RECORD_VIEWED = "access.private_record_viewed"
    PERSONAL_DATA_DOWNLOADED = "data.downloaded"
    SUBJECT_ACCESS_EXPORT = "data.subject_access_export"
    RETENTION_APPLIED = "data.retention_applied"
    API_READ = "api.read"
    API_TOKEN_CREATED = "api.token_created"  # noqa: S105 (an action name)
    API_TOKEN_REVOKED = "api.token_revoked"  # noqa: S105 (an action name)
    # Domain state changes, recorded by the service functions that make them.
    APPLICATION_MADE = "cohorts.application_made"
    APPLICATION_MANAGER_DECIDED = "cohorts.manager_decided"
    APPLICATION_SCORED = "cohorts.application_scored"
    ENROLMENT_STATUS_CHANGED = "cohorts.enrolment_status_changed"
    PLACE_OFFERED = "cohorts.place_offered"
    PLACE_OFFER_LAPSED = "cohorts.place_offer_lapsed"
    PLACE_OFFER_WITHDRAWN = "cohorts.place_offer_withdrawn"
    REGISTER_SAVED = "cohorts.register_saved"
    IG_CHECK_UPDATED = "projects.ig_check_updated"
    IG_CHECK_DECIDED = "projects.ig_check_decided"
    IG_CHECK_REOPENED = "projects.ig_check_reopened"
    MILESTONE_DONE = "projects.milestone_done"
    MILESTONE_REVIEWED = "projects.milestone_reviewed"
    GRADUATION_RECORDED = "trainers.graduation_recorded"
    TRAINER_STEP_RECORDED = "trainers.trainer_step_recorded"
    CASCADE_SESSION_SAVED = "trainers.cascade_session_saved"
    CASCADE_SESSION_VERIFIED = "trainers.cascade_session_verified"
    BOOKING_CHANGED = "mentoring.booking_changed"
    MENTOR_ALLOCATED = "mentoring.mentor_allocated"
    ERASURE_REFUSED = "people.erasure_refused"
