"""Every public page: renders, runs a constant number of SQL queries whatever the amount of
data, and answers bad parameters with a message instead of an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.builders import Portfolio

pytestmark = pytest.mark.django_db


def page_urls(portfolio):
    country = portfolio.programme.countries.first()
    return {
        "home": "/",
        "how-we-work": "/how-we-work/",
        "programmes": "/programmes/",
        "programmes filtered": f"/programmes/?theme={portfolio.themes[0].slug}&q=programme",
        "programmes sorted": "/programmes/?sort=-budget&page=1",
        "programmes by spending": "/programmes/?sort=-spent&budget_min=1&currency=USD",
        "programme": portfolio.programme.get_absolute_url(),
        "csv": "/programmes/export.csv",
        "jwps": "/jwp/",
        "jwp": portfolio.jwp.get_absolute_url(),
        "countries": "/countries/",
        "country": country.get_absolute_url(),
        "outputs": "/outputs/",
        "outputs filtered": f"/outputs/?theme={portfolio.themes[0].slug}&kind=research-report",
        "output": portfolio.output.get_absolute_url(),
        "window": portfolio.windows[0].get_absolute_url(),
        "instrument": portfolio.instrument.get_absolute_url(),
        "theme": portfolio.themes[0].get_absolute_url(),
        "feed": "/feeds/outputs/",
        "sitemap": "/sitemap.xml",
    }


def measure(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return queries


PAGES = [
    "home",
    "how-we-work",
    "programmes",
    "programmes filtered",
    "programmes sorted",
    "programmes by spending",
    "programme",
    "csv",
    "jwps",
    "jwp",
    "countries",
    "country",
    "outputs",
    "outputs filtered",
    "output",
    "window",
    "instrument",
    "theme",
    "feed",
    "sitemap",
]


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_data(client, page):
    """n+1 risk: any list or related set rendered row by row (countries on programme cards,
    partners and activities on a programme, phases and outputs on a JWP, facet values)."""
    portfolio = Portfolio()
    url = page_urls(portfolio)[page]
    few = measure(client, url)
    portfolio.grow()
    many = measure(client, url)
    assert len(many) == len(few), (
        f"{page}: {len(few)} queries with little data, {len(many)} with more:\n"
        + "\n".join(query["sql"] for query in many.captured_queries)
    )


def test_programme_list_bad_parameters_show_a_message(client):
    Portfolio()
    response = client.get(
        "/programmes/?year=abc&theme=no-such-theme&sort=sideways&page=999&country=xx"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Some filters could not be used and were ignored" in content
    for label in ("Start year", "Theme", "Sort by", "Country"):
        assert label in str(next(iter(response.context["messages"])))


def test_csv_with_a_bad_parameter_is_a_400_naming_it(client):
    response = client.get("/programmes/export.csv?theme=no-such-theme")
    assert response.status_code == 400
    assert "theme" in response.content.decode()


def test_output_list_bad_parameters_show_a_message(client):
    response = client.get("/outputs/?kind=novel&year=soon")
    assert response.status_code == 200
    assert "Some filters could not be used" in response.content.decode()


def test_programme_list_filters_sort_and_paginate(client):
    portfolio = Portfolio()
    portfolio.grow(times=25)
    response = client.get("/programmes/?sort=title")
    page = response.context["page"]
    # the subject and its child, then per step: a programme, its child, a child of the subject
    assert page.paginator.count == 2 + 25 * 3
    assert len(page.object_list) == 20
    titles = [programme.title for programme in page.object_list]
    assert titles == sorted(titles)
    second = client.get("/programmes/?sort=title&page=2").context["page"]
    assert second.number == 2
    theme = portfolio.themes[0]
    filtered = client.get(f"/programmes/?theme={theme.slug}").context["page"].paginator.count
    assert filtered == 26  # the child programmes carry no theme


def test_programme_page_shows_everything_grouped(client):
    portfolio = Portfolio()
    programme = portfolio.programme
    content = client.get(programme.get_absolute_url()).content.decode()
    assert programme.title in content
    assert "Funding" in content and "Implementing" in content
    assert "Community" in content and "National" in content
    assert "secondary city" in content
    assert programme.children.get().title in content
    assert '<script type="application/ld+json">' in content
    assert 'property="og:title"' in content


def test_downloads_have_the_right_type_and_name(client):
    portfolio = Portfolio()
    output = factories.OutputFactory(
        published=True,
        jwp=portfolio.jwp,
        title="Toolkit for Cities",
        file=factories.factory.django.FileField(filename="x.pdf", data=b"%PDF-1.4 body"),
    )
    response = client.get(f"/outputs/{output.slug}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="toolkit-for-cities.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 body"
    document = client.get("/documents/standard-operating-procedures/")
    assert document["Content-Type"] == "application/pdf"


def test_not_found_page_is_friendly(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_robots_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    content = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in content
    assert "Sitemap: http://testserver/sitemap.xml" in content
