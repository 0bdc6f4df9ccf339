"""Roster import: all or nothing, with an error for each bad row."""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, User

from ..models import (
    Cohort,
    Enrolment,
    Stream,
)
from .enrolments import enrolment_set_status

ROSTER_COLUMNS = ["email", "full_name", "organisation", "job_title", "stream"]


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
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("email", "full_name", "organisation") if name not in header]
    if missing:
        return RosterImport(rows=[], errors=[f"row 1: the header must include {', '.join(missing)}"])
    reader.fieldnames = header
    organisations = _organisation_lookup()
    streams = {stream.name.casefold(): stream for stream in cohort.streams.all()}
    existing = {enrolment.officer.email: enrolment for enrolment in cohort.enrolments.select_related("officer")}
    users = {user.email: user for user in User.objects.all().only("email", "is_officer")}
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
    for number, raw in enumerate(reader, start=2):
        values = {key: (value or "").strip() for key, value in raw.items() if key}
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
    left as they are, so importing the same file twice changes nothing."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    result = roster_read(cohort=cohort, content=content)
    if not result.is_valid or dry_run:
        return result
    from accounts.services import user_create

    for row in result.rows:
        if row.outcome == "already on the roster":
            continue
        officer = User.objects.filter(email__iexact=row.email).first()
        if officer is None:
            officer = user_create(
                email=row.email,
                full_name=row.full_name,
                organisation=row.organisation,
                job_title=row.job_title,
                is_officer=True,
                created_by=actor,
            )
        elif not officer.is_officer:
            officer.is_officer = True
            if officer.organisation_id is None:
                officer.organisation = row.organisation
            officer.save(update_fields=["is_officer", "organisation"])
        enrolment, _ = Enrolment.objects.get_or_create(
            cohort=cohort,
            officer=officer,
            defaults={
                "organisation": row.organisation,
                "job_title": row.job_title,
                "stream": row.stream,
                "applied_by": actor,
                # The programme team agreed release with managers outside the service.
                "manager_decision": Enrolment.ManagerDecision.APPROVED,
            },
        )
        enrolment.waitlist_position = None
        enrolment.offer_expires_at = None
        enrolment.stream = row.stream
        enrolment.save(update_fields=["waitlist_position", "offer_expires_at", "stream"])
        enrolment_set_status(
            enrolment=enrolment, status=Enrolment.Status.SELECTED, actor=actor, note="Imported from roster"
        )
    result.saved = True
    return result
