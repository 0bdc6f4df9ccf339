"""The names of what the audit log records. Add a name here when a code path starts recording it."""

from enum import StrEnum


class Action(StrEnum):
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
