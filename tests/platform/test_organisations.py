import pytest

from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_34_london_authorities_are_loaded_with_gss_codes_in_official_order():
    authorities = Organisation.objects.exclude(kind=Organisation.Kind.PARTNER).order_by("gss_code")
    codes = list(authorities.values_list("gss_code", "name"))
    assert len(codes) == 34
    assert codes[0] == ("E09000001", "City of London")
    assert codes[32] == ("E09000033", "Westminster")
    assert codes[33] == ("E61000001", "Greater London Authority")
    assert [code for code, _ in codes[:33]] == [f"E090000{n:02d}" for n in range(1, 34)]
    assert authorities.filter(kind=Organisation.Kind.BOROUGH).count() == 32


def test_partner_organisations_exist():
    assert set(Organisation.objects.filter(kind=Organisation.Kind.PARTNER).values_list("name", flat=True)) == {
        "ONS Data Science Campus",
        "London Office of Technology and Innovation",
    }
