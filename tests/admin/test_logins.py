"""Logins: failed staff logins lock the account for that address (django-axes), failed API
tokens are throttled per address."""

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-2291"


@pytest.fixture
def staff():
    user = factories.PublisherFactory(username="staff")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, password, username="staff"):
    """The login's first step (django-two-factor-auth's wizard): user name and password."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


def test_failed_logins_lock_the_account_and_the_right_password_then_fails(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again
    assert log_in(client, "wrong").status_code == 429  # the last one allowed locks
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_before_the_limit_succeeds_and_resets_the_count(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302


def test_failed_tokens_are_throttled_per_address(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    good = factories.issue_token(factories.UserFactory(is_staff=False))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    for _ in range(3):
        assert client.get("/api/v1/programmes/").status_code == 401
    assert client.get("/api/v1/programmes/").status_code == 429
    client.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert client.get("/api/v1/programmes/").status_code == 429  # the address waits
    other = APIClient(REMOTE_ADDR="192.0.2.9")
    other.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert other.get("/api/v1/programmes/").status_code == 200
    assert APIClient().get("/api/v1/programmes/").status_code == 200  # anonymous reads go on
