"""Weekly digests: who gets one and which sections each role reads. The sections themselves belong to
the apps whose data they show; each registers them with registry.register_digest_section from its
AppConfig.ready() (docs/notifications.md)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from accounts.models import User

from . import registry
from .registry import DigestBlock, DigestWeek, MessageSpec

LONDON = ZoneInfo("Europe/London")
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 8  # 08:00 to 08:59 London time

DIGEST_KIND = registry.register_kind(
    "weekly_digest",
    "Weekly progress digest",
    optional=True,
    description="Monday morning: your week ahead and, for staff, each running cohort.",
)

ROLE_FLAGS = {"programme_staff": "is_programme_staff", "mentor": "is_mentor", "officer": "is_officer"}


def digest_due_at(week: DigestWeek) -> datetime:
    """Monday 08:00 London of `week`: its digests go from then on."""
    return datetime.combine(week.monday, time(DIGEST_HOUR), tzinfo=LONDON)


def digest_week(now: datetime) -> DigestWeek:
    """The London week that contains `now`."""
    local_day = now.astimezone(LONDON).date()
    iso = local_day.isocalendar()
    monday = local_day - timedelta(days=local_day.weekday())
    return DigestWeek(iso_year=iso.year, iso_week=iso.week, monday=monday, sunday=monday + timedelta(days=6))


def next_digest_time(now: datetime) -> datetime:
    """The next Monday 08:00 London after `now` (for the staff preview): today's on a Monday before
    08:00, otherwise the coming Monday's."""
    local = now.astimezone(LONDON)
    today = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=LONDON)
    if local.weekday() == DIGEST_WEEKDAY and local < today:
        return today
    monday = local.date() + timedelta(days=(7 - local.weekday()) % 7 or 7)
    return datetime.combine(monday, time(DIGEST_HOUR), tzinfo=LONDON)


def week_bounds(week: DigestWeek) -> tuple[datetime, datetime]:
    start = datetime.combine(week.monday, time(0), tzinfo=LONDON)
    end = datetime.combine(week.monday + timedelta(days=7), time(0), tzinfo=LONDON)
    return start, end


@dataclass
class Digest:
    user: User
    week: DigestWeek
    blocks: list[DigestBlock]

    @property
    def dedup_key(self) -> str:
        return f"digest:{self.user.pk}:{self.week.label}"

    @property
    def spec(self) -> MessageSpec:
        return MessageSpec(
            dedup_key=self.dedup_key,
            to_email=self.user.email,
            recipient=self.user,
            kind=DIGEST_KIND.name,
            template="weekly_digest",
            context={"user": self.user, "week": self.week, "blocks": self.blocks},
            send_after=digest_due_at(self.week),
        )


def digest_recipients() -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_programme_staff=True) | Q(is_mentor=True) | Q(is_officer=True))
        .order_by("pk")
    )


def digests_build(*, week: DigestWeek, now: datetime | None = None, users: list[User] | None = None) -> list[Digest]:
    """Every recipient's digest for `week`, sections in order. A fixed number of queries per
    section, however many people there are."""
    users = digest_recipients() if users is None else users
    digests = {user.pk: Digest(user=user, week=week, blocks=[]) for user in users}
    for section in sorted(registry.DIGEST_SECTIONS.values(), key=lambda section: (section.order, section.name)):
        flag = ROLE_FLAGS[section.role]
        members = [user for user in users if getattr(user, flag)]
        if not members:
            continue
        for user_id, blocks in section.build(members, week).items():
            digests[user_id].blocks.extend(block for block in blocks if block.items)
    return list(digests.values())


def digest_preview_for(*, now: datetime) -> tuple[DigestWeek, list[Digest]]:
    """The digests that would go next Monday, built from today's data (for the staff preview)."""
    when = next_digest_time(now)
    week = digest_week(when)
    return week, [digest for digest in digests_build(week=week) if digest.blocks]
