import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Organisation
from cohorts.models import Enrolment
from projects.models import Milestone
from tests.factories import (
    AttendanceFactory,
    CascadeSessionFactory,
    EnrolmentFactory,
    GraduationFactory,
    MentorFactory,
    OfficerFactory,
    ProjectFactory,
    StaffFactory,
    TrainerStepFactory,
    borough,
)
from trainers.charts import LONDON_TILES
from trainers.models import CascadeSession, TrainerStep

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def graduate(**kwargs):
    return GraduationFactory(**kwargs).enrolment.officer


# --- graduation and certificates ---


def test_cohort_page_shows_criteria_and_staff_graduate_an_officer(client):
    project = ProjectFactory()
    enrolment = Enrolment.objects.get(cohort=project.cohort, officer=project.officers.get())
    AttendanceFactory(enrolment=enrolment, session__cohort=project.cohort, session__week_number=1)
    Milestone.objects.filter(project=project).update(state=Milestone.State.SIGNED_OFF)
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get(f"/cohorts/{project.cohort.slug}/").content.decode()
    assert "Officers against the graduation criteria" in page
    assert "Mark as graduated" in page
    url = f"/trainers/cohorts/{project.cohort.slug}/graduation/{enrolment.pk}/"
    response = client.post(url, {"showcase_presented": "no"})
    assert "Give a reason for graduating" in response.content.decode()
    assert response.content.decode().count("Error: ") == 1
    response = client.post(url, {"showcase_presented": "yes"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.graduation.recorded_by == staff


def test_graduation_page_is_for_staff_only(client):
    enrolment = EnrolmentFactory()
    client.force_login(enrolment.officer)
    assert client.get(f"/trainers/cohorts/{enrolment.cohort.slug}/graduation/{enrolment.pk}/").status_code == 403


def test_certificate_is_printable_for_its_graduate_and_staff_only(client):
    graduation = GraduationFactory()
    url = f"/trainers/certificates/{graduation.pk}/"
    client.force_login(graduation.enrolment.officer)
    page = client.get(url).content.decode()
    assert escape(graduation.enrolment.officer.full_name) in page
    assert f"/trainers/verify/{graduation.verification_token}/" in page
    assert 'media="print"' in page
    assert "style=" not in page
    client.force_login(graduate())
    assert client.get(url).status_code == 404
    client.force_login(MentorFactory())
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


class _Element:
    def __init__(self, tag: str, classes: set[str], parent=None):
        self.tag, self.classes, self.parent, self.children = tag, classes, parent, []


class _Tree(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.root = self.current = _Element("document", set())
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, set((dict(attrs).get("class") or "").split()), self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag):
        element = self.current
        while element.parent is not None and element.tag != tag:
            element = element.parent
        if element.parent is not None:
            self.current = element.parent


def print_hidden_classes() -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text(), flags=re.S)
    hidden = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if re.search(r"display:\s*none", body):
            hidden |= {s.strip()[1:] for s in selectors.split(",") if re.fullmatch(r"\.[\w-]+", s.strip())}
    return hidden


def test_certificate_prints_without_the_page_chrome(client):
    graduation = GraduationFactory()
    client.force_login(graduation.enrolment.officer)
    tree = _Tree(client.get(f"/trainers/certificates/{graduation.pk}/").content.decode())
    hidden = print_hidden_classes()
    elements, main = [tree.root], None
    while elements:
        element = elements.pop()
        main = element if element.tag == "main" else main
        elements.extend(element.children)
    around_main = set()
    element = main
    while element is not None:
        around_main.add(element)
        element = element.parent
    printed = [
        (child.tag, sorted(child.classes))
        for parent in around_main - {main}
        for child in parent.children
        if child not in around_main and child.tag not in {"head", "script"} and not child.classes & hidden
    ]
    assert printed == []


def test_verification_link_is_public_and_shows_name_cohort_and_date(client):
    graduation = GraduationFactory()
    response = client.get(f"/trainers/verify/{graduation.verification_token}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(graduation.enrolment.officer.full_name) in page
    assert graduation.enrolment.cohort.name in page
    assert graduation.graduated_on.strftime("%-d %B %Y") in page
    assert client.get("/trainers/verify/guessed-token/").status_code == 404


def test_staff_cannot_select_waitlist_or_withdraw_a_graduate(client):
    enrolment = GraduationFactory().enrolment
    client.force_login(StaffFactory())
    page = client.get(f"/cohorts/applications/{enrolment.pk}/").content.decode()
    assert "their place cannot be changed" in page
    assert ">Withdraw</button>" not in page
    response = client.post(f"/cohorts/applications/{enrolment.pk}/withdraw/", follow=True)
    assert "has graduated: their place cannot be changed" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


# --- trainer pathway ---


def test_staff_record_a_trainer_step(client):
    officer = graduate()
    staff = StaffFactory()
    client.force_login(staff)
    day = timezone.localdate() - timedelta(days=3)
    response = client.post(
        f"/trainers/graduates/{officer.pk}/",
        {
            "kind": "co_facilitator",
            "happened_on_0": day.day,
            "happened_on_1": day.month,
            "happened_on_2": day.year,
            "note": "Co-facilitated week 2",
        },
    )
    assert response.status_code == 302
    step = TrainerStep.objects.get(graduate=officer)
    assert (step.kind, step.happened_on, step.recorded_by) == ("co_facilitator", day, staff)
    response = client.post(f"/trainers/graduates/{officer.pk}/", {"kind": "trainer", "note": "x"})
    assert "Enter the date" in response.content.decode()


def test_graduate_pages_are_for_staff_and_only_for_graduates(client):
    client.force_login(StaffFactory())
    assert client.get(f"/trainers/graduates/{EnrolmentFactory().officer.pk}/").status_code == 404
    client.force_login(graduate())
    assert client.get("/trainers/graduates/").status_code == 403


def test_only_staff_record_trainer_steps(client):
    officer = graduate()
    day = timezone.localdate() - timedelta(days=3)
    data = {"kind": "co_facilitator", "happened_on_0": day.day, "happened_on_1": day.month, "happened_on_2": day.year}
    for user in (officer, MentorFactory()):
        client.force_login(user)
        assert client.post(f"/trainers/graduates/{officer.pk}/", {**data, "note": "Self-recorded"}).status_code == 403
    assert TrainerStep.objects.count() == 0


# --- cascade sessions ---


def session_post(**overrides):
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "delivered_on_0": day.day,
        "delivered_on_1": day.month,
        "delivered_on_2": day.year,
        "topic": "Pairing on pandas",
        "format": "pairing",
        "length_minutes": "90",
        "colleagues_reached": "2",
        "attendee_emails": "amy@example.gov.uk\nraj@example.gov.uk",
    }
    data.update(overrides)
    return data


def test_graduate_logs_a_session_and_sees_their_reach(client):
    officer = graduate(enrolment__officer__organisation=borough("Lewisham"))
    client.force_login(officer)
    response = client.post("/trainers/my-sessions/new/", session_post())
    assert response.status_code == 302
    session = CascadeSession.objects.get()
    assert (session.graduate, session.organisation.name, session.colleagues_reached) == (officer, "Lewisham", 2)
    page = client.get("/trainers/my-sessions/").content.decode()
    assert "Pairing on pandas" in page
    assert "amy@example.gov.uk" in page


def test_cascade_session_form_shows_errors_and_saves_nothing(client):
    client.force_login(graduate())
    future = timezone.localdate() + timedelta(days=3)
    response = client.post(
        "/trainers/my-sessions/new/",
        session_post(
            delivered_on_0=future.day,
            delivered_on_1=future.month,
            delivered_on_2=future.year,
            colleagues_reached="0",
            attendee_emails="not an email",
        ),
    )
    page = response.content.decode()
    assert "The date must be today or in the past" in page
    assert "The number of colleagues reached must be at least 1" in page
    assert "Attendee 1 (not an email): enter an email address in the correct format, like name@example.com" in page
    assert "govuk-error-summary" in page
    assert CascadeSession.objects.count() == 0


def test_officer_who_has_not_graduated_cannot_log_sessions(client):
    client.force_login(EnrolmentFactory().officer)
    assert client.get("/trainers/my-sessions/new/").status_code == 403
    assert "Once you graduate" in client.get("/trainers/my-sessions/").content.decode()


def test_graduate_edits_only_their_own_sessions(client):
    session = CascadeSessionFactory()
    client.force_login(graduate())
    assert client.get(f"/trainers/my-sessions/{session.pk}/").status_code == 404
    assert client.post(f"/trainers/my-sessions/{session.pk}/", session_post()).status_code == 404
    client.force_login(session.graduate)
    response = client.post(f"/trainers/my-sessions/{session.pk}/", session_post(topic="Changed"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Changed"


def test_only_staff_verify_sessions_and_only_by_post(client):
    session = CascadeSessionFactory()
    url = f"/trainers/sessions/{session.pk}/verify/"
    client.force_login(session.graduate)
    assert client.post(url).status_code == 403
    client.force_login(MentorFactory())
    assert client.post(url).status_code == 403
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    session.refresh_from_db()
    assert session.verified_by == staff


def test_officers_never_see_other_graduates_attendee_emails(client):
    CascadeSessionFactory(attendee_emails=["secret.colleague@example.gov.uk"])
    for user in (graduate(), OfficerFactory(), MentorFactory()):
        client.force_login(user)
        for url in ("/trainers/impact/", "/trainers/my-sessions/", "/"):
            assert "secret.colleague" not in client.get(url).content.decode()
        assert client.get("/trainers/sessions/").status_code == 403
    client.force_login(StaffFactory())
    assert "secret.colleague@example.gov.uk" in client.get("/trainers/sessions/").content.decode()


# --- impact pages, map and export ---


def map_svg(html: str) -> ET.Element:
    svg = re.search(r"<svg[^>]*app-tile-map.*?</svg>", html, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314 - our own rendered page, not untrusted input


def test_map_shows_every_authority_once_with_its_gss_code_and_value(client):
    verified = {"verified_at": timezone.now()}
    camden = graduate(enrolment__officer__organisation=borough("Camden"))
    CascadeSessionFactory(graduate=camden, colleagues_reached=8, **verified)
    CascadeSessionFactory(graduate=camden, colleagues_reached=5)  # waiting for verification: not on the map
    CascadeSessionFactory(
        graduate=graduate(enrolment__officer__organisation=borough("Sutton")), colleagues_reached=3, **verified
    )
    client.force_login(OfficerFactory())
    response = client.get("/trainers/impact/", {"measure": "colleagues_reached"})
    svg = map_svg(response.content.decode())
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Colleagues reached by London authority"
    assert svg.find(f"{SVG}desc").text.startswith("Tile map of the 32 London boroughs")
    tiles = svg.findall(f".//{SVG}g[@data-gss-code]")
    codes = [tile.get("data-gss-code") for tile in tiles]
    london = Organisation.objects.exclude(kind__in=["partner", "regional"])
    assert sorted(codes) == sorted(london.values_list("gss_code", flat=True))
    assert len(codes) == len(set(codes)) == 33
    values = {tile.get("data-gss-code"): tile.get("data-value") for tile in tiles}
    assert values["E09000007"] == "8"
    assert values["E09000029"] == "3"
    assert values["E09000001"] == "0"
    labels = {tile.get("data-gss-code"): [t.text for t in tile.findall(f"{SVG}text")] for tile in tiles}
    assert labels["E09000007"] == ["CMD", "8"]
    assert set(LONDON_TILES) == set(codes)
    # The table beside the map gives the waiting colleagues apart.
    assert re.search(r">Camden</th>\s*<td[^>]*>8</td>\s*<td[^>]*>5</td>", response.content.decode())


def test_map_measure_is_chosen_with_a_get_form(client):
    graduate(enrolment__officer__organisation=borough("Camden"))
    client.force_login(StaffFactory())
    html = client.get("/trainers/impact/", {"measure": "graduates"}).content.decode()
    values = {g.get("data-gss-code"): g.get("data-value") for g in map_svg(html).iter(f"{SVG}g")}
    assert values["E09000007"] == "1"
    assert '<option value="graduates" selected>' in html
    # An unknown measure falls back to colleagues reached.
    html = client.get("/trainers/impact/", {"measure": "nonsense"}).content.decode()
    assert map_svg(html).find(f"{SVG}title").text == "Colleagues reached by London authority"


def test_impact_summary_is_for_everyone_signed_in_and_detail_pages_for_staff(client):
    for user in (OfficerFactory(), MentorFactory(), StaffFactory()):
        client.force_login(user)
        assert client.get("/trainers/impact/").status_code == 200
    client.force_login(graduate())
    for url in ("/trainers/impact/organisations/", "/trainers/impact/cohorts/", "/trainers/impact/organisations.csv"):
        assert client.get(url).status_code == 403


def test_staff_download_impact_csv(client):
    client.force_login(StaffFactory())
    response = client.get("/trainers/impact/organisations.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("gss_code,organisation,officers_trained,in_training,graduates,projects_completed")
    assert len(lines) == 35


def many_rows(rows: int):
    for index in range(rows):
        officer = graduate(enrolment__officer__organisation=borough(["Camden", "Hackney", "Sutton"][index % 3]))
        CascadeSessionFactory(graduate=officer)
        TrainerStepFactory(graduate=officer)
        ProjectFactory(cohort=officer.enrolments.get().cohort, officers=[officer])
    return officer


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/trainers/impact/", "officer"),
        ("/trainers/impact/organisations/", "staff"),
        ("/trainers/impact/cohorts/", "staff"),
        ("/trainers/graduates/", "staff"),
        ("/trainers/sessions/", "staff"),
        ("/trainers/my-sessions/", "graduate"),
    ],
)
def test_impact_pages_query_count_does_not_grow_with_rows(client, path, role):
    def count(rows):
        CascadeSession.objects.all().delete()
        last = many_rows(rows)
        user = {"officer": OfficerFactory, "staff": StaffFactory}.get(role, lambda: last)()
        if role == "graduate":
            CascadeSessionFactory.create_batch(rows, graduate=last)
        client.force_login(user)
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert count(1) == count(4)
