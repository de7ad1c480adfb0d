"""Who may do what on the partner API: anonymous readers, partners with a token (non-staff,
published data only, a higher rate), Editors and Publishers with a token; bad tokens and
throttling answer with a body that says what to do."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v1/programmes/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(user)}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def partner():
    """A partner: a token, no staff status."""
    return token_client(factories.UserFactory(is_staff=False))


@pytest.fixture
def editor():
    return token_client(factories.EditorFactory())


@pytest.fixture
def publisher():
    return token_client(factories.PublisherFactory())


@pytest.fixture
def body():
    factories.InstrumentFactory(slug="country-programmes")
    return {
        "instrument": "country-programmes",
        "iati_identifier": "XX-TEST-AUTH-1",
        "title": "Written with a token",
        "slug": "written",
        "summary": "S.",
    }


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- tokens --------------------------------------------------------------------------------


def test_the_issue_token_command_prints_a_key_that_authenticates():
    user = factories.UserFactory(username="partner-org", is_staff=False)
    out = io.StringIO()
    call_command("issue_token", "partner-org", "--name", "Nightly sync", stdout=out)
    key = out.getvalue().splitlines()[-1]
    token = user.api_tokens.get()
    assert (token.name, token.prefix) == ("Nightly sync", key[:8])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(PROGRAMMES)
    assert response.status_code == 200
    assert response.wsgi_request.user == user


def test_a_bad_token_is_a_401_that_says_so(anonymous, body):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    for response in (anonymous.get(PROGRAMMES), anonymous.post(PROGRAMMES, body, format="json")):
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}
        assert response["WWW-Authenticate"] == "Token"
    assert not Programme.objects.exists()


# --- writing ---------------------------------------------------------------------------------


def test_anonymous_writes_are_a_401_asking_for_credentials(anonymous, body):
    programme = factories.ProgrammeFactory(published=True, title="Kept")
    for response in (
        anonymous.post(PROGRAMMES, body, format="json"),
        anonymous.patch(f"{PROGRAMMES}{programme.slug}/", {"title": "X"}, format="json"),
        anonymous.post(f"{PROGRAMMES}{programme.slug}/unpublish/"),
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == "Token"
    programme.refresh_from_db()
    assert (programme.title, programme.status) == ("Kept", PublicationStatus.PUBLISHED)
    assert Programme.objects.count() == 1


def test_a_partner_token_may_not_write_and_is_told_why(partner, body):
    programme = factories.ProgrammeFactory(published=True, title="Kept")
    for response in (
        partner.post(PROGRAMMES, body, format="json"),
        partner.put(f"{PROGRAMMES}{programme.slug}/", body, format="json"),
        partner.patch(f"{PROGRAMMES}{programme.slug}/", {"title": "X"}, format="json"),
        partner.post(f"{PROGRAMMES}{programme.slug}/unpublish/"),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Writing needs a staff account with permission to change this kind of "
            "content."
        }
    programme.refresh_from_db()
    assert (programme.title, programme.status) == ("Kept", PublicationStatus.PUBLISHED)
    assert Programme.objects.count() == 1


def test_a_non_staff_account_may_not_write_even_with_permissions(body):
    """Partners get tokens; only staff accounts write, whatever their groups."""
    user = factories.PublisherFactory(is_staff=False)
    response = token_client(user).post(PROGRAMMES, body, format="json")
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_an_editor_token_creates_a_draft_the_public_cannot_see(editor, anonymous, body):
    response = editor.post(PROGRAMMES, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    assert Programme.objects.get().status == PublicationStatus.DRAFT
    assert editor.get(f"{PROGRAMMES}written/").status_code == 200
    assert anonymous.get(f"{PROGRAMMES}written/").status_code == 404


def test_an_editor_token_cannot_publish(editor, body):
    editor.post(PROGRAMMES, body, format="json")
    response = editor.post(f"{PROGRAMMES}written/publish/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your account may not publish this programme: publishing needs the permission "
        "“programmes.publish_programme”, which the Publishers group has."
    }
    assert Programme.objects.get().status == PublicationStatus.DRAFT


def test_a_publisher_token_publishes_for_everyone_to_see(editor, publisher, anonymous, body):
    editor.post(PROGRAMMES, body, format="json")
    assert editor.post(f"{PROGRAMMES}written/submit/").json()["status"] == "review"

    response = publisher.post(f"{PROGRAMMES}written/publish/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert Programme.objects.get().status == PublicationStatus.PUBLISHED
    assert anonymous.get(f"{PROGRAMMES}written/").json()["status"] == "published"
    assert [item["slug"] for item in anonymous.get(PROGRAMMES).json()["results"]] == ["written"]


# --- reading -----------------------------------------------------------------------------------


def test_a_partner_token_never_sees_drafts(partner):
    factories.ProgrammeFactory(published=True, slug="public")
    factories.ProgrammeFactory(slug="draft")
    factories.ProgrammeFactory(slug="in-review", status=PublicationStatus.IN_REVIEW)

    listed = partner.get(PROGRAMMES).json()["results"]
    assert [item["slug"] for item in listed] == ["public"]
    assert partner.get(f"{PROGRAMMES}public/").status_code == 200
    assert partner.get(f"{PROGRAMMES}draft/").status_code == 404
    assert partner.get(f"{PROGRAMMES}in-review/").status_code == 404
    response = partner.get(f"{PROGRAMMES}?format=csv")
    rows = list(csv.DictReader(io.StringIO(content(response).decode())))
    assert [row["slug"] for row in rows] == ["public"]


def test_staff_with_the_view_permission_see_drafts(editor):
    factories.ProgrammeFactory(slug="draft")
    assert [item["slug"] for item in editor.get(PROGRAMMES).json()["results"]] == ["draft"]


# --- throttling --------------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "4/min"})


def test_anonymous_readers_are_throttled_with_a_time_to_retry(anonymous, low_rates):
    """The throttle guards the work of answering: distinct requests count, while an answer
    served again from the shared cache costs next to nothing and does not."""
    assert [anonymous.get(f"{PROGRAMMES}?page_size={n}").status_code for n in (1, 2)] == [200] * 2
    assert anonymous.get(f"{PROGRAMMES}?page_size=1").status_code == 200  # from the cache
    response = anonymous.get(f"{PROGRAMMES}?page_size=3")
    assert response.status_code == 429
    assert response.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}
    assert response["Retry-After"] == "60"


def test_partners_have_the_higher_user_rate(partner, low_rates):
    assert [partner.get(PROGRAMMES).status_code for _ in range(4)] == [200] * 4
    response = partner.get(PROGRAMMES)
    assert response.status_code == 429
    assert "Expected available in" in response.json()["detail"]


def test_the_configured_user_rate_is_higher_than_the_anonymous_rate():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    throttle = SimpleRateThrottle.__new__(SimpleRateThrottle)
    anon_requests, anon_seconds = throttle.parse_rate(rates["anon"])
    user_requests, user_seconds = throttle.parse_rate(rates["user"])
    assert user_requests / user_seconds > anon_requests / anon_seconds
