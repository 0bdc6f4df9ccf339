"""Who must use a second factor, whether they have one, and the second factor itself (django-otp).

Two kinds of device per person: one TOTP authenticator app (otp_totp) and one set of single-use
recovery codes (otp_static). Both are checked from the one code input at sign-in. Wrong codes are
counted per person (`SecondFactorThrottle`): after SECOND_FACTOR_FAILURE_LIMIT the code step is locked
for AXES_COOLOFF_TIME, as the password step is by django-axes."""

import enum
import re
import secrets
import time
from base64 import b32decode, b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.log import record

from .models import SecondFactorThrottle, User
from .sessions import sessions_end

RECOVERY_CODE_COUNT = 10
TOTP_TOLERANCE = 1  # steps either side of now: a code stays good for about a minute and a half
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def requires_two_factor(user) -> bool:
    """Programme staff and mentors must; officers may."""
    return bool(getattr(user, "is_programme_staff", False) or getattr(user, "is_mentor", False))


def has_two_factor(user) -> bool:
    """The person has a confirmed second-factor device."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user_has_device(user, confirmed=True)


def has_authenticator_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Set-up ---------------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh TOTP secret, as hex (how django-otp stores it)."""
    return secrets.token_hex(20)


def secret_base32(hex_key: str) -> str:
    """The secret as an authenticator app takes it when typed in."""
    return b32encode(bytes.fromhex(hex_key)).decode()


def secret_hex(base32: str) -> str:
    return b32decode(base32.upper()).hex()


def secret_for_display(hex_key: str) -> str:
    """The base32 secret in groups of four, easier to type."""
    text = secret_base32(hex_key)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_data_uri(*, user: User, hex_key: str) -> str:
    """The otpauth:// URL as an SVG QR code, in a data: URI (the CSP allows data: images only)."""
    url = TOTPDevice(user=user, key=hex_key).config_url
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(hex_key: str, code: str, *, after: int = -1) -> int | None:
    """The time step whose TOTP code is `code`, within the tolerance, or None."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=TOTP_TOLERANCE, min_t=after + 1):
        return totp.t()
    return None


@transaction.atomic
def recovery_codes_make(*, user: User) -> list[str]:
    """A new set of recovery codes; any earlier set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def authenticator_app_confirm(
    *, user: User, hex_key: str, code: str, request=None
) -> tuple[TOTPDevice, list[str]] | None:
    """Saves the authenticator app if `code` is the code it shows now, replacing any earlier one, and
    makes a new set of recovery codes. Returns (device, recovery codes), or None for a wrong code."""
    step = _matching_step(hex_key, normalise_code(code))
    if step is None:
        record(Action.SECOND_FACTOR_FAILED, request=request, actor=user, obj=user, step="set_up")
        return None
    replaced = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just used to confirm cannot be used again to sign in.
    device = TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, key=hex_key, confirmed=True, tolerance=TOTP_TOLERANCE, last_t=step
    )
    codes = recovery_codes_make(user=user)
    record(Action.SECOND_FACTOR_SET_UP, request=request, actor=user, obj=user, replaced=replaced)
    return device, codes


@transaction.atomic
def second_factor_reset(*, user: User, actor: User, request=None) -> int:
    """Removes every second-factor device of `user` (staff, when a person loses their phone). Their
    sessions end too; staff and mentors are asked to set a new one up at their next sign-in."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    SecondFactorThrottle.objects.filter(user=user).delete()
    ended = sessions_end(user=user)
    record(
        Action.SECOND_FACTOR_RESET, request=request, actor=actor, obj=user, rows_removed=removed, sessions_ended=ended
    )
    return removed


# --- The code step --------------------------------------------------------------------------------


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass
class Verification:
    outcome: Outcome
    device: object | None = None
    method: str = ""


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def failure_limit() -> int:
    return getattr(settings, "SECOND_FACTOR_FAILURE_LIMIT", settings.AXES_FAILURE_LIMIT)


def is_locked(user: User) -> bool:
    return SecondFactorThrottle.objects.filter(user=user, locked_until__gt=timezone.now()).exists()


def _match(user: User, code: str):
    if re.fullmatch(r"\d{6}", code):
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device, "authenticator_app"
        return None, ""
    for device in StaticDevice.objects.filter(user=user, confirmed=True).select_for_update():
        if device.verify_token(code):  # deletes the code: each one works once
            return device, "recovery_code"
    return None, ""


@transaction.atomic
def second_factor_verify(*, user: User, code: str, request=None) -> Verification:
    """Checks a code from the authenticator app or a recovery code, counting wrong ones."""
    throttle, _ = SecondFactorThrottle.objects.select_for_update().get_or_create(user=user)
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        return Verification(Outcome.LOCKED)
    device, method = _match(user, normalise_code(code))
    if device is not None:
        throttle.failures, throttle.locked_until = 0, None
        throttle.save(update_fields=["failures", "locked_until"])
        if method == "recovery_code":
            record(Action.RECOVERY_CODE_USED, request=request, actor=user, obj=user, left=recovery_codes_left(user))
        return Verification(Outcome.ACCEPTED, device=device, method=method)
    throttle.failures += 1
    record(
        Action.SECOND_FACTOR_FAILED, request=request, actor=user, obj=user, step="sign_in", failures=throttle.failures
    )
    if throttle.failures >= failure_limit():
        throttle.failures, throttle.locked_until = 0, now + settings.AXES_COOLOFF_TIME
        record(
            Action.LOCKED_OUT, request=request, actor=user, obj=user, step="second_factor", until=throttle.locked_until
        )
        throttle.save(update_fields=["failures", "locked_until"])
        return Verification(Outcome.LOCKED)
    throttle.save(update_fields=["failures", "locked_until"])
    return Verification(Outcome.WRONG)
