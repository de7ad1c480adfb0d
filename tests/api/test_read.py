"""The partner API's read side: every endpoint, published-only visibility, constant query
counts, strict parameters, CSV, conditional requests, CORS."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient, APIRequestFactory

from publishing.api.pagination import PortfolioPagination
from tests import factories
from tests.builders import Portfolio

pytestmark = pytest.mark.django_db

LISTS = [
    "windows",
    "instruments",
    "themes",
    "countries",
    "organisations",
    "programmes",
    "jwps",
    "outputs",
    "lessons",
    "documents",
]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def partner_api():
    """A partner: a token, no staff status, no permissions."""
    user = factories.UserFactory(is_staff=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(user)}")
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_root_lists_every_endpoint(api):
    data = api.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert set(LISTS) | {"stats", "schema", "docs"} <= set(data)
    for name in LISTS:
        assert api.get(data[name]).status_code == 200, name


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_do_not_depend_on_the_page_size(api, name):
    """n+1 risk: nested or many-to-many fields serialized row by row."""
    portfolio = Portfolio()
    portfolio.grow(times=3)
    counts = []
    for size in (1, 200):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/{name}/?page_size={size}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("name", ["programmes", "jwps"])
def test_detail_queries_do_not_grow_with_related_rows(api, name):
    portfolio = Portfolio()
    subject = portfolio.programme if name == "programmes" else portfolio.jwp
    url = f"/api/v1/{name}/{subject.slug}/"
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    portfolio.grow(times=3)
    with CaptureQueriesContext(connection) as many:
        assert api.get(url).status_code == 200
    assert len(few) == len(many)


@pytest.fixture
def with_drafts():
    portfolio = Portfolio()
    draft_programme = factories.ProgrammeFactory(title="Hidden draft", slug="hidden-programme")
    factories.ProgrammeFactory(title="Hidden review", slug="hidden-review", status="review")
    draft_jwp = factories.JointWorkProgrammeFactory(title="Hidden JWP", slug="hidden-jwp")
    factories.OutputFactory(title="Hidden output", slug="hidden-output", jwp=portfolio.jwp)
    factories.OutputFactory(
        title="Hidden by owner", slug="hidden-by-owner", jwp=draft_jwp, published=True
    )
    factories.LessonFactory(
        title="Hidden lesson",
        slug="hidden-lesson",
        jwp=portfolio.jwp,
        programme=portfolio.programme,
    )
    factories.DocumentFactory(title="Hidden document", slug="hidden-document")
    draft_programme.themes.add(*portfolio.themes)
    draft_programme.budget = 777777777
    draft_programme.save()
    return portfolio


@pytest.mark.parametrize("client_name", ["api", "partner_api"])
def test_drafts_are_invisible_everywhere(request, with_drafts, client_name):
    client = request.getfixturevalue(client_name)
    for name in LISTS:
        for query in ("", "?format=csv", "?paginate=cursor"):
            content = body(client.get(f"/api/v1/{name}/{query}"))
            assert b"Hidden" not in content and b"hidden-" not in content, (name, query)
    for name, slug in [
        ("programmes", "hidden-programme"),
        ("programmes", "hidden-review"),
        ("jwps", "hidden-jwp"),
        ("outputs", "hidden-output"),
        ("outputs", "hidden-by-owner"),
        ("lessons", "hidden-lesson"),
        ("documents", "hidden-document"),
    ]:
        assert client.get(f"/api/v1/{name}/{slug}/").status_code == 404, (name, slug)
    stats = client.get("/api/v1/stats/").json()
    assert sum(group["programmes"] for group in stats["window"]) == (
        factories.ProgrammeFactory._meta.model.objects.published().count()
    )
    assert "777777777" not in str(stats)


def test_staff_with_view_permission_see_drafts_with_their_status(with_drafts):
    client = APIClient()
    client.force_authenticate(factories.EditorFactory())
    data = client.get("/api/v1/programmes/hidden-programme/").json()
    assert data["status"] == "draft"


def test_unknown_parameters_and_bad_values_are_400s_that_name_them(api):
    Portfolio()
    cases = {
        "/api/v1/programmes/?colour=red": "colour",
        "/api/v1/programmes/?theme=no-such-theme": "theme",
        "/api/v1/programmes/?status=9": "status",
        "/api/v1/programmes/?start_after=yesterday": "start_after",
        "/api/v1/programmes/?updated_since=soon": "updated_since",
        "/api/v1/programmes/?page=abc": "page",
        "/api/v1/programmes/?page_size=0": "page_size",
        "/api/v1/programmes/?ordering=colour": "ordering",
        "/api/v1/programmes/?paginate=cursor&cursor=bogus": "cursor",
        "/api/v1/outputs/?kind=novel": "kind",
        "/api/v1/outputs/?year=twenty": "year",
        # A value holding "%" is text in the message (found by Schemathesis: it was a 500).
        "/api/v1/outputs/?kind=%25s%25d": "kind",
        "/api/v1/programmes/?theme=100%25": "theme",
        "/api/v1/themes/?search=x": "search",
        "/api/v1/stats/?by=theme": "by",
    }
    for url, parameter in cases.items():
        response = api.get(url)
        assert response.status_code == 400, url
        assert parameter in response.json()["errors"], (url, response.json())
    errors = api.get("/api/v1/programmes/?theme=gendr&contry=UG&status=9").json()["errors"]
    assert set(errors) == {"theme", "contry", "status"}  # every bad parameter, not the first


def test_several_values_of_one_filter_combine_with_or(api):
    portfolio = Portfolio()
    first, second = portfolio.themes[:2]
    only_second = factories.ProgrammeFactory(published=True, instrument=portfolio.instrument)
    only_second.themes.add(second)
    slugs = lambda url: {row["slug"] for row in api.get(url).json()["results"]}  # noqa: E731
    both = slugs(f"/api/v1/programmes/?theme={first.slug},{second.slug}")
    assert only_second.slug in both
    assert both == slugs(f"/api/v1/programmes/?theme={first.slug}") | {only_second.slug}


def test_page_size_is_capped_at_500():
    request = APIRequestFactory().get("/", {"page_size": "5000"})
    from rest_framework.request import Request

    assert PortfolioPagination().get_page_size(Request(request)) == 500


def test_cursor_mode_walks_every_item_once(api):
    portfolio = Portfolio()
    portfolio.grow(times=3)
    url, seen = "/api/v1/programmes/?paginate=cursor&page_size=3", []
    while url:
        data = api.get(url).json()
        seen += [row["slug"] for row in data["results"]]
        url = data["next"]
    expected = factories.ProgrammeFactory._meta.model.objects.published().count()
    assert len(seen) == len(set(seen)) == expected


def test_csv_by_format_or_accept_header_with_flat_columns(api):
    portfolio = Portfolio()
    for response in (
        api.get("/api/v1/programmes/?format=csv"),
        api.get("/api/v1/programmes/", HTTP_ACCEPT="text/csv"),
    ):
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(body(response).decode())))
        assert {row["slug"] for row in rows} == set(
            factories.ProgrammeFactory._meta.model.objects.published().values_list(
                "slug", flat=True
            )
        )
        subject = next(row for row in rows if row["slug"] == portfolio.programme.slug)
        assert subject["themes"] == "; ".join(sorted(t.slug for t in portfolio.themes))
    theme = portfolio.themes[0]
    filtered = api.get(f"/api/v1/programmes/?format=csv&theme={theme.slug}")
    rows = list(csv.DictReader(io.StringIO(body(filtered).decode())))
    published = factories.ProgrammeFactory._meta.model.objects.published()
    assert {row["slug"] for row in rows} == set(
        published.filter(themes=theme).values_list("slug", flat=True)
    )


def test_conditional_requests(api):
    portfolio = Portfolio()
    for url in ("/api/v1/programmes/", f"/api/v1/programmes/{portfolio.programme.slug}/"):
        first = api.get(url)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert api.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        portfolio.programme.title = "Changed title"
        portfolio.programme.save()
        again = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 200
        assert again["ETag"] != etag


def test_cors_allows_reading_from_any_origin(api):
    response = api.get("/api/v1/themes/", HTTP_ORIGIN="https://partner.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "/admin/" not in response.get("Access-Control-Allow-Origin", "")
    site = api.get("/", HTTP_ORIGIN="https://partner.example.org")
    assert "Access-Control-Allow-Origin" not in site


def test_stats_are_seven_aggregates(api, django_assert_num_queries):
    """The breakdowns on the programme's own columns in one scan, themes and countries one
    aggregate each over their link tables; the spending by year one, by theme two (through
    programmes and through JWPs), by country one: whatever the size of the portfolio."""
    portfolio = Portfolio()
    portfolio.grow(times=2)
    with django_assert_num_queries(7):
        data = api.get("/api/v1/stats/").json()
    by_theme = {group["key"]: group["programmes"] for group in data["theme"]}
    published = factories.ProgrammeFactory._meta.model.objects.published()
    assert (
        by_theme[portfolio.themes[0].slug] == published.filter(themes=portfolio.themes[0]).count()
    )


def test_the_schema_and_the_docs_are_served(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/programmes/" in paths and "/api/v1/stats/" in paths
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_a_list_is_modified_when_an_item_leaves_it(api):
    """Unpublishing touches no visible row: the list's Last-Modified must still move on."""
    import datetime

    from django.utils.http import http_date

    portfolio = Portfolio()
    first = api.get("/api/v1/programmes/")
    programme = portfolio.programme
    programme.status = "draft"
    programme.save()
    record = programme.history.latest()
    later = first["Last-Modified"]
    # the history row is written after the first answer; make sure the clock moved on
    record.history_date = record.history_date + datetime.timedelta(seconds=2)
    record.save()
    second = api.get("/api/v1/programmes/", HTTP_IF_MODIFIED_SINCE=later)
    assert second.status_code == 200
    assert second["Last-Modified"] != later
    assert second["Last-Modified"] == http_date(record.history_date.timestamp())


def test_timestamps_with_any_valid_offset_are_accepted(api):
    """PostgreSQL refuses offsets beyond ±15:59: the API sends times in UTC."""
    Portfolio()
    since = "2000-04-04T01:12:04-23:37"
    for url in (
        f"/api/v1/programmes/?updated_since={since}",
        f"/api/v1/outputs/?updated_since={since}",
        f"/api/v1/jwps/?updated_since={since}",
        f"/api/v1/changes/?since={since}",
    ):
        assert api.get(url).status_code == 200, url


def test_stats_in_one_scan_equal_one_query_per_breakdown():
    """The breakdowns on the programme's own columns share one GROUPING SETS scan; each gives
    what its own GROUP BY gives, currencies, empty keys and years included."""
    from decimal import Decimal

    from portal.api import stats

    Portfolio()
    for currency, budget, status in (("EUR", "5.50", "3"), ("USD", None, "2"), ("EUR", "7", "")):
        factories.ProgrammeFactory(
            published=True,
            currency=currency,
            budget=budget and Decimal(budget),
            activity_status=status or "2",
            planned_start=None if status == "" else "2016-01-01",
        )
    own = {name: path for name, (relation, path) in stats.BREAKDOWNS.items() if relation is None}
    together = stats._grouped_together(own)
    for name, path in own.items():
        alone = [
            (row["key"], row["currency_code"], row["programmes"], row["budget"])
            for row in stats._grouped(None, path)
        ]
        assert together[name] == alone, name


def test_moments_outside_what_utc_can_hold_are_400s_that_name_the_parameter(api):
    """0001-01-01T00:00:00+14:00 falls before year 1 in UTC: it was a 500 (OverflowError)."""
    Portfolio()
    for moment in ("0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00"):
        for url, parameter in (
            (f"/api/v1/programmes/?updated_since={moment}", "updated_since"),
            (f"/api/v1/outputs/?updated_since={moment}", "updated_since"),
            (f"/api/v1/jwps/?updated_since={moment}", "updated_since"),
            (f"/api/v1/iati/activities.xml?updated_since={moment}", "updated_since"),
            (f"/api/v1/changes/?since={moment}", "since"),
        ):
            response = api.get(url, HTTP_ACCEPT="application/json")
            assert response.status_code == 400, url
            assert parameter in response.json()["errors"], (url, response.json())
    for url, parameter in (
        ("/api/v1/programmes/?year=99999", "year"),
        ("/api/v1/programmes/?year=-5", "year"),
        ("/api/v1/outputs/?year=99999", "year"),
        ("/api/v1/programmes/?start_after=10000-01-01", "start_after"),
        ("/api/v1/programmes/?end_before=0000-12-31", "end_before"),
        ("/api/v1/changes/?since=0001-01-01T00:00:00%2B00:01", "since"),
    ):
        response = api.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 400, url
        assert parameter in response.json()["errors"], (url, response.json())


def test_a_draft_slug_in_a_filter_answers_as_an_unknown_one_to_the_public(api):
    """?jwp=<draft slug> was a 200 with count 0 while an unknown slug was a 400: an outsider
    could tell that a draft exists. To whoever cannot see drafts the two answer the same."""
    draft = factories.JointWorkProgrammeFactory(slug="secret-plans")
    published = factories.JointWorkProgrammeFactory(published=True, slug="open-plans")
    draft_answer = api.get("/api/v1/outputs/?jwp=secret-plans")
    unknown_answer = api.get("/api/v1/outputs/?jwp=no-such-plans")
    assert draft_answer.status_code == unknown_answer.status_code == 400
    assert draft_answer.json()["errors"]["jwp"] == [
        message.replace("no-such-plans", "secret-plans")
        for message in unknown_answer.json()["errors"]["jwp"]
    ]
    assert api.get(f"/api/v1/outputs/?jwp={published.slug}").status_code == 200
    # Staff who may preview drafts filter by them.
    editor = APIClient()
    editor.force_authenticate(factories.EditorFactory())
    assert editor.get(f"/api/v1/outputs/?jwp={draft.slug}").status_code == 200


def test_the_fast_programme_rows_equal_the_serializer_field_by_field(api):
    """The list writes rows without building each field per programme; what it writes is what
    ProgrammeListSerializer's fields write, key for key, for every kind of value."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone
    from rest_framework.request import Request
    from rest_framework.versioning import NamespaceVersioning

    from programmes.api.serializers import ProgrammeListSerializer
    from programmes.models import Programme

    portfolio = Portfolio()
    factories.ProgrammeFactory(
        published=True,
        instrument=portfolio.instrument,
        budget=Decimal("1234567.5"),
        currency="EUR",
        planned_start=datetime.date(2012, 3, 1),
        actual_end=datetime.date(2019, 1, 31),
        published_at=timezone.now() - datetime.timedelta(days=3, microseconds=17),
    )
    factories.ProgrammeFactory(published=True, instrument=portfolio.instrument, budget=None)
    for query in ("", "?format=json", "?ordering=-budget"):
        response = api.get(f"/api/v1/programmes/{query}")
        listed = {row["slug"]: row for row in response.json()["results"]}
        request = Request(response.wsgi_request)
        request.version, request.versioning_scheme = "v1", NamespaceVersioning()
        published = Programme.objects.published()
        assert len(listed) == published.count() >= 3
        for programme in published:
            expected = ProgrammeListSerializer(programme, context={"request": request}).data
            assert listed[programme.slug] == expected, programme.slug
