"""Roster import: all or nothing, with an error for each bad row."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organisation, User
from audit.actions import Action
from audit.log import record_many
from common.bulk import objects_insert, rows_insert
from common.csvfile import csv_dict_reader

from ..models import (
    Cohort,
    Enrolment,
    EnrolmentEvent,
    Stream,
)
from .enrolments import GRADUATED, CohortError

ROSTER_COLUMNS = ["email", "full_name", "organisation", "job_title", "stream"]


# As long as the columns they are saved in: checked row by row here, so that a long value is an error
# on its row in the preview, not a failure when the import is confirmed.
LENGTH_LIMITS = {
    "email": User._meta.get_field("email").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
    "job_title": min(User._meta.get_field("job_title").max_length, Enrolment._meta.get_field("job_title").max_length),
}


@dataclass
class RosterRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    email: str
    full_name: str
    organisation: Organisation | None
    job_title: str
    stream: Stream | None
    errors: list[str] = field(default_factory=list)
    outcome: str = ""  # "new officer", "selected", "already on the roster"


@dataclass
class RosterImport:
    rows: list[RosterRow]
    errors: list[str]  # "row N: message", and file-level problems
    saved: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(1 for row in self.rows if row.outcome != "already on the roster")


def _organisation_lookup() -> dict[str, Organisation]:
    lookup = {}
    for organisation in Organisation.objects.all():
        lookup[organisation.name.casefold()] = organisation
        if organisation.gss_code:
            lookup[organisation.gss_code.casefold()] = organisation
    return lookup


def roster_read(*, cohort: Cohort, content: bytes | str) -> RosterImport:
    """Reads and checks a roster CSV without saving anything."""
    reader = csv_dict_reader(content)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("email", "full_name", "organisation") if name not in header]
    if missing:
        return RosterImport(rows=[], errors=[f"row 1: the header must include {', '.join(missing)}"])
    reader.fieldnames = header
    organisations = _organisation_lookup()
    streams = {stream.name.casefold(): stream for stream in cohort.streams.all()}
    existing = {enrolment.officer.email.lower(): enrolment for enrolment in cohort.enrolments.select_related("officer")}
    records = [
        (number, {key: (value or "").strip() for key, value in raw.items() if key})
        for number, raw in enumerate(reader, start=2)
    ]
    # Only the file's addresses are looked up (whatever case an account was written in), not every account.
    users = set(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in={values.get("email", "").lower() for _, values in records})
        .values_list("email_lower", flat=True)
    )
    # Places taken as enrolment_select counts them: selected officers and open offers to the waitlist.
    holding_places = cohort.enrolments.filter(
        Q(status=Enrolment.Status.SELECTED) | Q(status=Enrolment.Status.WAITLISTED, offer_expires_at__gt=timezone.now())
    )
    holding = holding_places.count()
    caps = dict(cohort.organisation_places.values_list("organisation_id", "places"))
    holding_here = Counter(
        holding_places.filter(organisation_id__in=list(caps)).values_list("organisation_id", flat=True)
    )
    on_roster = (Enrolment.Status.SELECTED, Enrolment.Status.COMPLETED)
    seen: set[str] = set()
    rows: list[RosterRow] = []
    for number, values in records:
        email = values.get("email", "").lower()
        organisation_name = values.get("organisation", "")
        row = RosterRow(
            number=number,
            email=email,
            full_name=values.get("full_name", ""),
            organisation=organisations.get(organisation_name.casefold()),
            job_title=values.get("job_title", ""),
            stream=None,
        )
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(f"'{email}' is not a valid email address" if email else "enter an email address")
        if email and email in seen:
            row.errors.append(f"{email} appears more than once in the file")
        seen.add(email)
        if not row.full_name:
            row.errors.append("enter a full name")
        for column, limit in LENGTH_LIMITS.items():
            if len(values.get(column, "")) > limit:
                row.errors.append(f"{column.replace('_', ' ')} must be {limit} characters or fewer")
        if row.organisation is None:
            row.errors.append(f"unknown organisation '{organisation_name}' (use its GSS code or full name)")
        stream_name = values.get("stream", "")
        if stream_name:
            row.stream = streams.get(stream_name.casefold())
            if row.stream is None:
                row.errors.append(f"unknown stream '{stream_name}'")
        enrolment = existing.get(email)
        if enrolment is not None and enrolment.status in on_roster:
            row.outcome = "already on the roster"
        else:
            row.outcome = "selected" if email in users else "new officer"
            # An officer holding an open offer already counts in `holding`.
            if not row.errors and not (enrolment is not None and enrolment.has_open_offer):
                holding += 1
                if holding > cohort.capacity:
                    row.errors.append(f"the cohort is full ({cohort.capacity} places)")
                organisation_id = (
                    enrolment.organisation_id if enrolment is not None else getattr(row.organisation, "pk", None)
                )
                if organisation_id in caps:
                    holding_here[organisation_id] += 1
                    if holding_here[organisation_id] > caps[organisation_id]:
                        row.errors.append(f"{row.organisation} has used all of its {caps[organisation_id]} places")
        rows.append(row)
    if not rows:
        return RosterImport(rows=[], errors=["row 2: the file has no officers in it"])
    errors = [f"row {row.number}: {message}" for row in rows for message in row.errors]
    return RosterImport(rows=rows, errors=errors)


@transaction.atomic
def roster_import(*, cohort: Cohort, content: bytes | str, actor: User | None, dry_run: bool = False) -> RosterImport:
    """All or nothing: every row must be valid, or nothing is saved. Officers already selected are
    left as they are, so importing the same file twice changes nothing.

    Written in batches: one lookup per table and bulk writes, so a file of 1,500 rows takes the same
    number of queries as a file of ten. The rows and history are those that enrolment_set_status
    writes one at a time: each place becomes selected with an EnrolmentEvent naming the actor."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    result = roster_read(cohort=cohort, content=content)
    if not result.is_valid or dry_run:
        return result
    from accounts.services import officers_create_many

    rows = [row for row in result.rows if row.outcome != "already on the roster"]
    if not rows:
        result.saved = True
        return result
    emails = [row.email for row in rows]
    people = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    officers = dict(people)
    new = [row for row in rows if row.email not in people]
    for officer in officers_create_many(
        people=[
            {
                "email": row.email,
                "full_name": row.full_name,
                "organisation": row.organisation,
                "job_title": row.job_title,
            }
            for row in new
        ],
        created_by=actor,
    ):
        officers[officer.email] = officer
    promoted = []
    for row in rows:
        officer = people.get(row.email)
        if officer is not None and not officer.is_officer:
            officer.is_officer = True
            if officer.organisation_id is None:
                officer.organisation = row.organisation
            promoted.append(officer)
    if promoted:
        User.objects.bulk_update(promoted, ["is_officer", "organisation"])
        changes = [(officer, {"is_officer": False}, {"is_officer": True}) for officer in promoted]
        record_many(Action.ROLE_CHANGED, changes, actor=actor, via="roster import")

    existing = {
        enrolment.officer_id: enrolment
        for enrolment in Enrolment.objects.filter(cohort=cohort, officer__in=[officers[email] for email in emails])
    }
    made, changed, events = [], [], []
    for row in rows:
        officer = officers[row.email]
        enrolment = existing.get(officer.pk)
        if enrolment is None:
            previous = Enrolment.Status.APPLIED  # as get_or_create made it before its status was set
            enrolment = Enrolment(
                cohort=cohort,
                officer=officer,
                organisation=row.organisation,
                job_title=row.job_title,
                applied_by=actor,
                # The programme team agreed release with managers outside the service.
                manager_decision=Enrolment.ManagerDecision.APPROVED,
            )
            made.append(enrolment)
        else:
            previous = enrolment.status
            if previous == Enrolment.Status.COMPLETED:
                raise CohortError(GRADUATED.format(officer=officer))
            changed.append(enrolment)
        enrolment.waitlist_position = None
        enrolment.offer_expires_at = None
        enrolment.stream = row.stream
        enrolment.status = Enrolment.Status.SELECTED
        events.append((enrolment, previous))
    objects_insert(made)
    if changed:
        Enrolment.objects.bulk_update(changed, ["waitlist_position", "offer_expires_at", "stream", "status"])
    rows_insert(
        EnrolmentEvent,
        (
            {
                "enrolment_id": enrolment.pk,
                "from_status": previous,
                "to_status": Enrolment.Status.SELECTED,
                "actor": actor,
                "note": "Imported from roster",
            }
            for enrolment, previous in events
        ),
    )
    record_many(
        Action.ENROLMENT_STATUS_CHANGED,
        [(enrolment, {"status": previous}, {"status": Enrolment.Status.SELECTED}) for enrolment, previous in events],
        actor=actor,
        note="Imported from roster",
    )
    result.saved = True
    return result
