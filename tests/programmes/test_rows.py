"""The programme table every programme file uses: codes beside labels, plain URLs, lists in
the order the pages show them, and a fixed number of queries whatever the number of rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import Programme
from programmes.rows import COLUMN_NAMES, programme_rows
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_row_says_everything_in_plain_values():
    programme = factories.ProgrammeFactory(
        published=True,
        title="Secondary cities",
        slug="secondary-cities",
        activity_status="2",
        planned_start=datetime.date(2016, 5, 1),
        actual_end=datetime.date(2021, 12, 31),
        budget=Decimal("1500000"),
        currency="USD",
    )
    first, second = factories.ThemeFactory(order=2, name="B"), factories.ThemeFactory(order=1)
    programme.themes.set([first, second])
    uganda = factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda")
    ghana = factories.CountryFactory(iso2="GH", iso3="GHA", name="Ghana")
    programme.countries.set([uganda, ghana])
    programme.cities.set([factories.CityFactory(name="Jinja", country=uganda)])

    (row,) = programme_rows(Programme.objects.all(), base_url="https://portal.example")
    values = dict(zip(COLUMN_NAMES, row, strict=True))
    assert values["page"] == "https://portal.example/programmes/secondary-cities/"
    assert values["url"] == "https://portal.example/api/v1/programmes/secondary-cities/"
    assert values["activity_status"] == "2" and values["activity_status_label"] == "Implementation"
    assert values["window"] == programme.instrument.window.code
    assert values["instrument_name"] == programme.instrument.name
    assert (values["start"], values["end"], values["budget"]) == (
        "2016-05-01",
        "2021-12-31",
        "1500000.00",
    )
    assert values["themes"] == f"{second.slug}; {first.slug}"  # in the themes' order
    assert values["countries"] == "GH; UG" and values["country_names"] == "Ghana; Uganda"
    assert values["cities"] == "Jinja"
    assert values["published_at"].endswith("Z")


def test_the_queries_do_not_grow_with_the_rows():
    def count(n):
        for _ in range(n):
            factories.ProgrammeFactory().themes.add(factories.ThemeFactory())
        with CaptureQueriesContext(connection) as queries:
            rows = list(programme_rows(Programme.objects.order_by("pk"), base_url=""))
        return len(rows), len(queries)

    few, many = count(2), count(30)
    assert few[0] == 2 and many[0] == 32
    assert few[1] == many[1]
