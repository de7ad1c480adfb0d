"""The staff admin: every page renders for a publisher, editors cannot publish by any path,
history and revert work, and changelists run a constant number of queries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jwp.models import Output
from programmes.models import Programme
from publishing import services
from publishing.models import PublicationStatus
from tests import factories
from tests.builders import NO_ACTIVITY_ROWS, NO_COUNTRY_ROWS

pytestmark = pytest.mark.django_db

OUR_APPS = {"publishing", "windows", "programmes", "jwp", "finances"}
FACTORY_FOR = {
    "document": factories.DocumentFactory,
    "fundingwindow": factories.FundingWindowFactory,
    "instrument": factories.InstrumentFactory,
    "theme": factories.ThemeFactory,
    "country": factories.CountryFactory,
    "city": factories.CityFactory,
    "organisation": factories.OrganisationFactory,
    "dimension": factories.DimensionFactory,
    "programme": factories.ProgrammeFactory,
    "programmepartner": factories.ProgrammePartnerFactory,
    "activity": factories.ActivityFactory,
    "jointworkprogramme": factories.JointWorkProgrammeFactory,
    "membership": factories.MembershipFactory,
    "phase": factories.PhaseFactory,
    "output": factories.OutputFactory,
    "lesson": factories.LessonFactory,
    "revision": factories.RevisionFactory,
    "transaction": factories.TransactionFactory,
}
# Revisions come from edits of published items, never from an add form.
NO_ADD_PAGE = {"revision"}
OUR_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


def test_every_model_of_our_apps_is_in_the_admin_and_has_a_factory():
    assert {name for _, name in OUR_MODELS} == set(FACTORY_FOR)


@pytest.fixture
def publisher_client(client):
    client.force_login(factories.PublisherFactory())
    return client


@pytest.fixture
def editor(client):
    user = factories.EditorFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize(("app_label", "model_name"), OUR_MODELS)
def test_changelist_add_change_and_history_pages_render(publisher_client, app_label, model_name):
    obj = FACTORY_FOR[model_name]()
    base = f"admin:{app_label}_{model_name}"
    pages = [
        reverse(f"{base}_changelist"),
        reverse(f"{base}_changelist") + "?q=a",
        reverse(f"{base}_add"),
        reverse(f"{base}_change", args=[obj.pk]),
        reverse(f"{base}_history", args=[obj.pk]),
    ]
    for url in pages:
        response = publisher_client.get(url)
        refused = model_name in NO_ADD_PAGE and url.endswith("/add/")
        assert response.status_code == (403 if refused else 200), url
    assert b"Cities Alliance Portfolio" in response.content


def test_publisher_publishes_with_the_admin_action(publisher_client):
    programme = factories.ProgrammeFactory()
    response = publisher_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "publish", "_selected_action": [programme.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 item published." in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_editor_submits_but_cannot_publish_with_an_action(client, editor):
    output = factories.OutputFactory()
    changelist = reverse("admin:jwp_output_changelist")
    response = client.get(changelist)
    actions = response.context["action_form"].fields["action"].choices
    # none of publish, unpublish, send_back (checking links changes no content)
    assert [name for name, _ in actions if name] == ["submit_for_review", "check_links"]

    client.post(changelist, {"action": "submit_for_review", "_selected_action": [output.pk]})
    output.refresh_from_db()
    assert output.status == PublicationStatus.IN_REVIEW

    client.post(changelist, {"action": "publish", "_selected_action": [output.pk]})
    output.refresh_from_db()
    assert output.status == PublicationStatus.IN_REVIEW


def test_editor_cannot_publish_by_posting_the_change_form(client, editor):
    programme = factories.ProgrammeFactory(title="Before")
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None} | {
        "title": "After",
        "status": "published",
        "published_at_0": "2020-01-01",
        "published_at_1": "00:00:00",
        "themes": [],
        "cities": [],
        "dimensions": [],
        "partners-TOTAL_FORMS": 0,
        "partners-INITIAL_FORMS": 0,
        "activities-TOTAL_FORMS": 0,
        "activities-INITIAL_FORMS": 0,
        **NO_ACTIVITY_ROWS,
        **NO_COUNTRY_ROWS,
    }
    data["instrument"] = programme.instrument_id
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme.refresh_from_db()
    assert programme.title == "After"
    assert programme.status == PublicationStatus.DRAFT
    assert programme.published_at is None


def test_revert_restores_content_but_never_the_publication_state(client, editor):
    publisher = factories.PublisherFactory()
    programme = factories.ProgrammeFactory(title="Published title")
    services.publication_publish(obj=programme, user=publisher)
    services.publication_unpublish(obj=programme, user=publisher)
    programme.title = "Draft title"
    programme.save()
    published_version = programme.history.filter(status="published").get()

    url = reverse(
        "admin:programmes_programme_simple_history",
        args=[programme.pk, published_version.history_id],
    )
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "instrument": programme.instrument_id,
            "partners-TOTAL_FORMS": 0,
            "partners-INITIAL_FORMS": 0,
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Published title"
    assert programme.status == PublicationStatus.DRAFT
    assert not Programme.objects.published().exists()


def test_an_editor_cannot_revert_a_published_item(client, editor):
    """A revert saves an old version straight onto the item: for a published one that would
    bypass review, so it is refused to whoever may not publish."""
    programme = factories.ProgrammeFactory(title="Old title", published=True)
    old = programme.history.get()
    programme.title = "Live title"
    programme.save()
    programme.themes.add(factories.ThemeFactory())
    url = reverse("admin:programmes_programme_simple_history", args=[programme.pk, old.history_id])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "instrument": programme.instrument_id,
        "themes": [],
        "partners-TOTAL_FORMS": 0,
        "partners-INITIAL_FORMS": 0,
        "activities-TOTAL_FORMS": 0,
        "activities-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Live title"
    assert programme.themes.count() == 1  # nothing written, relations included


def test_history_page_shows_who_changed_what(publisher_client):
    output = factories.OutputFactory(title="First")
    output.title = "Second"
    output.summary = "Changed"
    output._history_user = factories.UserFactory(username="ada")
    output.save()
    page = publisher_client.get(reverse("admin:jwp_output_history", args=[output.pk]))
    content = page.content.decode()
    assert "ada" in content
    assert "title, summary" in content or "summary, title" in content


def test_new_items_created_in_the_admin_start_as_drafts(client, editor):
    jwp = factories.JointWorkProgrammeFactory()
    response = client.post(
        reverse("admin:jwp_output_add"),
        {
            "title": "A toolkit",
            "slug": "a-toolkit",
            "kind": "toolkit",
            "language": "en",
            "jwp": jwp.pk,
            "status": "published",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Output.objects.get(slug="a-toolkit").status == PublicationStatus.DRAFT


def _changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("app_label", "model_name"), OUR_MODELS)
def test_changelist_queries_do_not_grow_with_rows(publisher_client, app_label, model_name):
    """n+1 risk: list_display columns that follow a foreign key or a many-to-many relation."""
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    factory = FACTORY_FOR[model_name]
    if model_name == "fundingwindow":
        factory(code="country-city")
        few = _changelist_queries(publisher_client, url)
        factory(code="global")
    else:
        _build_rows(factory, 2)
        few = _changelist_queries(publisher_client, url)
        _build_rows(factory, 12)
    many = _changelist_queries(publisher_client, url)
    assert many == few, f"{model_name}: {few} queries with few rows, {many} with more"


def _build_rows(factory, count):
    for obj in factory.create_batch(count):
        if isinstance(obj, Programme):
            obj.countries.add(factories.CountryFactory(), factories.CountryFactory())
        if hasattr(obj, "memberships"):
            factories.MembershipFactory(jwp=obj, is_lead=True)
            factories.PhaseFactory(jwp=obj)
