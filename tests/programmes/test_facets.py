"""Facet counts count programmes, never rows of a link table twice."""

import pytest

from programmes.selectors import programme_facets
from tests import factories

pytestmark = pytest.mark.django_db


def counts(facets, name):
    return {value.value: value.count for value in facets[name]}


def test_a_programme_counts_once_per_value_whatever_reaches_it_twice():
    programme = factories.ProgrammeFactory(published=True)
    other = factories.ProgrammeFactory(published=True)
    first, second = factories.CountryFactory(region="289"), factories.CountryFactory(region="289")
    programme.countries.set([first, second])  # two countries of one region
    other.countries.set([second])
    organisation = factories.OrganisationFactory()
    factories.ProgrammePartnerFactory(programme=programme, organisation=organisation, role="1")
    factories.ProgrammePartnerFactory(programme=programme, organisation=organisation, role="4")
    factories.ProgrammeFactory(title="A draft").countries.set([first])  # never counted

    for filters in ({}, {"status": programme.activity_status}):
        facets = programme_facets(filters=filters, selected={})
        assert counts(facets, "region") == {"289": 2}
        assert counts(facets, "country") == {first.iso2: 1, second.iso2: 2}
        assert counts(facets, "organisation") == {organisation.slug: 1}


def test_selected_values_are_marked():
    programme = factories.ProgrammeFactory(published=True)
    theme = factories.ThemeFactory()
    programme.themes.add(theme)
    facets = programme_facets(filters={"theme": theme.slug}, selected={"theme": [theme.slug]})
    (value,) = facets["theme"]
    assert value.selected and value.count == 1 and value.label == theme.name
