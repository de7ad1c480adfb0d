"""The partner API's write side for staff: create, replace and change programmes and outputs
through the services, validation errors that name the field, the workflow actions, and the
rule that a write never changes the publication state."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from jwp.models import Output
from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v1/programmes/"
OUTPUTS = "/api/v1/outputs/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(user)}")
    return client


@pytest.fixture
def editor():
    return factories.EditorFactory()


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def publisher_api():
    return token_client(factories.PublisherFactory())


@pytest.fixture
def instrument():
    return factories.InstrumentFactory(slug="country-programmes")


def programme_body(**overrides) -> dict:
    body = {
        "instrument": "country-programmes",
        "iati_identifier": "XX-TEST-API-1",
        "title": "Secondary Cities Programme",
        "slug": "secondary-cities",
        "summary": "Created through the API.",
    }
    return {**body, **overrides}


def errors_of(response) -> dict:
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["detail"]
    return data["errors"]


# --- create ------------------------------------------------------------------------------


def test_create_a_programme_with_every_field(editor_api, editor, instrument):
    themes = [
        factories.ThemeFactory(slug="gender", name="Gender"),
        factories.ThemeFactory(slug="migration", name="Migration"),
    ]
    country = factories.CountryFactory(iso2="UG")
    factories.CityFactory(slug="arua", country=country)
    parent = factories.ProgrammeFactory(slug="parent-programme")

    response = editor_api.post(
        PROGRAMMES,
        programme_body(
            description="The long description.",
            activity_status="3",
            planned_start="2020-01-01",
            planned_end="2022-12-31",
            actual_start="2020-03-01",
            actual_end="2023-06-30",
            budget="250000.50",
            currency="EUR",
            themes=["gender", "migration"],
            countries=["ug"],
            cities=["arua"],
            parent="parent-programme",
            notes="Dates from the grant letter.",
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == data["url"]
    assert data["url"].endswith("/api/v1/programmes/secondary-cities/")
    assert data["status"] == "draft"
    assert data["published_at"] is None
    assert data["instrument"] == "country-programmes"
    assert data["activity_status"] == "3"
    assert (data["planned_start"], data["actual_end"]) == ("2020-01-01", "2023-06-30")
    assert (data["budget"], data["currency"]) == ("250000.50", "EUR")
    assert data["themes"] == ["gender", "migration"]
    assert data["countries"] == ["UG"]
    assert [city["slug"] for city in data["cities"]] == ["arua"]
    assert data["parent"].endswith("/api/v1/programmes/parent-programme/")
    programme = Programme.objects.get(slug="secondary-cities")
    assert programme.instrument == instrument
    assert programme.parent == parent
    assert set(programme.themes.all()) == set(themes)
    assert programme.notes == "Dates from the grant letter."
    assert programme.budget == Decimal("250000.50")
    assert programme.history.get().history_user == editor


def test_create_an_output_with_every_field(editor_api, editor):
    jwp = factories.JointWorkProgrammeFactory(slug="jwp-cities")
    factories.PhaseFactory(jwp=jwp, number=2)
    factories.ProgrammeFactory(slug="owner-programme")
    factories.ThemeFactory(slug="resilience")

    response = editor_api.post(
        OUTPUTS,
        {
            "title": "City diagnostics toolkit",
            "slug": "toolkit",
            "kind": "toolkit",
            "date": "2021-05-01",
            "summary": "How to.",
            "link": "https://example.org/toolkit",
            "language": "fr",
            "themes": ["resilience"],
            "jwp": "jwp-cities",
            "phase": 2,
            "programme": "owner-programme",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == data["url"]
    assert data["status"] == "draft"
    assert data["link"] == "https://example.org/toolkit"
    assert (data["jwp"], data["phase"], data["programme"]) == ("jwp-cities", 2, "owner-programme")
    assert (data["kind"], data["language"], data["date"]) == ("toolkit", "fr", "2021-05-01")
    assert data["themes"] == ["resilience"]
    assert data["file"] is None
    output = Output.objects.get(slug="toolkit")
    assert output.phase.number == 2
    assert output.history.get().history_user == editor


def test_a_create_answers_a_location_a_wsgi_server_accepts(editor, instrument):
    """runserver (wsgiref) answered 500: the Location header was a str subclass, not a str.
    The WSGI application is called as a server calls it, under wsgiref's validator."""
    import io
    import json
    from wsgiref.util import setup_testing_defaults
    from wsgiref.validate import validator

    from django.core.wsgi import get_wsgi_application

    payload = json.dumps(programme_body()).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": PROGRAMMES,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(payload)),
        "HTTP_AUTHORIZATION": f"Token {factories.issue_token(editor)}",
        "wsgi.input": io.BytesIO(payload),
    }
    setup_testing_defaults(environ)
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=dict(headers))
        return lambda data: None

    # As Django's test client does: the request must not close the test's connection.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = validator(get_wsgi_application())(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert answered["status"].startswith("201"), content
    assert type(answered["headers"]["Location"]) is str
    assert answered["headers"]["Location"].endswith("/api/v1/programmes/secondary-cities/")


def test_defaults_fill_what_a_create_leaves_out(editor_api, instrument):
    response = editor_api.post(PROGRAMMES, programme_body(), format="json")
    assert response.status_code == 201, response.content
    programme = Programme.objects.get()
    assert programme.activity_status == "2"
    assert (programme.description, programme.currency, programme.budget) == ("", "", None)
    assert not programme.themes.exists()


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"planned_start": "2020-01-01", "planned_end": "2019-01-01"}, "planned_end"),
        ({"actual_start": "2020-01-01", "actual_end": "2019-12-31"}, "actual_end"),
        ({"budget": "-5", "currency": "USD"}, "budget"),
        ({"budget": "5"}, "currency"),
        ({"themes": ["no-such-theme"]}, "themes"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"instrument": "no-such-instrument"}, "instrument"),
        ({"parent": "no-such-programme"}, "parent"),
        ({"slug": "taken"}, "slug"),
        ({"iati_identifier": "XX-TAKEN"}, "iati_identifier"),
        ({"iati_identifier": "with spaces"}, "iati_identifier"),
        ({"activity_status": "9"}, "activity_status"),
        ({"title": ""}, "title"),
        ({"planned_start": "1 January 2020"}, "planned_start"),
    ],
)
def test_programme_validation_errors_name_the_field(editor_api, instrument, overrides, field):
    factories.ProgrammeFactory(slug="taken", iati_identifier="XX-TAKEN")
    response = editor_api.post(PROGRAMMES, programme_body(**overrides), format="json")
    errors = errors_of(response)
    assert field in errors
    assert field in response.json()["detail"]
    assert Programme.objects.count() == 1


def test_a_missing_required_field_is_named(editor_api, instrument):
    body = programme_body()
    del body["summary"]
    assert "summary" in errors_of(editor_api.post(PROGRAMMES, body, format="json"))


def test_several_errors_are_reported_together(editor_api, instrument):
    response = editor_api.post(
        PROGRAMMES, programme_body(budget="-1", themes=["nope"], colour="red"), format="json"
    )
    assert {"budget", "themes", "colour"} <= set(errors_of(response))


def test_a_phase_of_another_jwp_is_refused(editor_api):
    jwp = factories.JointWorkProgrammeFactory(slug="jwp-a")
    factories.PhaseFactory(jwp=jwp, number=1)
    factories.PhaseFactory(number=2)  # a phase of another JWP
    body = {"title": "T", "slug": "t", "kind": "toolkit", "jwp": "jwp-a", "phase": 2}
    errors = errors_of(editor_api.post(OUTPUTS, body, format="json"))
    assert errors["phase"] == ["The JWP jwp-a has no phase 2."]
    body = {"title": "T", "slug": "t", "kind": "toolkit", "phase": 1, "programme": None}
    errors = errors_of(editor_api.post(OUTPUTS, body, format="json"))
    assert errors["phase"] == ["A phase needs a `jwp`."]
    assert not Output.objects.exists()


def test_moving_an_output_to_another_jwp_without_its_phase_is_refused(editor_api):
    phase = factories.PhaseFactory()
    output = factories.OutputFactory(jwp=phase.jwp, phase=phase)
    factories.JointWorkProgrammeFactory(slug="other-jwp")
    response = editor_api.patch(f"{OUTPUTS}{output.slug}/", {"jwp": "other-jwp"}, format="json")
    assert errors_of(response)["phase"] == ["This phase belongs to another JWP."]
    response = editor_api.patch(
        f"{OUTPUTS}{output.slug}/", {"jwp": "other-jwp", "phase": None}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["jwp"], response.json()["phase"]) == ("other-jwp", None)


def test_an_output_needs_an_owner(editor_api):
    response = editor_api.post(OUTPUTS, {"title": "T", "slug": "t", "kind": "toolkit"})
    assert errors_of(response)["non_field_errors"] == ["An output belongs to a JWP or a programme."]


def test_an_output_link_is_link_not_url_and_files_are_not_uploaded(editor_api):
    output = factories.OutputFactory()
    response = editor_api.patch(
        f"{OUTPUTS}{output.slug}/",
        {"url": "https://example.org", "file": "report.pdf"},
        format="json",
    )
    errors = errors_of(response)
    assert "`link`" in errors["url"][0]
    assert "staff admin" in errors["file"][0]
    response = editor_api.patch(f"{OUTPUTS}{output.slug}/", {"link": "nope"}, format="json")
    assert "link" in errors_of(response)


def test_unknown_fields_are_named_not_ignored(editor_api, instrument):
    response = editor_api.post(PROGRAMMES, programme_body(colour="red"), format="json")
    errors = errors_of(response)
    assert list(errors) == ["colour"]
    assert "Writable fields: " in errors["colour"][0]
    assert "instrument, iati_identifier" in errors["colour"][0]
    assert not Programme.objects.exists()


# --- update ------------------------------------------------------------------------------


@pytest.fixture
def programme():
    programme = factories.ProgrammeFactory(
        slug="existing", description="Kept", planned_start=datetime.date(2016, 1, 1)
    )
    programme.themes.add(factories.ThemeFactory(slug="gender"))
    programme.countries.add(factories.CountryFactory(iso2="UG"))
    return programme


def test_patch_changes_only_the_fields_it_sends(editor_api, programme):
    response = editor_api.patch(
        f"{PROGRAMMES}existing/", {"title": "New title", "budget": "10.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["title"], data["budget"]) == ("New title", "10.00")
    assert data["description"] == "Kept"
    assert data["planned_start"] == "2016-01-01"
    assert (data["themes"], data["countries"]) == (["gender"], ["UG"])
    programme.refresh_from_db()
    assert programme.title == "New title"
    assert programme.description == "Kept"
    assert [theme.slug for theme in programme.themes.all()] == ["gender"]


def test_patch_replaces_a_list_it_sends(editor_api, programme):
    factories.ThemeFactory(slug="migration")
    response = editor_api.patch(f"{PROGRAMMES}existing/", {"themes": ["migration"]}, format="json")
    assert response.json()["themes"] == ["migration"]
    assert response.json()["countries"] == ["UG"]


def test_put_replaces_the_whole_programme(editor_api, programme, instrument):
    response = editor_api.put(
        f"{PROGRAMMES}existing/",
        programme_body(slug="existing", title="Replaced", iati_identifier="XX-NEW"),
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["title"], data["iati_identifier"]) == ("Replaced", "XX-NEW")
    assert data["instrument"] == "country-programmes"
    assert (data["description"], data["planned_start"], data["budget"]) == ("", None, None)
    assert (data["themes"], data["countries"]) == ([], [])


def test_put_needs_every_required_field(editor_api, programme):
    response = editor_api.put(f"{PROGRAMMES}existing/", {"title": "Only"}, format="json")
    assert {"instrument", "iati_identifier", "slug", "summary"} <= set(errors_of(response))
    programme.refresh_from_db()
    assert programme.description == "Kept"


def test_put_can_change_the_slug(editor_api, programme, instrument):
    response = editor_api.put(
        f"{PROGRAMMES}existing/", programme_body(slug="renamed"), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["url"].endswith("/programmes/renamed/")


def test_update_validation_uses_the_stored_values(editor_api, programme):
    """planned_end is 2019-12-31 in the database: a later start is caught without sending it."""
    response = editor_api.patch(
        f"{PROGRAMMES}existing/", {"planned_start": "2021-01-01"}, format="json"
    )
    assert "planned_end" in errors_of(response)


def test_a_duplicate_slug_on_update_is_named(editor_api, programme):
    factories.ProgrammeFactory(slug="other")
    response = editor_api.patch(f"{PROGRAMMES}existing/", {"slug": "other"}, format="json")
    assert "slug" in errors_of(response)


def test_history_records_the_api_user(editor_api, editor, programme):
    editor_api.patch(f"{PROGRAMMES}existing/", {"title": "Edited"}, format="json")
    record = programme.history.first()
    assert record.history_user == editor
    assert record.title == "Edited"


def test_staff_find_drafts_to_update_them(editor_api):
    output = factories.OutputFactory(jwp=factories.JointWorkProgrammeFactory())  # draft owner
    response = editor_api.patch(f"{OUTPUTS}{output.slug}/", {"summary": "S"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "S"


def test_unknown_items_are_404(editor_api):
    response = editor_api.patch(f"{PROGRAMMES}nope/", {"title": "T"}, format="json")
    assert response.status_code == 404


def test_there_is_no_delete(publisher_api, programme):
    response = publisher_api.delete(f"{PROGRAMMES}existing/")
    assert response.status_code == 405
    assert Programme.objects.filter(pk=programme.pk).exists()


# --- the publication state is never written ----------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_sending_status_is_a_400_naming_it(publisher_api, instrument, method):
    published = factories.ProgrammeFactory(
        published=True, slug="secondary-cities", instrument=instrument
    )
    url = PROGRAMMES if method == "post" else f"{PROGRAMMES}secondary-cities/"
    body = programme_body(slug="new" if method == "post" else "secondary-cities")
    body["status"] = "draft"
    body["published_at"] = None

    response = getattr(publisher_api, method)(url, body, format="json")

    errors = errors_of(response)
    assert set(errors) == {"status", "published_at"}
    assert "submit/, publish/, unpublish/ and send-back/" in errors["status"][0]
    assert Programme.objects.count() == 1
    published.refresh_from_db()
    assert published.status == PublicationStatus.PUBLISHED


def test_editing_a_published_programme_keeps_it_published(editor_api, publisher_api):
    """A Publisher's edit is live at once; an Editor's waits for review (202, the live item
    unchanged: tests/publishing/test_revisions.py). Either way the item stays published."""
    programme = factories.ProgrammeFactory(published=True, title="Before")
    response = editor_api.patch(f"{PROGRAMMES}{programme.slug}/", {"title": "Edited"})
    assert response.status_code == 202, response.content
    programme.refresh_from_db()
    assert (programme.title, programme.status) == ("Before", PublicationStatus.PUBLISHED)
    response = publisher_api.patch(f"{PROGRAMMES}{programme.slug}/", {"title": "Edited"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    programme.refresh_from_db()
    assert (programme.title, programme.status) == ("Edited", PublicationStatus.PUBLISHED)


# --- workflow actions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "factory"),
    [(PROGRAMMES, factories.ProgrammeFactory), (OUTPUTS, factories.OutputFactory)],
)
def test_the_workflow_through_the_api(editor_api, publisher_api, base, factory):
    item = factory()
    url = f"{base}{item.slug}/"

    response = editor_api.post(f"{url}submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "review"

    response = publisher_api.post(f"{url}send-back/")
    assert response.json()["status"] == "draft"

    response = publisher_api.post(f"{url}publish/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]

    response = publisher_api.post(f"{url}unpublish/")
    assert response.json()["status"] == "draft"
    assert publisher_api.get(f"{url}publish/").status_code == 405
    item.refresh_from_db()
    assert item.status == PublicationStatus.DRAFT


@pytest.mark.parametrize(
    ("action", "verb"),
    [("unpublish", "unpublish"), ("send-back", "send back"), ("submit", "submit")],
)
def test_an_invalid_transition_is_a_400_naming_it(publisher_api, action, verb):
    programme = factories.ProgrammeFactory(published=True)
    if action == "unpublish":
        programme = factories.ProgrammeFactory()
    response = publisher_api.post(f"{PROGRAMMES}{programme.slug}/{action}/")
    assert response.status_code == 400
    data = response.json()
    assert data["detail"].startswith(f"Cannot {verb} this programme: ")
    assert data["errors"]["status"]


def test_publishing_twice_is_a_400(publisher_api):
    programme = factories.ProgrammeFactory(published=True)
    response = publisher_api.post(f"{PROGRAMMES}{programme.slug}/publish/")
    assert response.json() == {
        "detail": "Cannot publish this programme: This item is already published.",
        "errors": {"status": ["This item is already published."]},
    }


def test_an_editor_may_not_publish_and_is_told_why(editor_api):
    output = factories.OutputFactory()
    response = editor_api.post(f"{OUTPUTS}{output.slug}/publish/")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Your account may not publish this output: publishing needs the permission "
        "“jwp.publish_output”, which the Publishers group has."
    )
    output.refresh_from_db()
    assert output.status == PublicationStatus.DRAFT


def test_a_staff_account_without_permissions_may_not_submit():
    output = factories.OutputFactory()
    response = token_client(factories.UserFactory()).post(f"{OUTPUTS}{output.slug}/submit/")
    assert response.status_code == 403
    assert "needs the permission “jwp.change_output”" in response.json()["detail"]
    output.refresh_from_db()
    assert output.status == PublicationStatus.DRAFT


def test_a_writer_without_the_view_permission_reads_back_what_they_write(instrument):
    """Add and change, but not view: the draft is found for the write and shown in the answer,
    and stays hidden from this account's reads."""
    user = factories.UserFactory()
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_programme", "change_programme"])
    )
    client = token_client(user)
    response = client.post(PROGRAMMES, programme_body(), format="json")
    assert response.status_code == 201, response.content
    response = client.patch(f"{PROGRAMMES}secondary-cities/", {"title": "T"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "T"
    assert client.get(f"{PROGRAMMES}secondary-cities/").status_code == 404
