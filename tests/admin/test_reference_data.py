"""Reference data without a workflow (countries, cities, organisations) shows on public pages as
it is: Editors add rows and change those nothing public uses; a row that published content
uses changes only through a Publisher."""

import pytest
from django.urls import reverse

from programmes.models import Country, Organisation
from publishing.models import used_by_public_content
from tests import factories

pytestmark = pytest.mark.django_db


def country_data(country: Country, **changes) -> dict:
    return {"iso2": country.iso2, "iso3": country.iso3, "name": country.name} | changes


def test_an_editor_adds_a_country_and_changes_one_nothing_public_uses(client):
    client.force_login(factories.EditorFactory())
    response = client.post(
        reverse("admin:programmes_country_add"), {"iso2": "TN", "iso3": "TUN", "name": "Tunisia"}
    )
    assert response.status_code == 302
    country = Country.objects.get(iso2="TN")
    factories.ProgrammeFactory().countries.add(country)  # a draft uses it: nothing public
    url = reverse("admin:programmes_country_change", args=[country.pk])
    assert client.post(url, country_data(country, name="Tunisie")).status_code == 302
    country.refresh_from_db()
    assert country.name == "Tunisie"


def test_a_country_published_content_uses_is_read_only_to_an_editor(client):
    country = factories.CountryFactory(name="Uganda")
    programme = factories.ProgrammeFactory(published=True)
    programme.countries.add(country)
    assert used_by_public_content(country)
    client.force_login(factories.EditorFactory())
    url = reverse("admin:programmes_country_change", args=[country.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"only a Publisher may change it" in page.content
    assert b'name="name"' not in page.content  # shown, not editable
    assert client.post(url, country_data(country, name="Hacked")).status_code == 403
    country.refresh_from_db()
    assert country.name == "Uganda"

    client.force_login(factories.PublisherFactory())
    assert client.post(url, country_data(country, name="Republic of Uganda")).status_code == 302
    country.refresh_from_db()
    assert country.name == "Republic of Uganda"


@pytest.mark.parametrize("through", ["partner", "member"])
def test_an_organisation_is_in_use_through_a_published_programme_or_jwp(through):
    organisation = factories.OrganisationFactory()
    if through == "partner":
        owner = factories.ProgrammeFactory()
        factories.ProgrammePartnerFactory(programme=owner, organisation=organisation)
    else:
        owner = factories.JointWorkProgrammeFactory()
        factories.MembershipFactory(jwp=owner, organisation=organisation)
    assert not used_by_public_content(organisation)  # a draft uses it
    type(owner).objects.filter(pk=owner.pk).update(
        status="published", published_at="2020-01-01T00:00Z"
    )
    assert used_by_public_content(Organisation.objects.get(pk=organisation.pk))


def test_a_city_of_a_published_programme_is_in_use():
    city = factories.CityFactory()
    assert not used_by_public_content(city)
    factories.ProgrammeFactory(published=True).cities.add(city)
    assert used_by_public_content(city)
