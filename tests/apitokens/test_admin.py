"""API tokens in the admin: only superusers and holders of ``apitokens.manage_apitoken`` see
them; issuing shows the key once; the list shows each token's state; revoking is an action;
nothing is edited."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens import services
from apitokens.models import APIToken, TokenState
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:apitokens_apitoken_changelist")
ADD = reverse("admin:apitokens_apitoken_add")


@pytest.fixture
def manager():
    """A staff member with the one permission, and nothing else."""
    user = factories.UserFactory(username="token-manager")
    user.user_permissions.add(Permission.objects.get(codename="manage_apitoken"))
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def partner():
    return factories.UserFactory(username="un-habitat", is_staff=False)


def issue_form(partner, **fields) -> dict:
    expires = timezone.now() + datetime.timedelta(days=60)
    return {
        "user": partner.pk,
        "name": "Nightly sync",
        "expires_0": expires.strftime("%Y-%m-%d"),
        "expires_1": expires.strftime("%H:%M:%S"),
    } | fields


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/programmes/").status_code


def test_issuing_shows_the_key_once_and_never_again(manager_client, manager, partner):
    form = manager_client.get(ADD)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["expires"] > timezone.now()

    response = manager_client.post(ADD, issue_form(partner))

    assert response.status_code == 200
    assert response.templates[0].name == "admin/apitokens/apitoken/issued.html"
    key = response.context["key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    until = timezone.localtime(APIToken.objects.get().expires).strftime("%Y-%m-%d %H:%M")
    assert f"valid until {until} UTC." in response.content.decode()
    token = APIToken.objects.get()
    assert (token.user, token.name, token.issued_by) == (partner, "Nightly sync", manager)
    assert token.prefix == key[:8]
    assert api_status(key) == 200
    # Nowhere again: not in the list, the token's page, its history or the admin log.
    for url in (
        CHANGELIST,
        reverse("admin:apitokens_apitoken_change", args=[token.pk]),
        reverse("admin:apitokens_apitoken_history", args=[token.pk]),
    ):
        page = manager_client.get(url)
        assert page.status_code == 200, url
        assert f"{token.prefix}…" in page.content.decode()
        assert key not in page.content.decode()
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id) == (manager, str(token.pk))
    assert key not in entry.object_repr + entry.change_message


def test_the_add_form_has_no_save_and_continue(manager_client):
    content = manager_client.get(ADD).content.decode()
    assert 'name="_continue"' not in content
    assert 'name="_addanother"' not in content


def test_a_token_must_expire_in_the_future_unless_the_setting_allows_none(
    manager_client, partner, settings
):
    no_expiry = issue_form(partner, expires_0="", expires_1="")
    response = manager_client.post(ADD, no_expiry)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"expires": ["This field is required."]}
    past = issue_form(partner, expires_0="2020-01-01", expires_1="00:00:00")
    errors = manager_client.post(ADD, past).context["adminform"].form.errors
    assert errors == {"expires": ["The expiry must be in the future."]}
    assert not APIToken.objects.exists()

    settings.API_TOKEN_DAYS = None
    response = manager_client.post(ADD, no_expiry)
    assert response.status_code == 200
    assert APIToken.objects.get().expires is None


def test_inactive_accounts_cannot_be_chosen(manager_client, partner):
    partner.is_active = False
    partner.save()
    response = manager_client.post(ADD, issue_form(partner))
    assert "user" in response.context["adminform"].form.errors
    assert not APIToken.objects.exists()


def test_the_revoke_action_refuses_the_token_from_then_on(manager_client, manager, partner):
    key = factories.issue_token(partner)
    kept = factories.issue_token(partner, name="Kept")
    token = APIToken.objects.get(prefix=key[:8])

    response = manager_client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    assert "1 token revoked: it is refused from now on." in response.content.decode()
    token.refresh_from_db()
    assert (token.state(), token.revoked_by) == (TokenState.REVOKED, manager)
    assert api_status(key) == 401
    assert api_status(kept) == 200
    assert LogEntry.objects.get(object_id=str(token.pk)).change_message == "Revoked."

    again = manager_client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "0 tokens revoked: they are refused from now on. 1 was revoked already." in (
        again.content.decode()
    )


def test_the_list_shows_each_state_and_filters_on_it(manager_client, partner):
    for name in ("active", "expired", "revoked"):
        factories.issue_token(partner, name=name)
    services.tokens_revoke(tokens=APIToken.objects.filter(name="revoked"), by=None)
    expired = APIToken.objects.get(name="expired")
    APIToken.objects.filter(pk=expired.pk).update(
        created=expired.created - datetime.timedelta(days=400),
        expires=expired.expires - datetime.timedelta(days=400),
    )

    content = manager_client.get(CHANGELIST).content.decode()
    for css, label in (("ca-ok", "Active"), ("ca-muted", "Expired"), ("ca-bad", "Revoked")):
        assert f'<span class="{css}">{label}</span>' in content
    for state in TokenState:
        listed = manager_client.get(CHANGELIST, {"state": state}).context["cl"].result_list
        assert [token.name for token in listed] == [state.value]
    found = manager_client.get(CHANGELIST, {"q": "un-habitat"}).context["cl"].result_list
    assert len(found) == 3


def test_changelist_queries_do_not_grow_with_rows(manager_client):
    """n+1 risk: the account and the issuer of each row."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(2):
        factories.issue_token(factories.UserFactory(is_staff=False))
    few = queries()
    for _ in range(10):
        user = factories.UserFactory(is_staff=False)
        services.token_issue(user=user, name="x", issued_by=factories.UserFactory())
    assert queries() == few


def test_a_token_is_never_edited(manager_client, partner):
    factories.issue_token(partner)
    token = APIToken.objects.get()
    url = reverse("admin:apitokens_apitoken_change", args=[token.pk])
    assert 'name="name"' not in manager_client.get(url).content.decode()
    response = manager_client.post(url, {"name": "Changed", "user": partner.pk})
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.name == "Test token"


@pytest.mark.parametrize("role", ["editor", "publisher", "staff"])
def test_staff_without_the_permission_see_no_token(client, partner, role):
    factories.issue_token(partner)
    user = {
        "editor": factories.EditorFactory,
        "publisher": factories.PublisherFactory,
        "staff": factories.UserFactory,
    }[role]()
    client.force_login(user)
    token = APIToken.objects.get()
    for url in (CHANGELIST, ADD, reverse("admin:apitokens_apitoken_change", args=[token.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(ADD, issue_form(partner)).status_code == 403
    assert "API tokens" not in client.get(reverse("admin:index")).content.decode()
    assert APIToken.objects.count() == 1


def test_only_a_superuser_deletes_a_token(client, manager_client, partner):
    factories.issue_token(partner)
    token = APIToken.objects.get()
    delete = reverse("admin:apitokens_apitoken_delete", args=[token.pk])
    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    actions = manager_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["revoke"]
    assert APIToken.objects.exists()

    client.force_login(factories.UserFactory(is_superuser=True))
    assert client.get(CHANGELIST).status_code == 200
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not APIToken.objects.exists()
