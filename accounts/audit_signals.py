"""Audit rows for what the authentication framework and django-axes report by signal: a failed
password (user_login_failed) and a lockout (axes' user_locked_out)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from audit.actions import Action
from audit.log import record


def _typed_email(credentials: dict | None, request) -> str:
    username = (credentials or {}).get("username") or (request.POST.get("username") if request is not None else "")
    return (username or "").strip().lower()


@receiver(user_login_failed, dispatch_uid="accounts_audit_sign_in_failed")
def _sign_in_failed(sender, credentials=None, request=None, **kwargs):
    record(Action.SIGN_IN_FAILED, request=request, actor_label=_typed_email(credentials, request), step="password")


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(Action.LOCKED_OUT, request=request, actor_label=(username or "").strip().lower(), step="password")
