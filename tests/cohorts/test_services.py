from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from audit.actions import Action
from audit.models import AuditEvent
from cohorts import calendar, services
from cohorts.models import Attendance, Cohort, Enrolment, EnrolmentEvent, OrganisationPlaces
from notifications.models import Message
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OfficerFactory,
    StaffFactory,
    TrainingSessionFactory,
    borough,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def london_days(cohort):
    return [timezone.localtime(s.starts_at, LONDON).date() for s in cohort.sessions.order_by("week_number")]


# --- schedule ---


def test_schedule_generate_moves_easter_monday_2027_to_tuesday():
    cohort = CohortFactory(start_date=date(2027, 3, 22), training_weekday=Cohort.Weekday.MONDAY, weeks=3)
    services.schedule_generate(cohort=cohort)
    assert london_days(cohort) == [date(2027, 3, 22), date(2027, 3, 30), date(2027, 4, 5)]
    moved = cohort.sessions.get(week_number=2)
    assert moved.moved_from == date(2027, 3, 29)
    assert moved.moved_reason == "Easter Monday: moved to the next working day that week"


def test_schedule_generate_skips_substitute_boxing_day_2026_when_training_over_christmas():
    cohort = CohortFactory(
        start_date=date(2026, 12, 21), training_weekday=Cohort.Weekday.MONDAY, weeks=2, trains_over_christmas=True
    )
    services.schedule_generate(cohort=cohort)
    assert london_days(cohort) == [date(2026, 12, 21), date(2026, 12, 29)]
    assert cohort.sessions.get(week_number=2).moved_from == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("start", "utc_hours"),
    [(date(2026, 3, 24), [10, 9]), (date(2026, 10, 20), [9, 10])],  # either side of each clock change
)
def test_schedule_generate_keeps_ten_oclock_london_across_clock_changes(start, utc_hours):
    cohort = CohortFactory(start_date=start, training_weekday=Cohort.Weekday.TUESDAY, weeks=2)
    services.schedule_generate(cohort=cohort)
    sessions = list(cohort.sessions.order_by("week_number"))
    assert [timezone.localtime(s.starts_at, LONDON).time() for s in sessions] == [time(10), time(10)]
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == utc_hours


@time_machine.travel(datetime(2026, 9, 1, 9, tzinfo=LONDON))
def test_cohort_create_generates_schedule_with_streams_and_places():
    cohort = services.cohort_create(
        name="Autumn",
        slug="autumn",
        start_date=date(2026, 9, 15),
        training_weekday=Cohort.Weekday.TUESDAY,
        curriculum=None,
        streams=[services.StreamSpec("Foundations", 1, 8), services.StreamSpec("Advanced", 9, 12)],
        places={borough("Camden"): 2},
    )
    assert cohort.sessions.count() == 12
    assert [s.name for s in cohort.streams.all()] == ["Foundations", "Advanced"]
    assert OrganisationPlaces.objects.get(cohort=cohort).places == 2


def test_cohort_create_refuses_a_start_date_in_the_past():
    with pytest.raises(services.CohortError, match="today or in the future"):
        services.cohort_create(
            name="Old", slug="old", start_date=timezone.localdate() - timedelta(days=1), training_weekday=1
        )
    assert Cohort.objects.count() == 0


def test_cohort_update_refuses_capacity_below_current_selections():
    cohort = CohortFactory(name="Spring", capacity=5)
    EnrolmentFactory.create_batch(3, cohort=cohort)
    with pytest.raises(services.CohortError, match="less than the 3 officers already selected"):
        services.cohort_update(cohort=cohort, name="Renamed", capacity=2, status=cohort.status)
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Spring", 5)


def test_session_update_and_cancel_raise_the_calendar_sequence():
    session = TrainingSessionFactory()
    services.session_update(session=session, day=date(2027, 1, 5), starts=time(13), ends=time(17), topic="Moved topic")
    services.session_cancel(session=session)
    session.refresh_from_db()
    assert (session.sequence, session.is_cancelled) == (2, True)
    assert timezone.localtime(session.starts_at, LONDON) == datetime(2027, 1, 5, 13, tzinfo=LONDON)


def test_schedule_calendar_has_london_timezone_stable_uids_sequence_and_cancellations():
    cohort = CohortFactory(start_date=date(2026, 3, 24), training_weekday=Cohort.Weekday.TUESDAY, weeks=2)
    services.schedule_generate(cohort=cohort)
    first, second = cohort.sessions.order_by("week_number")
    services.session_cancel(session=second)
    second.refresh_from_db()
    parsed = Calendar.from_ical(calendar.schedule_calendar([first, second], name="Bootcamp"))
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/London"]
    events = parsed.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [calendar.session_uid(first), calendar.session_uid(second)]
    assert [e["SEQUENCE"] for e in events] == [0, 1]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert events[1]["DTSTART"].dt == datetime(2026, 3, 31, 10, tzinfo=LONDON)
    assert events[1]["DTSTART"].params["TZID"] == "Europe/London"


def test_curriculum_update_renames_topics_in_week_order():
    from cohorts.models import CurriculumTemplate

    template = CurriculumTemplate.objects.get()
    services.curriculum_update(template=template, name="Short", description="", topics=["One", "Two"])
    assert list(template.topics.values_list("week_number", "topic")) == [(1, "One"), (2, "Two")]


# --- applications ---


def apply(cohort, officer, **overrides):
    fields = {
        "cohort": cohort,
        "officer": officer,
        "organisation": officer.organisation,
        "job_title": "Analyst",
        "motivation": "Matching",
        "prior_experience": "",
        "proposed_problem": "Link records",
        "line_manager_name": "Morgan",
        "line_manager_email": "Morgan@Example.org",
        "applied_by": officer,
    }
    fields.update(overrides)
    return services.application_create(**fields)


def test_application_create_emails_the_line_manager_a_signed_link():
    officer = OfficerFactory()
    enrolment = apply(CohortFactory(), officer)
    message = Message.objects.get(kind="manager_approval")
    assert message.to_email == "morgan@example.org"
    token = services.manager_link_token(enrolment)
    assert f"/cohorts/manager/{token}/" in message.body_text
    assert services.manager_link_enrolment(token) == enrolment


def test_application_create_refuses_a_duplicate():
    officer = OfficerFactory()
    cohort = CohortFactory()
    apply(cohort, officer)
    with pytest.raises(services.CohortError, match="already applied"):
        apply(cohort, officer)
    assert Enrolment.objects.count() == 1


def test_application_create_refuses_a_cohort_that_is_not_recruiting():
    with pytest.raises(services.CohortError, match="not taking applications"):
        apply(CohortFactory(status=Cohort.Status.DRAFT), OfficerFactory())


def test_manager_link_tampered_or_expired_is_refused():
    enrolment = apply(CohortFactory(), OfficerFactory())
    token = services.manager_link_token(enrolment)
    with pytest.raises(services.ManagerLinkInvalid, match="tampered"):
        services.manager_link_enrolment(token[:-2] + "xx")
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(services.ManagerLinkInvalid, match="expired"),
    ):
        services.manager_link_enrolment(token)


def test_manager_changes_their_answer_until_staff_decide():
    enrolment = apply(CohortFactory(), OfficerFactory())
    services.manager_decide(enrolment=enrolment, approve=True)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("manager_approved", "approved")
    services.manager_decide(enrolment=enrolment, approve=False)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("applied", "declined")
    services.manager_decide(enrolment=enrolment, approve=False)  # the same answer again changes nothing
    services.manager_decide(enrolment=enrolment, approve=True)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("manager_approved", "approved")
    assert list(enrolment.events.values_list("to_status", "note")) == [
        ("applied", "Applied"),
        ("manager_approved", f"Line manager {enrolment.line_manager_email} approved"),
        ("applied", f"Line manager {enrolment.line_manager_email} changed their answer: declined"),
        ("manager_approved", f"Line manager {enrolment.line_manager_email} changed their answer: approved"),
    ]

    services.enrolment_waitlist(enrolment=enrolment, actor=StaffFactory())
    with pytest.raises(services.CohortError, match="already decided on this application"):
        services.manager_decide(enrolment=enrolment, approve=False)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.manager_decision) == ("waitlisted", "approved")


def approved(cohort, **kwargs):
    return EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.MANAGER_APPROVED, manager_decision="approved", **kwargs
    )


def test_enrolment_select_refuses_beyond_capacity():
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    services.enrolment_select(enrolment=approved(cohort), actor=staff)
    second = approved(cohort)
    with pytest.raises(services.CohortError, match="is full: all 1 places are taken"):
        services.enrolment_select(enrolment=second, actor=staff)
    second.refresh_from_db()
    assert second.status == Enrolment.Status.MANAGER_APPROVED


def test_enrolment_select_refuses_beyond_organisation_places():
    cohort = CohortFactory(capacity=10)
    camden = borough("Camden")
    OrganisationPlaces.objects.create(cohort=cohort, organisation=camden, places=1)
    staff = StaffFactory()
    services.enrolment_select(enrolment=approved(cohort, officer=OfficerFactory(organisation=camden)), actor=staff)
    with pytest.raises(services.CohortError, match="Camden has used all of its 1 places"):
        services.enrolment_select(enrolment=approved(cohort, officer=OfficerFactory(organisation=camden)), actor=staff)


def test_enrolment_select_refuses_without_manager_approval():
    enrolment = EnrolmentFactory(status=Enrolment.Status.APPLIED)
    with pytest.raises(services.CohortError, match="line manager has not approved"):
        services.enrolment_select(enrolment=enrolment, actor=StaffFactory())


def test_withdrawal_offers_the_place_to_the_next_waitlisted_who_accepts():
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    leaving = services.enrolment_select(enrolment=approved(cohort), actor=staff)
    first = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)
    second = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)

    services.enrolment_withdraw(enrolment=leaving, actor=leaving.officer)
    first.refresh_from_db()
    assert first.has_open_offer
    offer = Message.objects.get(kind="place_offer")
    assert offer.to_email == first.officer.email
    # the offer holds the place: staff cannot give it to someone else meanwhile
    with pytest.raises(services.CohortError, match="is full"):
        services.enrolment_select(enrolment=second, actor=staff)

    services.offer_accept(enrolment=first, officer=first.officer)
    first.refresh_from_db()
    assert (first.status, first.waitlist_position, first.offer_expires_at) == ("selected", None, None)


def test_withdrawal_skips_a_waitlisted_officer_whose_manager_has_not_approved():
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    leaving = services.enrolment_select(enrolment=approved(cohort), actor=staff)
    pending = services.enrolment_waitlist(enrolment=EnrolmentFactory(cohort=cohort, status="applied"), actor=staff)
    ready = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)

    services.enrolment_withdraw(enrolment=leaving, actor=staff)
    pending.refresh_from_db()
    ready.refresh_from_db()
    assert (pending.has_open_offer, ready.has_open_offer) == (False, True)
    assert list(Message.objects.filter(kind="place_offer").values_list("to_email", flat=True)) == [ready.officer.email]


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("selected", "enrolment_waitlist", "already has a place"),  # would free a place without offering it
        ("completed", "enrolment_waitlist", "has graduated"),
        ("withdrawn", "enrolment_waitlist", "has been withdrawn"),
        ("completed", "enrolment_select", "has graduated"),
        ("withdrawn", "enrolment_select", "has been withdrawn"),
        ("completed", "enrolment_withdraw", "has graduated"),
    ],
)
def test_enrolment_decisions_refuse_an_application_in_the_wrong_status(status, action, message):
    enrolment = EnrolmentFactory(status=status, manager_decision="approved")
    with pytest.raises(services.CohortError, match=message):
        getattr(services, action)(enrolment=enrolment, actor=StaffFactory())
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.events.count()) == (status, 0)


def test_offer_accept_refuses_an_expired_offer():
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    leaving = services.enrolment_select(enrolment=approved(cohort), actor=staff)
    waiting = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)
    services.enrolment_withdraw(enrolment=leaving, actor=staff)
    with (
        time_machine.travel(timezone.now() + timedelta(days=services.OFFER_DAYS + 1)),
        pytest.raises(services.CohortError, match="expired"),
    ):
        services.offer_accept(enrolment=waiting, officer=waiting.officer)
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITLISTED


def test_lapsed_offer_passes_the_place_to_the_next_on_the_waitlist_once():
    cohort = CohortFactory(capacity=1)
    staff = StaffFactory()
    leaving = services.enrolment_select(enrolment=approved(cohort), actor=staff)
    first = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)
    second = services.enrolment_waitlist(enrolment=approved(cohort), actor=staff)
    services.enrolment_withdraw(enrolment=leaving, actor=staff)
    assert services.place_offers_lapse() == 0  # the first offer is still open

    with time_machine.travel(timezone.now() + timedelta(days=services.OFFER_DAYS, hours=1)):
        assert services.place_offers_lapse() == 1
        assert services.place_offers_lapse() == 0  # a second run changes nothing
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, first.has_open_offer) == (Enrolment.Status.WAITLISTED, False)
        assert second.has_open_offer
    offers = Message.objects.filter(kind="place_offer").order_by("created_at")
    assert [message.to_email for message in offers] == [first.officer.email, second.officer.email]
    assert first.events.filter(note=services.OFFER_LAPSED).count() == 1
    # The audit log has each offer and the lapse, the automatic ones labelled as such.
    offered = AuditEvent.objects.filter(action=Action.PLACE_OFFERED).order_by("pk")
    assert [event.object_id for event in offered] == [str(first.pk), str(second.pk)]
    lapse = AuditEvent.objects.get(action=Action.PLACE_OFFER_LAPSED)
    assert (lapse.object_id, lapse.actor, lapse.actor_label) == (str(first.pk), None, "the lapse job (automatic)")
    assert offered[1].actor_label == "the waitlist (automatic)"


def test_enrolment_set_status_records_who_and_when():
    enrolment = EnrolmentFactory(status=Enrolment.Status.APPLIED)
    staff = StaffFactory()
    services.enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.WAITLISTED, actor=staff)
    event = EnrolmentEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor) == ("applied", "waitlisted", staff)


# --- attendance ---


def test_register_save_refuses_an_officer_from_another_cohort():
    session = TrainingSessionFactory()
    stranger = EnrolmentFactory()
    with pytest.raises(services.CohortError):
        services.register_save(session=session, marks={stranger.pk: "present"}, actor=StaffFactory())
    assert Attendance.objects.count() == 0


def test_register_save_updates_marks_in_place():
    session = TrainingSessionFactory(starts_at=timezone.now() - timedelta(hours=2))
    enrolment = EnrolmentFactory(cohort=session.cohort)
    staff = StaffFactory()
    services.register_save(session=session, marks={enrolment.pk: "absent"}, actor=staff)
    services.register_save(session=session, marks={enrolment.pk: "late"}, actor=staff)
    assert list(Attendance.objects.values_list("mark", flat=True)) == ["late"]


# --- roster import ---

GOOD = (
    "email,full_name,organisation,job_title,stream\n"
    "amira@example.org,Amira Khan,E09000007,Analyst,\n"
    "ben@example.org,Ben Ode,Hackney,Data officer,\n"
)


def test_roster_import_selects_everyone_and_reimport_changes_nothing():
    cohort = CohortFactory(capacity=5)
    result = services.roster_import(cohort=cohort, content=("\ufeff" + GOOD).encode(), actor=StaffFactory())
    assert (result.saved, result.changes) == (True, 2)
    officers = cohort.enrolments.filter(status="selected").values_list("officer__email", "organisation__name")
    assert sorted(officers) == [("amira@example.org", "Camden"), ("ben@example.org", "Hackney")]
    events, users = EnrolmentEvent.objects.count(), User.objects.count()
    again = services.roster_import(cohort=cohort, content=GOOD, actor=None)
    assert (again.saved, again.changes) == (True, 0)
    assert (EnrolmentEvent.objects.count(), User.objects.count()) == (events, users)


def test_roster_reimport_after_graduation_leaves_graduates_completed():
    cohort = CohortFactory(capacity=5)
    services.roster_import(cohort=cohort, content=GOOD, actor=None)
    graduate = cohort.enrolments.get(officer__email="amira@example.org")
    services.enrolment_set_status(enrolment=graduate, status=Enrolment.Status.COMPLETED, actor=None)
    events = EnrolmentEvent.objects.count()

    again = services.roster_import(cohort=cohort, content=GOOD, actor=None)
    graduate.refresh_from_db()
    assert (again.changes, graduate.status, EnrolmentEvent.objects.count()) == (0, "completed", events)


def test_roster_import_counts_a_place_held_by_an_open_offer_as_taken():
    cohort = CohortFactory(capacity=2)
    EnrolmentFactory(
        cohort=cohort,
        status="waitlisted",
        manager_decision="approved",
        offer_expires_at=timezone.now() + timedelta(days=3),
    )
    result = services.roster_import(cohort=cohort, content=GOOD, actor=None)
    assert (result.saved, result.errors) == (False, ["row 3: the cohort is full (2 places)"])


def test_roster_import_reports_every_bad_row_and_saves_nothing():
    cohort = CohortFactory(capacity=2)
    content = (
        "email,full_name,organisation,job_title\n"
        "a@example.org,A,Camden,x\n"
        "not-an-email,B,Camden,x\n"
        "a@example.org,C,Camden,x\n"
        "d@example.org,D,Atlantis,x\n"
        "e@example.org,E,Hackney,x\n"
        "f@example.org,F,Hackney,x\n"
    )
    result = services.roster_import(cohort=cohort, content=content, actor=None)
    assert result.errors == [
        "row 3: 'not-an-email' is not a valid email address",
        "row 4: a@example.org appears more than once in the file",
        "row 5: unknown organisation 'Atlantis' (use its GSS code or full name)",
        "row 7: the cohort is full (2 places)",
    ]
    assert (result.saved, Enrolment.objects.count(), User.objects.count()) == (False, 0, 0)


def test_import_roster_command_dry_run_saves_nothing_and_bad_file_exits_1(tmp_path, capsys):
    cohort = CohortFactory(slug="spring")
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8-sig")
    call_command("import_roster", "spring", str(good), "--dry-run")
    assert "would add or select 2" in capsys.readouterr().out
    assert cohort.enrolments.count() == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("email,full_name,organisation\nnope,X,Camden\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_roster", "spring", str(bad))
    assert raised.value.returncode == 1
    assert capsys.readouterr().err.strip() == "row 2: 'nope' is not a valid email address"
    call_command("import_roster", "spring", str(good))
    assert cohort.enrolments.filter(status="selected").count() == 2


def test_export_roster_command_writes_gss_code_and_attendance_rate(capsys):
    session = TrainingSessionFactory(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )
    enrolment = EnrolmentFactory(cohort=session.cohort, officer=OfficerFactory(organisation=borough("Camden")))
    services.register_save(session=session, marks={enrolment.pk: "present"}, actor=None)
    call_command("export_roster", session.cohort.slug)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "\ufeffemail,full_name,organisation,gss_code,job_title,stream,status,attendance_rate"
    assert lines[1].split(",")[2:4] == ["Camden", "E09000007"]
    assert lines[1].endswith(",selected,100%")


def test_attendance_csv_dates_sessions_by_their_london_day():
    from cohorts import exports

    # 00:30 on 1 July in London is 23:30 on 30 June in UTC
    starts = datetime(2025, 7, 1, 0, 30, tzinfo=LONDON)
    session = TrainingSessionFactory(week_number=1, starts_at=starts, ends_at=starts + timedelta(hours=2))
    header = exports.attendance_csv(session.cohort).splitlines()[0]
    assert header == "\ufeffemail,full_name,organisation,week 1 (2025-07-01),attendance_rate,at_risk"
