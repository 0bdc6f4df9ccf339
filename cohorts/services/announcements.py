"""Announcements from staff to a cohort, a stream, an organisation's officers, all mentors or all
graduates. They live in cohorts because every audience is made of cohort facts (a selected or
completed enrolment) or of accounts (mentors); notifications only sends the emails."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from notifications.registry import register_kind
from notifications.services import messages_queue_now

from ..models import Announcement, AnnouncementRecipient, Cohort, Enrolment, Stream
from .enrolments import CohortError

ANNOUNCEMENT_KIND = register_kind(
    "announcement",
    "Announcements from the programme team",
    optional=True,
    description="News and changes sent to your cohort, stream, organisation or role",
)
ANNOUNCEMENT_ESSENTIAL_KIND = register_kind("announcement_essential", "Essential announcements from the programme team")

PLACED = (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED)


@dataclass(frozen=True)
class AnnouncementDraft:
    """What staff wrote, before it is sent: the preview and the send read the same draft."""

    title: str
    body: str
    audience: str
    cohort: Cohort | None = None
    stream: Stream | None = None
    organisation: Organisation | None = None
    is_essential: bool = False

    @property
    def audience_label(self) -> str:
        label = Announcement.Audience(self.audience).label
        target = {
            Announcement.Audience.COHORT: self.cohort,
            Announcement.Audience.STREAM: self.stream and f"{self.stream.name}, {self.stream.cohort.name}",
            Announcement.Audience.ORGANISATION: self.organisation,
        }.get(self.audience)
        return f"{label}: {target}" if target else label


def audience_users(draft: AnnouncementDraft) -> QuerySet[User]:
    """Everyone the announcement is for, as one query (count it in SQL, never in Python)."""
    people = User.objects.filter(is_active=True)
    audience = draft.audience
    if audience == Announcement.Audience.COHORT:
        return people.filter(enrolments__cohort=draft.cohort, enrolments__status__in=PLACED).distinct()
    if audience == Announcement.Audience.STREAM:
        return people.filter(enrolments__stream=draft.stream, enrolments__status__in=PLACED).distinct()
    if audience == Announcement.Audience.ORGANISATION:
        return people.filter(is_officer=True, organisation=draft.organisation)
    if audience == Announcement.Audience.MENTORS:
        return people.filter(is_mentor=True)
    if audience == Announcement.Audience.GRADUATES:
        return people.filter(enrolments__status=Enrolment.Status.COMPLETED).distinct()
    raise CohortError("Choose who the announcement is for", field="audience")


def _draft_check(draft: AnnouncementDraft) -> None:
    if not draft.title.strip():
        raise CohortError("Enter a title", field="title")
    if not draft.body.strip():
        raise CohortError("Enter the announcement", field="body")
    needs = {
        Announcement.Audience.COHORT: ("cohort", draft.cohort),
        Announcement.Audience.STREAM: ("stream", draft.stream),
        Announcement.Audience.ORGANISATION: ("organisation", draft.organisation),
    }
    if draft.audience in needs and needs[draft.audience][1] is None:
        field = needs[draft.audience][0]
        raise CohortError(f"Choose the {field} the announcement is for", field=field)


@transaction.atomic
def announcement_send(*, draft: AnnouncementDraft, actor: User) -> Announcement:
    """Saves the announcement with its recipients (fixed now) and writes one email each to the
    outbox. Optional announcements skip people who unsubscribed from them; the banner on the home
    page still shows to everyone in the audience."""
    _draft_check(draft)
    if draft.audience not in Announcement.Audience.values:
        raise CohortError("Choose who the announcement is for", field="audience")
    announcement = Announcement.objects.create(
        title=draft.title.strip(),
        body=draft.body.strip(),
        audience=draft.audience,
        cohort=draft.cohort if draft.audience == Announcement.Audience.COHORT else None,
        stream=draft.stream if draft.audience == Announcement.Audience.STREAM else None,
        organisation=draft.organisation if draft.audience == Announcement.Audience.ORGANISATION else None,
        is_essential=draft.is_essential,
        sent_by=actor,
        sent_at=timezone.now(),
    )
    people = list(audience_users(draft).order_by("pk"))
    AnnouncementRecipient.objects.bulk_create(
        [AnnouncementRecipient(announcement=announcement, user=person) for person in people]
    )
    kind = ANNOUNCEMENT_ESSENTIAL_KIND if draft.is_essential else ANNOUNCEMENT_KIND
    home = reverse("home")
    messages_queue_now(
        emails=[
            {
                "recipient": person,
                "to_email": person.email,
                "kind": kind.name,
                "dedup_key": f"announcement:{announcement.pk}:{person.pk}",
                "template": "cohorts_announcement",
                "context": {"announcement": announcement, "home_path": home},
            }
            for person in people
        ]
    )
    return announcement


@transaction.atomic
def announcement_dismiss(*, announcement_id: int, user: User) -> bool:
    """Hides the banner for this person only. Returns False when it was not theirs or already gone."""
    return bool(
        AnnouncementRecipient.objects.filter(
            announcement_id=announcement_id, user=user, dismissed_at__isnull=True
        ).update(dismissed_at=timezone.now())
    )
