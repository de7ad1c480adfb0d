"""The changes feed (/api/v1/changes/): what a partner applies to its copy of the public
portfolio to get the public portfolio of now, without ever learning about drafts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from publishing import services
from tests import factories
from tests.builders import Portfolio

pytestmark = pytest.mark.django_db

# kind in the feed -> list endpoint
LISTS = {
    "window": "windows",
    "instrument": "instruments",
    "theme": "themes",
    "country": "countries",
    "organisation": "organisations",
    "programme": "programmes",
    "jwp": "jwps",
    "output": "outputs",
    "lesson": "lessons",
    "document": "documents",
    "budget": "budgets",
    "planned-disbursement": "planned-disbursements",
    "transaction": "transactions",
}
# what names an item in the feed, where it is not its slug
KEYS = {"country": "iso2", "budget": "id", "planned-disbursement": "id", "transaction": "id"}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def publisher():
    return factories.PublisherFactory()


def past():
    """A publication time that has come for the database too: PostgreSQL's now() is the
    start of the test's transaction, so "now" in Python is still in the future there."""
    return timezone.now() - datetime.timedelta(minutes=5)


def feed(api, since, page_size=500):
    """Every entry of the feed, following the page links."""
    response = api.get("/api/v1/changes/", {"since": since.isoformat(), "page_size": page_size})
    assert response.status_code == 200, response.content
    entries = []
    while True:
        data = response.json()
        entries += data["results"]
        if not data["next"]:
            return entries
        response = api.get(data["next"])
        assert response.status_code == 200


def actions(entries):
    return {(entry["kind"], entry["slug"]): entry["action"] for entry in entries}


def backdate(obj, when):
    """Move an item's last update and its history to ``when``."""
    type(obj).objects.filter(pk=obj.pk).update(updated_at=when)
    obj.history.all().update(history_date=when)


def test_edited_items_are_changed_with_their_detail_url(api):
    programme = factories.ProgrammeFactory(published=True)
    untouched = factories.ProgrammeFactory(published=True)
    theme = factories.ThemeFactory()
    since = timezone.now()
    programme.title = "Edited"
    programme.save()
    theme.name = "Renamed theme"
    theme.save()

    entries = feed(api, since)

    assert actions(entries) == {
        ("programme", programme.slug): "changed",
        ("theme", theme.slug): "changed",
    }
    entry = next(entry for entry in entries if entry["kind"] == "programme")
    assert entry["url"] == f"http://testserver/api/v1/programmes/{programme.slug}/"
    assert parse_datetime(entry["at"]) == type(programme).objects.get(pk=programme.pk).updated_at
    assert ("programme", untouched.slug) not in actions(entries)


def test_an_item_published_after_since_is_changed(api, publisher):
    draft = factories.ProgrammeFactory()
    since = timezone.now()
    services.publication_publish(obj=draft, user=publisher, at=past())

    assert actions(feed(api, since)) == {("programme", draft.slug): "changed"}


def test_a_scheduled_publication_is_changed_when_its_time_comes(api):
    since = timezone.now() - datetime.timedelta(hours=1)
    comes = since + datetime.timedelta(minutes=10)
    scheduled = factories.DocumentFactory(status="published", published_at=comes)
    backdate(scheduled, since - datetime.timedelta(minutes=1))

    entries = feed(api, since)

    assert actions(entries) == {("document", scheduled.slug): "changed"}
    assert parse_datetime(entries[0]["at"]) == comes
    assert feed(api, comes) == []


def test_an_item_unpublished_after_since_is_removed(api, publisher):
    programme = factories.ProgrammeFactory(published=True)
    since = timezone.now()
    services.publication_unpublish(obj=programme, user=publisher)

    entries = feed(api, since)

    assert actions(entries) == {("programme", programme.slug): "removed"}
    assert entries[0]["url"] is None


def test_a_deleted_published_item_is_removed(api):
    programme = factories.ProgrammeFactory(published=True)
    theme = factories.ThemeFactory()
    slugs = programme.slug, theme.slug
    since = timezone.now()
    programme.delete()
    theme.delete()

    assert actions(feed(api, since)) == {
        ("programme", slugs[0]): "removed",
        ("theme", slugs[1]): "removed",
    }


def test_a_renamed_item_removes_its_old_slug(api):
    programme = factories.ProgrammeFactory(published=True, slug="old-name")
    since = timezone.now()
    programme.slug = "new-name"
    programme.save()

    assert actions(feed(api, since)) == {
        ("programme", "old-name"): "removed",
        ("programme", "new-name"): "changed",
    }


def test_money_rows_of_public_activities_are_changed_and_removed(api, publisher):
    """Budgets, planned disbursements and transactions, each by its id: added or edited is
    changed (with the row's detail URL), deleted or withdrawn with its activity is removed;
    a draft's money never appears."""
    programme = factories.ProgrammeFactory(published=True)
    jwp = factories.JointWorkProgrammeFactory(published=True)
    old_budget = factories.BudgetFactory(programme=programme)
    old_transaction = factories.TransactionFactory(programme=programme)
    since = timezone.now()
    budget = factories.BudgetFactory(programme=programme, value=5)
    planned = factories.PlannedDisbursementFactory(programme=None, jwp=jwp)
    old_transaction.value = 12
    old_transaction.save()
    deleted = str(old_budget.pk)
    old_budget.delete()
    draft = factories.ProgrammeFactory(instrument=programme.instrument)
    factories.TransactionFactory(programme=draft)  # a draft's money

    entries = feed(api, since)
    assert actions(entries) == {
        ("budget", str(budget.pk)): "changed",
        ("planned-disbursement", str(planned.pk)): "changed",
        ("transaction", str(old_transaction.pk)): "changed",
        ("budget", deleted): "removed",
    }
    urls = {entry["kind"]: entry["url"] for entry in entries if entry["action"] == "changed"}
    assert urls["transaction"] == f"http://testserver/api/v1/transactions/{old_transaction.pk}/"
    for url in urls.values():
        detail = api.get(url)
        assert detail.status_code == 200 and "id" in detail.json(), url

    again = timezone.now()
    services.publication_unpublish(obj=programme, user=publisher)
    assert actions(feed(api, again)) == {
        ("programme", programme.slug): "removed",
        ("budget", str(budget.pk)): "removed",
        ("transaction", str(old_transaction.pk)): "removed",
    }


def test_drafts_never_published_appear_nowhere(api, publisher):
    edited = factories.ProgrammeFactory(slug="secret-edited")
    since = timezone.now()
    edited.title = "Still a draft"
    edited.save()
    factories.ProgrammeFactory(slug="secret-deleted", instrument=edited.instrument).delete()
    renamed = factories.DocumentFactory(slug="secret-renamed")
    renamed.slug = "secret-renamed-again"
    renamed.save()
    scheduled = factories.JointWorkProgrammeFactory(slug="secret-scheduled")
    services.publication_publish(
        obj=scheduled, user=publisher, at=timezone.now() + datetime.timedelta(days=1)
    )
    services.publication_unpublish(obj=scheduled, user=publisher)
    hidden_jwp = factories.JointWorkProgrammeFactory(slug="secret-jwp")
    factories.OutputFactory(published=True, jwp=hidden_jwp, slug="secret-output")

    response = api.get("/api/v1/changes/", {"since": since.isoformat()})

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert b"secret" not in response.content


def test_items_in_review_never_published_appear_nowhere(api, publisher):
    submitted = factories.ProgrammeFactory(slug="secret-in-review")
    sent_back = factories.LessonFactory(slug="secret-sent-back")
    since = timezone.now()
    services.publication_submit(obj=submitted, user=publisher)
    services.publication_submit(obj=sent_back, user=publisher)
    services.publication_send_back(obj=sent_back, user=publisher)

    response = api.get("/api/v1/changes/", {"since": since.isoformat()})

    assert response.json()["results"] == []
    assert b"secret" not in response.content


def test_changes_before_since_do_not_appear(api, publisher):
    edited = factories.ProgrammeFactory(published=True)
    gone = factories.ProgrammeFactory(published=True)
    withdrawn = factories.OutputFactory(published=True)
    edited.title = "Edited before"
    edited.save()
    gone.delete()
    services.publication_unpublish(obj=withdrawn, user=publisher)
    factories.ThemeFactory()
    since = timezone.now()
    later = factories.ProgrammeFactory(published=True, instrument=edited.instrument)

    assert actions(feed(api, since)) == {("programme", later.slug): "changed"}


def test_withdrawing_an_owner_removes_its_outputs_and_lessons(api, publisher):
    jwp = factories.JointWorkProgrammeFactory(published=True)
    output = factories.OutputFactory(published=True, jwp=jwp)
    lesson = factories.LessonFactory(
        published=True, jwp=jwp, programme=factories.ProgrammeFactory(published=True)
    )
    since = timezone.now()
    services.publication_unpublish(obj=jwp, user=publisher)

    assert actions(feed(api, since)) == {
        ("jwp", jwp.slug): "removed",
        ("output", output.slug): "removed",
        ("lesson", lesson.slug): "removed",
    }

    again = timezone.now()
    services.publication_publish(obj=jwp, user=publisher)
    assert actions(feed(api, again)) == {
        ("jwp", jwp.slug): "changed",
        ("output", output.slug): "changed",
        ("lesson", lesson.slug): "changed",
    }


def public_state(api):
    """(kind, slug) of everything the public lists show."""
    state = set()
    for kind, name in LISTS.items():
        data = api.get(f"/api/v1/{name}/?page_size=500").json()
        assert data["next"] is None
        key = KEYS.get(kind, "slug")
        state |= {(kind, str(row[key])) for row in data["results"]}
    return state


def test_applying_the_feed_to_a_snapshot_gives_the_public_lists_of_now(api, publisher):
    portfolio = Portfolio()
    portfolio.grow(times=2)
    edited, unpublished, deleted, renamed = factories.ProgrammeFactory.create_batch(
        4, published=True, instrument=portfolio.instrument
    )
    unused_country = factories.CountryFactory()
    kept_budget = factories.BudgetFactory(programme=edited)
    dropped = factories.TransactionFactory(programme=edited)
    factories.TransactionFactory(programme=unpublished)  # withdrawn with its programme
    factories.BudgetFactory(programme=deleted)  # deleted with it
    factories.PlannedDisbursementFactory(programme=None, jwp=portfolio.jwp)  # withdrawn too
    snapshot = public_state(api)
    assert ("programme", deleted.slug) in snapshot
    since = timezone.now()

    created = factories.ProgrammeFactory(instrument=portfolio.instrument)
    services.publication_publish(obj=created, user=publisher, at=past())
    edited.summary = "Edited after the snapshot."
    edited.save()
    services.publication_unpublish(obj=unpublished, user=publisher)
    deleted.delete()
    renamed.slug = "renamed-programme"
    renamed.save()
    factories.ProgrammeFactory(instrument=portfolio.instrument, slug="secret-draft")
    services.publication_unpublish(obj=portfolio.jwp, user=publisher)  # hides its outputs
    portfolio.themes[0].slug = "renamed-theme"
    portfolio.themes[0].save()
    unused_country.delete()
    factories.OrganisationFactory()
    factories.DocumentFactory(published=True)
    kept_budget.value = 1
    kept_budget.save()
    dropped.delete()
    factories.TransactionFactory(programme=created)
    factories.PlannedDisbursementFactory(programme=edited)
    factories.BudgetFactory(programme=factories.ProgrammeFactory(slug="secret-draft-2"))

    mirror = set(snapshot)
    entries = feed(api, since, page_size=3)
    for entry in entries:
        key = (entry["kind"], entry["slug"])
        if entry["action"] == "changed":
            assert api.get(entry["url"]).status_code == 200, entry
            mirror.add(key)
        else:
            assert entry["action"] == "removed" and entry["url"] is None
            mirror.discard(key)

    now = public_state(api)
    assert {slug for kind, slug in mirror if kind == "programme"} == {
        slug for kind, slug in now if kind == "programme"
    }
    assert mirror == now
    assert mirror != snapshot
    assert {kind for kind, _slug in mirror ^ snapshot} >= {
        "budget",
        "planned-disbursement",
        "transaction",
    }
    assert not any("secret" in entry["slug"] for entry in entries)
    order = [(parse_datetime(e["at"]), e["kind"], e["slug"]) for e in entries]
    assert order == sorted(order)


def test_staff_get_the_same_feed_as_everyone(api, publisher):
    instrument = factories.ProgrammeFactory(published=True).instrument
    since = timezone.now()
    factories.ProgrammeFactory(published=True, instrument=instrument)
    factories.ProgrammeFactory(slug="secret-draft", instrument=instrument)
    staff = APIClient()
    staff.force_authenticate(get_user_model().objects.create_superuser("boss", "b@example.org"))

    assert feed(staff, since) == feed(api, since)
    assert len(feed(api, since)) == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "since"),
        ("?since=", "since"),
        ("?since=yesterday", "since"),
        ("?since=2025-13-01T00:00:00Z", "since"),
        ("?since=2025-01-01T00:00:00+00:00", "since"),  # an unencoded + arrives as a space
        ("?since=2025-01-01T00:00:00Z&colour=red", "colour"),
        ("?since=2025-01-01T00:00:00Z&paginate=cursor", "paginate"),
        ("?since=2025-01-01T00:00:00Z&page_size=0", "page_size"),
    ],
)
def test_bad_requests_are_400s_that_name_the_parameter(api, query, parameter):
    response = api.get(f"/api/v1/changes/{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert list(body["errors"]) == [parameter]


@pytest.mark.parametrize(
    "since", ["2025-01-01T00:00:00Z", "2025-01-01T02:00:00%2B02:00", "2025-01-01T00:00:00"]
)
def test_since_takes_any_iso_8601_timestamp(api, since):
    factories.ThemeFactory()
    response = api.get(f"/api/v1/changes/?since={since}&format=json")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def churn(portfolio, publisher, times):
    """``times`` of each kind of change."""
    for _ in range(times):
        created = factories.ProgrammeFactory(instrument=portfolio.instrument)
        services.publication_publish(obj=created, user=publisher, at=past())
        edited, unpublished, deleted = factories.ProgrammeFactory.create_batch(
            3, published=True, instrument=portfolio.instrument
        )
        edited.title = "Edited"
        edited.save()
        services.publication_unpublish(obj=unpublished, user=publisher)
        deleted.delete()
        jwp = factories.JointWorkProgrammeFactory(published=True)
        factories.OutputFactory(published=True, jwp=jwp)
        factories.LessonFactory(published=True, jwp=jwp, programme=portfolio.programme)
        services.publication_unpublish(obj=jwp, user=publisher)
        factories.ThemeFactory()
        factories.BudgetFactory(programme=edited)
        factories.TransactionFactory(programme=unpublished)
        factories.PlannedDisbursementFactory(programme=created).delete()


def test_the_number_of_queries_does_not_depend_on_the_number_of_changes(api, publisher):
    portfolio = Portfolio()
    since = timezone.now()
    sizes, counts = [], []
    for times in (1, 5):
        churn(portfolio, publisher, times)
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/changes/", {"since": since.isoformat(), "page_size": 500})
        assert response.status_code == 200
        sizes.append(response.json()["count"])
        counts.append(len(queries))

    assert sizes[1] > sizes[0] + 20
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries.captured_queries)
