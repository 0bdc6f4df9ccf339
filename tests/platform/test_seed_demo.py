import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from cohorts.models import Cohort, Enrolment
from trainers import impact

pytestmark = pytest.mark.django_db


def counts():
    return (User.objects.count(), Cohort.objects.count(), Enrolment.objects.count())


def test_seed_demo_builds_the_pilot_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    pilot = Cohort.objects.get(slug="pilot")
    selected = Enrolment.objects.filter(cohort=pilot, status=Enrolment.Status.SELECTED).select_related("organisation")
    assert selected.count() == 15
    organisations = {enrolment.organisation.name for enrolment in selected}
    assert len(organisations) == 15
    assert "Greater London Authority" in organisations
    assert User.objects.filter(is_mentor=True, organisation__name="ONS Data Science Campus").count() == 3
    assert User.objects.filter(is_programme_staff=True).count() == 2
    one = User.objects.get(email="officer@example.org")
    two = User.objects.get(email="officer2@example.org")
    assert one.organisation != two.organisation
    for email in ("staff@example.org", "mentor@example.org", "officer@example.org", "officer2@example.org"):
        assert User.objects.get(email=email).check_password("bootcamp-demo")
    # The finished cohort's graduates were mentored too, so every impact measure has numbers.
    mentor_hours = {row.cohort.slug: row.figures.mentor_hours for row in impact.cohort_impact()}
    assert mentor_hours["spring-2026"] > 0
    assert mentor_hours["pilot"] > 0


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run under production"):
        call_command("seed_demo", verbosity=0)
    assert counts()[0] == 0


def test_seed_scale_builds_a_programmes_history_on_the_demo_data_and_refuses_a_second_run():
    from projects.models import IGCheck, ProgressLog
    from trainers.models import Graduation

    call_command("seed_demo", verbosity=0)
    call_command("seed_scale", verbosity=0)
    scale = Cohort.objects.filter(slug__startswith="scale-")
    assert scale.filter(status=Cohort.Status.FINISHED).count() == 40
    assert scale.filter(status=Cohort.Status.RUNNING).count() == 60
    assert ProgressLog.objects.count() > 19_000
    assert Graduation.objects.filter(enrolment__cohort__in=scale).count() == 600
    # Settled information governance is confirmed by someone, never self-reported (issue 11).
    approved = IGCheck.objects.filter(project__cohort__in=scale, status=IGCheck.Status.APPROVED)
    assert approved.exists()
    assert not approved.exclude(confirmation=IGCheck.Confirmation.CONFIRMED).exists()
    with pytest.raises(CommandError, match="already there"):
        call_command("seed_scale", verbosity=0)
