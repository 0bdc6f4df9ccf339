"""Who must use a second factor, and whether they have one (django-otp devices)."""

from django_otp import user_has_device


def requires_two_factor(user) -> bool:
    """Programme staff and mentors must; officers may."""
    return bool(getattr(user, "is_programme_staff", False) or getattr(user, "is_mentor", False))


def has_two_factor(user) -> bool:
    """The person has a confirmed second-factor device."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user_has_device(user, confirmed=True)
