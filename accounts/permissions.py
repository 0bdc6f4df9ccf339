"""The one permission layer: sign-in is enforced by LoginRequiredMiddleware for every view, public views
are marked with `public`, and role requirements are declared on each view with `role_required`.
Object-level visibility lives in each app's selectors, which are always scoped to the user asking."""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    STAFF = "programme_staff"
    MENTOR = "mentor"
    OFFICER = "officer"


def has_role(user, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return {
        Role.STAFF: user.is_programme_staff,
        Role.MENTOR: user.is_mentor,
        Role.OFFICER: user.is_officer,
    }[role]


def has_any_role(user, roles: tuple[Role, ...]) -> bool:
    return any(has_role(user, role) for role in roles)


def public(view: Callable) -> Callable:
    """Marks a view as open to anonymous visitors. Every other view requires sign-in."""
    return login_not_required(view)


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
    """The signed-in user must hold at least one of `roles`, or gets 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_any_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator


staff_required = role_required(Role.STAFF)


def throttled_username(request, credentials: dict | None) -> str | None:
    """The sign-in throttle counts failures per email address whatever its case."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
