"""Caching that cannot lie: whole public responses and aggregates in a real Redis, keyed by the
publication version (publishing.cache, publishing.version).

Writes here are committed (transactional tests), as on a running site: the version moves in
the database's own transaction and reaches Redis when it commits. The end-to-end tests serve
the site from gunicorn, in other processes than the one that writes, and stop Redis under it.
"""

import csv
import io
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from programmes.models import Country, Programme
from publishing import services, version
from publishing.models import PublicationState, PublicationStatus
from publishing.version import public_models
from tests import factories
from tests.servers import RedisServer, start_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_cache(tmp_path, settings):
    """The project's cache on a throwaway redis-server."""
    server = RedisServer.create(tmp_path).start()
    settings.CACHES = redis_settings(server)
    version.forget_process_state()
    yield server
    server.stop()
    version.forget_process_state()


@pytest.fixture
def publisher():
    return factories.PublisherFactory()


def page_text(client, url="/programmes/"):
    return client.get(url).content.decode()


def csv_titles(client) -> list[str]:
    response = client.get("/programmes/export.csv")
    body = b"".join(response.streaming_content).decode()
    return [row["title"] for row in csv.DictReader(io.StringIO(body))]


def cached_pages(redis_server) -> int:
    import redis

    return len(redis.Redis.from_url(redis_server.url).keys("*page:*"))


def test_a_publish_shows_on_the_next_request_and_an_unpublish_leaves_it(redis_cache, publisher):
    programme = factories.ProgrammeFactory(title="Secondary cities water fund")
    anonymous = Client()
    first = anonymous.get("/programmes/")
    assert first.status_code == 200 and "Secondary cities water fund" not in first.content.decode()
    assert anonymous.get("/programmes/")["ETag"] == first["ETag"]  # the same version: cached
    assert cached_pages(redis_cache) == 1

    services.publication_publish(obj=programme, user=publisher)
    again = anonymous.get("/programmes/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200, "a 304 after a publish would hide it"
    assert "Secondary cities water fund" in again.content.decode()
    assert again["ETag"] != first["ETag"]
    assert "Secondary cities water fund" in csv_titles(anonymous)
    assert anonymous.get("/programmes/", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304

    programme.refresh_from_db()
    services.publication_unpublish(obj=programme, user=publisher)
    gone = anonymous.get("/programmes/", HTTP_IF_NONE_MATCH=again["ETag"])
    assert gone.status_code == 200 and "Secondary cities water fund" not in gone.content.decode()
    assert "Secondary cities water fund" not in csv_titles(anonymous)
    assert anonymous.get(programme.get_absolute_url()).status_code == 404


def test_a_delete_and_an_edit_of_reference_data_reach_the_next_response(redis_cache, publisher):
    country = factories.CountryFactory(name="Uganda", iso2="UG", iso3="UGA")
    kept = factories.ProgrammeFactory(published=True, title="Kept")
    kept.countries.add(country)
    deleted = factories.ProgrammeFactory(published=True, title="Deleted soon")
    anonymous = Client()
    api = anonymous.get("/api/v1/programmes/")
    assert {item["title"] for item in api.json()["results"]} == {"Kept", "Deleted soon"}

    deleted.delete()
    response = anonymous.get("/api/v1/programmes/", HTTP_IF_NONE_MATCH=api["ETag"])
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Kept"]

    assert "Uganda" in page_text(anonymous, kept.get_absolute_url())
    Country.objects.filter(pk=country.pk).update(name="Republic of Uganda")  # no signal
    version.publication_changed()  # what a bulk write's caller does
    assert "Republic of Uganda" in page_text(anonymous, kept.get_absolute_url())


def test_the_version_moves_in_the_writing_transaction_whatever_writes(redis_cache):
    """The triggers, not the ORM's signals: raw SQL moves the version too."""

    def current():
        return PublicationState.objects.values_list("version", flat=True).first() or 0

    before = current()
    programme = factories.ProgrammeFactory()
    after_insert = current()
    assert after_insert > before
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_programme SET title = 'x' WHERE id = %s", [programme.pk])
    assert current() > after_insert
    # Every table the public reads has the trigger, many-to-many tables included.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [version.TRIGGER],
        )
        covered = {row[0] for row in cursor.fetchall()}
    tables = {model._meta.db_table for model in public_models()}
    assert "programmes_programme_themes" in tables and "jwp_output" in tables
    assert tables <= covered


def test_a_raw_write_is_seen_within_the_recheck_time(redis_cache, settings):
    settings.PUBLICATION_VERSION_RECHECK = 0.5
    factories.ProgrammeFactory(published=True, title="Before")
    anonymous = Client()
    assert "Before" in page_text(anonymous)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_programme SET title = 'After'")
    time.sleep(0.6)
    assert "After" in page_text(anonymous)


def test_drafts_never_enter_the_shared_cache(redis_cache, publisher):
    draft = factories.ProgrammeFactory(title="A draft nobody may see")
    staff = Client()
    staff.force_login(publisher)
    preview = staff.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "A draft nobody may see" in preview.content.decode()
    assert staff.get("/api/v1/programmes/?format=json").status_code == 200
    assert cached_pages(redis_cache) == 0  # what staff were served was not stored

    anonymous = Client()
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    assert "A draft nobody may see" not in page_text(anonymous)
    import redis

    client = redis.Redis.from_url(redis_cache.url)
    for key in client.keys("*"):
        assert b"A draft nobody may see" not in (client.get(key) or b""), key


def test_staff_sessions_and_tokens_bypass_the_shared_cache(redis_cache, publisher):
    factories.ProgrammeFactory(published=True, title="Shown to everyone")
    anonymous = Client()
    assert "Shown to everyone" in page_text(anonymous)
    # A change the cache cannot know of yet (no push; the recheck is off in tests): the cached
    # page keeps the old title for anonymous readers, staff read the database.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_programme SET title = 'Changed underneath'")
    assert "Shown to everyone" in page_text(anonymous)
    staff = Client()
    staff.force_login(publisher)
    assert "Changed underneath" in page_text(staff)
    token = factories.issue_token(factories.UserFactory(is_staff=False))
    partner = Client(HTTP_AUTHORIZATION=f"Token {token}")
    results = partner.get("/api/v1/programmes/").json()["results"]
    assert [item["title"] for item in results] == ["Changed underneath"]


def test_a_scheduled_publication_appears_when_its_time_comes(redis_cache, publisher):
    import datetime

    from django.utils import timezone

    programme = factories.ProgrammeFactory(title="Published at noon")
    services.publication_publish(
        obj=programme, user=publisher, at=timezone.now() + datetime.timedelta(seconds=1.5)
    )
    anonymous = Client()
    assert "Published at noon" not in page_text(anonymous)
    time.sleep(1.6)
    assert "Published at noon" in page_text(anonymous)


# -- end to end: gunicorn processes, a real Redis that stops and starts -----------------------


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def redis_settings(server) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


def test_gunicorn_serves_uncached_while_redis_is_down_and_the_cache_recovers(
    tmp_path, settings, publisher
):
    redis = RedisServer.create(tmp_path).start()
    settings.CACHES = redis_settings(redis)  # this process writes through the same Redis
    web, url = start_gunicorn(tmp_path, REDIS_URL=redis.url, PUBLICATION_VERSION_RECHECK="1")
    try:
        programme = factories.ProgrammeFactory(title="Waiting for its publication")
        status, headers, body = get(f"{url}/programmes/")
        assert status == 200 and b"Waiting for its publication" not in body
        assert get(f"{url}/programmes/", **{"If-None-Match": headers["ETag"]})[0] == 304

        redis.stop()
        for path in ("/", "/programmes/", "/api/v1/programmes/", "/api/v1/stats/", "/sitemap.xml"):
            assert get(f"{url}{path}")[0] == 200, path
        # Published while Redis is down: the version cannot reach Redis, the database has it.
        services.publication_publish(obj=programme, user=publisher)
        status, _headers, body = get(f"{url}/programmes/")
        assert status == 200 and b"Waiting for its publication" in body

        # Back with its data: the old version and the old page are still in it.
        redis.start()
        time.sleep(1.2)  # PUBLICATION_VERSION_RECHECK: every process reads the version again
        status, headers, body = get(f"{url}/programmes/")
        assert status == 200 and b"Waiting for its publication" in body
        assert get(f"{url}/programmes/", **{"If-None-Match": headers["ETag"]})[0] == 304
        assert cached_pages(redis) >= 1  # in use again
        assert "Traceback" not in web.log(tail=100_000)
    finally:
        web.stop()
        redis.stop()
        version.forget_process_state()


def test_a_publish_in_one_process_reaches_the_pages_of_another(tmp_path, publisher):
    """No timer: the push after the commit is what the other processes see."""
    redis = RedisServer.create(tmp_path).start()
    web, url = start_gunicorn(tmp_path, REDIS_URL=redis.url, PUBLICATION_VERSION_RECHECK="0")
    try:
        from django.test import override_settings

        programme = factories.ProgrammeFactory(title="Crossing processes")
        with override_settings(CACHES=redis_settings(redis)):
            version.forget_process_state()
            for _ in range(3):  # both workers have the list cached
                assert b"Crossing processes" not in get(f"{url}/api/v1/programmes/")[2]
            services.publication_publish(obj=programme, user=publisher)
            for _ in range(3):
                assert b"Crossing processes" in get(f"{url}/api/v1/programmes/")[2]
            programme.refresh_from_db()
            assert programme.status == PublicationStatus.PUBLISHED
            services.publication_unpublish(obj=programme, user=publisher)
            for _ in range(3):
                assert b"Crossing processes" not in get(f"{url}/api/v1/programmes/")[2]
        assert Programme.objects.count() == 1
    finally:
        web.stop()
        redis.stop()
        version.forget_process_state()


def test_a_streamed_download_is_kept_when_small_and_passed_through_when_large(
    redis_cache, settings
):
    factories.ProgrammeFactory(published=True, title="Streamed")
    anonymous = Client()
    assert csv_titles(anonymous) == ["Streamed"]
    assert cached_pages(redis_cache) == 1  # stored once the stream was complete
    again = anonymous.get("/programmes/export.csv")
    assert not again.streaming and b"Streamed" in again.content  # from the cache

    settings.PUBLIC_CACHE_MAX_BYTES = 10
    big = anonymous.get("/api/v1/programmes/?format=csv")
    assert b"Streamed" in b"".join(big.streaming_content)
    assert cached_pages(redis_cache) == 1  # too large to keep


def test_a_new_budget_reaches_the_cached_programme_page(redis_cache):
    """The money tables carry the publication-version trigger: a cached page never shows
    money that has changed since."""
    programme = factories.ProgrammeFactory(published=True, budget=None, currency="")
    anonymous = Client()
    assert "No budget or transactions" in page_text(anonymous, programme.get_absolute_url())

    factories.BudgetFactory(programme=programme, value=Decimal("777000"))

    assert "USD 777,000" in page_text(anonymous, programme.get_absolute_url())


def test_spending_on_the_cached_home_and_country_pages_follows_publication(redis_cache, publisher):
    """The home and country pages' money is an aggregate kept per publication version: a new
    transaction shows on the next request, an unpublished programme's money leaves it."""
    country = factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda")
    programme = factories.ProgrammeFactory(published=True)
    programme.countries.add(country)
    factories.TransactionFactory(programme=programme, value=Decimal("1000"))
    anonymous = Client()
    for url in ("/", "/countries/UG/"):
        assert "USD 1,000" in page_text(anonymous, url), url

    factories.TransactionFactory(programme=programme, value=Decimal("234"), type="4")
    for url in ("/", "/countries/UG/"):
        assert "USD 234" in page_text(anonymous, url), url

    programme.refresh_from_db()
    services.publication_unpublish(obj=programme, user=publisher)
    assert "USD 1,000" not in page_text(anonymous, "/")
    assert "No commitment, disbursement or expenditure" in page_text(anonymous, "/")
