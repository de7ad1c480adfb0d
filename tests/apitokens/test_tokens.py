"""API tokens: only a hash is kept; a token expires, can be revoked, records its last use at
most once a minute; expired, revoked and unknown tokens are 401s that say why, and count
towards the per-address failure limit."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from apitokens import services
from apitokens.authentication import ThrottledTokenAuthentication
from apitokens.models import APIToken, TokenState
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v1/programmes/"


@pytest.fixture
def partner():
    return factories.UserFactory(username="partner", is_staff=False)


def client_with(key: str, **kwargs) -> APIClient:
    client = APIClient(**kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def authenticate(key: str):
    request = Request(APIRequestFactory().get(PROGRAMMES, HTTP_AUTHORIZATION=f"Token {key}"))
    return ThrottledTokenAuthentication().authenticate(request)


def age(token: APIToken, **delta) -> None:
    """Move a token back in time (its issue, expiry and last use), as if ``delta`` had passed."""
    shift = datetime.timedelta(**delta)
    token.refresh_from_db()
    APIToken.objects.filter(pk=token.pk).update(
        created=token.created - shift,
        expires=token.expires - shift if token.expires else None,
        last_used=token.last_used - shift if token.last_used else None,
    )


# --- what is stored --------------------------------------------------------------------------


def test_the_database_keeps_a_hash_of_the_key_never_the_key(partner):
    key = factories.issue_token(partner)
    token = APIToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert len(key) >= 43  # 256 random bits
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM apitokens_apitoken")
        (row,) = cursor.fetchall()
    assert not any(key in str(value) for value in row)
    assert client_with(key).get(PROGRAMMES).wsgi_request.user == partner


def test_two_tokens_never_share_a_key(partner):
    keys = {factories.issue_token(partner) for _ in range(5)}
    assert len(keys) == 5
    assert APIToken.objects.values("digest").distinct().count() == 5


def test_the_database_refuses_a_token_that_expires_before_it_was_issued(partner):
    now = timezone.now()
    with (
        pytest.raises(IntegrityError, match="apitokens_apitoken_expires_after_created"),
        transaction.atomic(),
    ):
        APIToken.objects.create(
            user=partner, name="x", prefix="x", digest="x", created=now, expires=now
        )


def test_the_database_refuses_a_revocation_before_the_issue(partner):
    now = timezone.now()
    with (
        pytest.raises(IntegrityError, match="apitokens_apitoken_revoked_after_created"),
        transaction.atomic(),
    ):
        APIToken.objects.create(
            user=partner,
            name="x",
            prefix="x",
            digest="x",
            created=now,
            revoked_at=now - datetime.timedelta(seconds=1),
        )


# --- expiry ----------------------------------------------------------------------------------


def test_a_new_token_expires_after_API_TOKEN_DAYS(partner, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    token, _key = services.token_issue(user=partner, name="Sync")
    assert before + datetime.timedelta(days=30) <= token.expires
    assert token.expires <= timezone.now() + datetime.timedelta(days=30)


def test_a_token_that_never_expires_needs_API_TOKEN_DAYS_none(partner, settings):
    with pytest.raises(ValidationError, match="A token must expire"):
        services.token_issue(user=partner, name="Forever", expires=None)
    settings.API_TOKEN_DAYS = None
    token, key = services.token_issue(user=partner, name="Forever", expires=None)
    assert token.expires is None
    assert services.token_issue(user=partner, name="Default")[0].expires is None
    age(token, days=10_000)
    assert client_with(key).get(PROGRAMMES).status_code == 200


def test_an_expiry_in_the_past_or_an_inactive_account_is_refused(partner):
    with pytest.raises(ValidationError, match="in the future"):
        services.token_issue(user=partner, name="Late", expires=timezone.now())
    partner.is_active = False
    partner.save()
    with pytest.raises(ValidationError, match="inactive"):
        services.token_issue(user=partner, name="Gone")
    assert not APIToken.objects.exists()


def test_an_expired_token_is_a_401_that_says_when_and_what_to_do(partner):
    key = factories.issue_token(partner)
    client = client_with(key)
    assert client.get(PROGRAMMES).status_code == 200
    token = APIToken.objects.get()
    age(token, days=400)
    token.refresh_from_db()
    assert token.state() == TokenState.EXPIRED

    response = client.get(PROGRAMMES)

    assert response.status_code == 401
    expired = token.expires.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert response.json() == {
        "detail": f"This token expired on {expired}: ask Cities Alliance for a new one."
    }
    assert response["WWW-Authenticate"] == "Token"


# --- revocation ------------------------------------------------------------------------------


def test_a_revoked_token_is_a_401_that_says_so(partner):
    key = factories.issue_token(partner)
    other = factories.issue_token(partner, name="Other")
    staff = factories.UserFactory()

    (revoked,) = services.tokens_revoke(tokens=APIToken.objects.filter(prefix=key[:8]), by=staff)

    response = client_with(key).get(PROGRAMMES)
    assert response.status_code == 401
    when = revoked.revoked_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert response.json() == {
        "detail": f"This token was revoked on {when}: ask Cities Alliance for a new one."
    }
    assert client_with(other).get(PROGRAMMES).status_code == 200  # the other goes on
    revoked.refresh_from_db()
    assert (revoked.revoked_by, revoked.state()) == (staff, TokenState.REVOKED)


def test_revoking_again_keeps_the_first_revocation(partner):
    factories.issue_token(partner)
    first = services.tokens_revoke(tokens=APIToken.objects.all(), by=None)[0].revoked_at
    assert services.tokens_revoke(tokens=APIToken.objects.all(), by=factories.UserFactory()) == []
    token = APIToken.objects.get()
    assert (token.revoked_at, token.revoked_by) == (first, None)


def test_the_token_of_an_inactive_account_is_refused(partner):
    key = factories.issue_token(partner)
    partner.is_active = False
    partner.save()
    response = client_with(key).get(PROGRAMMES)
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_expired_and_revoked_tokens_count_towards_the_failure_limit(partner, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    expired, revoked, good = (factories.issue_token(partner, name=n) for n in "erg")
    age(APIToken.objects.get(name="e"), days=400)
    services.tokens_revoke(tokens=APIToken.objects.filter(name="r"), by=None)

    assert client_with(expired).get(PROGRAMMES).status_code == 401
    assert client_with(revoked).get(PROGRAMMES).status_code == 401
    assert client_with("not-a-key").get(PROGRAMMES).status_code == 401
    response = client_with(good).get(PROGRAMMES)
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed token authentications")
    assert client_with(good, REMOTE_ADDR="192.0.2.7").get(PROGRAMMES).status_code == 200


# --- last use --------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(partner, django_assert_num_queries):
    """A read must not write on every request: the token and its account in one query, and an
    UPDATE of last_used only when the last one is a minute old."""
    key = factories.issue_token(partner)
    assert APIToken.objects.get().last_used is None

    with django_assert_num_queries(2):  # the token with its account; UPDATE last_used
        user, token = authenticate(key)
    assert user == partner
    first = APIToken.objects.get().last_used
    assert first is not None and first == token.last_used

    with django_assert_num_queries(1):  # the token only
        authenticate(key)
    assert APIToken.objects.get().last_used == first

    age(token, seconds=61)
    with django_assert_num_queries(2):
        authenticate(key)
    assert APIToken.objects.get().last_used > first


def test_a_partner_request_writes_last_used_only_on_the_first_of_the_minute(partner):
    client = client_with(factories.issue_token(partner))
    with CaptureQueriesContext(connection) as first:
        assert client.get(PROGRAMMES).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(PROGRAMMES).status_code == 200
    writes = [q["sql"] for q in first.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and '"apitokens_apitoken"' in writes[0]
    assert not [q for q in second.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(second) == len(first) - 1


def test_of_two_requests_at_once_one_writes_last_used(partner):
    factories.issue_token(partner)
    one, other = APIToken.objects.get(), APIToken.objects.get()
    assert services.token_record_use(token=one) is True
    assert services.token_record_use(token=other) is False  # read before, written since
    assert APIToken.objects.get().last_used == one.last_used


def test_the_interval_is_a_setting(partner, settings, django_assert_num_queries):
    settings.API_TOKEN_LAST_USED_INTERVAL = 0
    key = factories.issue_token(partner)
    for _ in range(2):
        with django_assert_num_queries(2):
            authenticate(key)


# --- the command -----------------------------------------------------------------------------


def test_the_command_takes_a_lifetime_and_refuses_no_expiry_by_default(partner, settings):
    out = io.StringIO()
    call_command("issue_token", "partner", "--name", "Week", "--days", "7", stdout=out)
    token = APIToken.objects.get()
    week = datetime.timedelta(days=7)
    assert week - datetime.timedelta(minutes=1) < token.expires - token.created <= week
    assert "shown this once" in out.getvalue()
    with pytest.raises(CommandError, match="A token must expire"):
        call_command("issue_token", "partner", "--name", "Forever", "--no-expiry")
    with pytest.raises(CommandError, match="No account named 'nobody'"):
        call_command("issue_token", "nobody", "--name", "x")
    settings.API_TOKEN_DAYS = None
    call_command("issue_token", "partner", "--name", "Forever", "--no-expiry", stdout=out)
    assert APIToken.objects.get(name="Forever").expires is None
