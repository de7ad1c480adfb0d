"""Nothing unpublished leaves the building: a crawl of the whole public site, its feed,
sitemap and CSV, with drafts and items in review planted everywhere they could leak."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command

from jwp.models import JointWorkProgramme, Output
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "ZZSECRET"
LINK = re.compile(r'href="(/[^"#?]*)"')


@pytest.fixture
def portfolio_with_secrets():
    call_command("load_portfolio", stdout=StringIO())
    gender = factories.ThemeFactory._meta.model.objects.get(slug="gender")
    uganda = factories.CountryFactory._meta.model.objects.get(iso2="UG")
    secret_country = factories.CountryFactory(name=f"{SECRET} Land", iso2="ZZ", iso3="ZZZ")
    instrument = Programme.objects.get(slug="future-cities-africa").instrument
    fca = Programme.objects.get(slug="future-cities-africa")
    agendas = JointWorkProgramme.objects.get(slug="cities-and-the-global-agendas")

    draft = factories.ProgrammeFactory(
        title=f"{SECRET} draft programme", instrument=instrument, parent=fca, budget=10**9
    )
    draft.themes.add(gender, factories.ThemeFactory._meta.model.objects.get(slug="migration"))
    draft.countries.add(uganda, secret_country)
    review = factories.ProgrammeFactory(title=f"{SECRET} programme in review", status="review")
    review.themes.add(gender)
    draft_jwp = factories.JointWorkProgrammeFactory(title=f"{SECRET} draft JWP")
    draft_jwp.themes.add(gender)
    factories.OutputFactory(title=f"{SECRET} draft output", jwp=agendas)
    factories.OutputFactory(title=f"{SECRET} output in review", jwp=agendas, status="review")
    factories.OutputFactory(title=f"{SECRET} output of a draft JWP", jwp=draft_jwp, published=True)
    factories.OutputFactory(
        title=f"{SECRET} output of a draft programme", jwp=None, programme=draft, published=True
    )
    country_programme = Programme.objects.get(slug__contains="uganda")
    factories.LessonFactory(
        title=f"{SECRET} lesson in review",
        programme=country_programme,
        jwp=agendas,
        status="review",
    )
    factories.LessonFactory(
        title=f"{SECRET} lesson to a draft JWP",
        programme=country_programme,
        jwp=draft_jwp,
        published=True,
    )
    factories.DocumentFactory(title=f"{SECRET} draft document", slug="secret-document")
    return draft


def test_no_page_of_the_site_shows_an_unpublished_item(client, portfolio_with_secrets):
    to_visit, seen = ["/"], set()
    extra = [
        "/programmes/?theme=gender",
        "/programmes/?country=UG",
        "/programmes/?country=ZZ",
        "/programmes/?sort=-budget",
        "/feeds/outputs/",
        "/sitemap.xml",
        "/robots.txt",
        "/programmes/export.csv",
        "/programmes/export.csv?theme=gender",
    ]
    while to_visit and len(seen) < 400:
        url = to_visit.pop()
        if url in seen or url.startswith(("/admin/", "/static/", "/media/")):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "download" in url or url.startswith("/documents/"):
            continue
        text = body.decode()
        assert SECRET not in text, url
        to_visit.extend(link for link in LINK.findall(text) if link not in seen)
    for url in extra:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert SECRET.encode() not in body, url
    assert len(seen) > 60  # the crawl really went through the site
    for url in ["/programmes/?q=ZZSECRET", "/outputs/?q=ZZSECRET"]:
        assert client.get(url).context["page"].paginator.count == 0, url


def test_unpublished_detail_pages_and_downloads_are_not_found(client, portfolio_with_secrets):
    draft = portfolio_with_secrets
    secret_output = Output.objects.get(title__contains="output of a draft programme")
    for url in [
        draft.get_absolute_url(),
        JointWorkProgramme.objects.get(title__contains=SECRET).get_absolute_url(),
        Output.objects.get(title__contains="draft output").get_absolute_url(),
        secret_output.get_absolute_url(),
        f"/outputs/{secret_output.slug}/download/",
        "/documents/secret-document/",
        "/countries/zz/",
    ]:
        assert client.get(url).status_code == 404, url


def test_counts_facets_and_charts_count_published_items_only(client, portfolio_with_secrets):
    published = Programme.objects.published()
    page = client.get("/programmes/")
    assert page.context["page"].paginator.count == published.count()
    facets = page.context["facets"]
    gender = next(value for value in facets["theme"] if value.value == "gender")
    assert gender.count == published.filter(themes__slug="gender").count()
    uganda = next(value for value in facets["country"] if value.value == "UG")
    assert uganda.count == published.filter(countries__iso2="UG").count()
    assert "ZZ" not in {value.value for value in facets["country"]}

    home = client.get("/")
    figures = home.context["figures"]
    assert figures["programmes"] == published.count()
    assert figures["active_programmes"] == published.filter(activity_status__in="23").count()
    assert figures["outputs"] == Output.objects.published().count() - 2  # owners unpublished
    charts = {chart.id: chart for chart in home.context["charts"]}
    by_theme = {bar.label: bar.value for bar in charts["programmes-by-theme"].bars}
    assert by_theme["Gender"] == published.filter(themes__slug="gender").count()
    budgets = {bar.label: bar.value for bar in charts["budget-by-window"].bars}
    assert 10**9 not in budgets.values()


def test_the_csv_has_exactly_the_filtered_published_rows(client, portfolio_with_secrets):
    response = client.get("/programmes/export.csv?theme=migration&country=UG")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = (
        Programme.objects.published()
        .filter(themes__slug="migration")
        .filter(countries__iso2="UG")
        .distinct()
    )
    assert sorted(row["title"] for row in rows) == sorted(p.title for p in expected)
    assert rows, "the filter should match at least one loaded programme"


def test_staff_preview_drafts_nobody_else(client, portfolio_with_secrets):
    draft = portfolio_with_secrets
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(factories.UserFactory())  # staff without any permission
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(factories.EditorFactory())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview: this item is not published" in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    # preview shows the draft itself, not other drafts around it
    assert "draft JWP" not in content
