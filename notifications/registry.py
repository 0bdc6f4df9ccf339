"""Where apps plug into notifications: kinds of email, reminder sources and weekly digest sections.

Each app registers its own in its AppConfig.ready() (see docs/notifications.md). The notifications
app owns only the machinery and the parts that depend on cohorts: training session reminders, the
officer's week of training and the staff view of running cohorts.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Kind:
    """A kind of email. Optional kinds can be switched off by the person who receives them."""

    name: str
    label: str
    optional: bool = False
    description: str = ""


@dataclass(frozen=True)
class MessageSpec:
    """One email that should exist (a reminder or a digest). `dedup_key` must start with its source's prefix and
    identify the cause precisely (include what would make the reminder wrong if it changed, such as
    a start time), because a queued reminder whose key is no longer returned is cancelled."""

    dedup_key: str
    to_email: str
    kind: str
    template: str
    context: dict[str, Any]
    send_after: datetime
    recipient: Any = None
    attachments: list[dict] = field(default_factory=list)


ReminderSpec = MessageSpec


@dataclass(frozen=True)
class ReminderSource:
    name: str
    dedup_prefix: str
    collect: Callable[[datetime], Iterable[ReminderSpec]]


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str = ""


@dataclass(frozen=True)
class DigestBlock:
    """One section of one person's digest: a heading and a list of lines. Empty blocks are dropped."""

    title: str
    items: list[DigestItem]
    intro: str = ""


@dataclass(frozen=True)
class DigestWeek:
    """The ISO week a digest is about, in London dates (Monday to Sunday)."""

    iso_year: int
    iso_week: int
    monday: date
    sunday: date

    @property
    def label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"


# A section builder gets every recipient of its role at once (so it can run a fixed number of
# queries however many people there are) and returns blocks keyed by user id.
SectionBuilder = Callable[[list, DigestWeek], dict[int, list[DigestBlock]]]


@dataclass(frozen=True)
class DigestSection:
    name: str
    role: str  # accounts.permissions.Role value: "programme_staff", "mentor" or "officer"
    build: SectionBuilder
    order: int = 100


KINDS: dict[str, Kind] = {}
REMINDER_SOURCES: dict[str, ReminderSource] = {}
DIGEST_SECTIONS: dict[str, DigestSection] = {}


def register_kind(name: str, label: str, *, optional: bool = False, description: str = "") -> Kind:
    kind = Kind(name=name, label=label, optional=optional, description=description)
    KINDS[name] = kind
    return kind


def register_reminder_source(
    *, name: str, dedup_prefix: str, collect: Callable[[datetime], Iterable[ReminderSpec]]
) -> ReminderSource:
    if not dedup_prefix.endswith(":"):
        raise ValueError("A reminder source's dedup_prefix ends with ':' so that prefixes cannot overlap.")
    for other in REMINDER_SOURCES.values():
        if other.name != name and (
            other.dedup_prefix.startswith(dedup_prefix) or dedup_prefix.startswith(other.dedup_prefix)
        ):
            raise ValueError(f"dedup_prefix {dedup_prefix!r} overlaps {other.name}'s {other.dedup_prefix!r}")
    source = ReminderSource(name=name, dedup_prefix=dedup_prefix, collect=collect)
    REMINDER_SOURCES[name] = source
    return source


def register_digest_section(*, name: str, role: str, build: SectionBuilder, order: int = 100) -> DigestSection:
    section = DigestSection(name=name, role=role, build=build, order=order)
    DIGEST_SECTIONS[name] = section
    return section


def register_digest_placeholder(*, name: str, role: str, order: int = 100) -> DigestSection:
    """A section another app will provide, registered as a hook that returns nothing. It never
    replaces a real section of the same name, whichever app is ready first; the real one, registered
    with register_digest_section under the same name, replaces it."""
    if name in DIGEST_SECTIONS:
        return DIGEST_SECTIONS[name]
    return register_digest_section(name=name, role=role, build=lambda users, week: {}, order=order)


def kind_is_optional(name: str) -> bool:
    """Unknown kinds are essential: a kind must be registered as optional to be switched off."""
    kind = KINDS.get(name)
    return bool(kind and kind.optional)


def optional_kinds() -> list[Kind]:
    return sorted((kind for kind in KINDS.values() if kind.optional), key=lambda kind: kind.label)
