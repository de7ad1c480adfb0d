"""Two-factor authentication (django-two-factor-auth): staff set up an authenticator app and
get recovery codes; the login then asks for a code; with STAFF_2FA_REQUIRED, Publishers and
superusers cannot use the admin or their rights without it, and Editors may go on."""

import os
import re
import secrets
import subprocess
import sys
import time
from base64 import b32decode

import pytest
from django.conf import settings as django_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "two-factor-test-password-5521"
SECRET_IN_PAGE = re.compile(r"\b([A-Z2-7]{32})\b")


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def code(secret_b32: str, *, later: int = 0) -> str:
    """The code an authenticator app shows for the secret, ``later`` time steps from now (a
    step's code works once, so a second login in the same 30 seconds uses the next one)."""
    totp = TOTP(b32decode(secret_b32))
    totp.time = time.time() + 30 * later
    return f"{totp.token():06d}"


def password_step(client, user, next_url="/admin/"):
    return client.post(
        f"/admin/login/?next={next_url}",
        {
            "login_view-current_step": "auth",
            "auth-username": user.username,
            "auth-password": PASSWORD,
        },
    )


def code_step(client, token, step="token", next_url="/admin/"):
    return client.post(
        f"/admin/login/?next={next_url}",
        {"login_view-current_step": step, f"{step}-otp_token": token},
    )


def set_up(client) -> str:
    """The set-up wizard as a logged-in user goes through it; returns the secret."""
    assert client.get("/admin/account/two_factor/setup/").status_code == 200
    page = client.post(
        "/admin/account/two_factor/setup/", {"setup_view-current_step": "welcome"}
    ).content.decode()
    assert '<img src="/admin/account/two_factor/qrcode/"' in page
    [secret] = set(SECRET_IN_PAGE.findall(page))
    qr = client.get("/admin/account/two_factor/qrcode/")
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    done = client.post(
        "/admin/account/two_factor/setup/",
        {"setup_view-current_step": "generator", "generator-token": code(secret)},
    )
    assert done.status_code == 302
    assert done["Location"] == "/admin/account/two_factor/setup/complete/"
    return secret


def test_it_is_required_by_default_with_debug_off_and_not_with_debug_on():
    def value(**env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("STAFF_", "DEBUG"))}
        clean |= {"DJANGO_READ_DOT_ENV": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)",
            ],
            cwd=django_settings.BASE_DIR,
            env=clean | env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert value(DEBUG="false") == "True"
    assert value(DEBUG="true") == "False"
    assert value(DEBUG="false", STAFF_2FA_REQUIRED="false") == "False"


@pytest.mark.usefixtures("required")
def test_a_publisher_without_a_device_is_sent_to_set_one_up_and_has_no_rights_meanwhile(client):
    publisher = with_password(factories.PublisherFactory())
    programme = factories.ProgrammeFactory(published=True, title="Live")

    assert password_step(client, publisher).status_code == 302  # no code step: no device
    response = client.get("/admin/programmes/programme/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/account/two_factor/setup/"
    assert client.get("/admin/review/")["Location"] == "/admin/account/two_factor/setup/"
    # The API's session authentication sees no one: the password alone changes nothing.
    patched = client.patch(
        f"/api/v1/programmes/{programme.slug}/",
        {"title": "Changed"},
        content_type="application/json",
    )
    assert patched.status_code in (401, 403)
    programme.refresh_from_db()
    assert programme.title == "Live"

    set_up(client)
    assert client.get("/admin/programmes/programme/").status_code == 200
    assert TOTPDevice.objects.get(user=publisher).confirmed


@pytest.mark.usefixtures("required")
def test_the_login_asks_for_the_code_and_refuses_a_wrong_one(client):
    publisher = with_password(factories.PublisherFactory())
    client.force_login(publisher)
    secret = set_up(client)
    client.logout()

    asked = password_step(client, publisher)
    assert asked.status_code == 200
    assert "six-digit code" in asked.content.decode()
    assert "_auth_user_id" not in client.session  # the password alone logs no one in

    wrong = f"{(int(code(secret, later=1)) + 1) % 1_000_000:06d}"
    refused = code_step(client, wrong)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    # After a wrong code the device waits (1 s, doubling with each failure): guessing is slow.
    throttled = code_step(client, code(secret, later=1))
    assert throttled.status_code == 200 and "_auth_user_id" not in client.session
    time.sleep(1.1)

    accepted = code_step(client, code(secret, later=1))
    assert accepted.status_code == 302 and accepted["Location"] == "/admin/"
    assert client.get("/admin/programmes/programme/").status_code == 200


@pytest.mark.usefixtures("required")
def test_recovery_codes_log_in_once_each(client):
    publisher = with_password(factories.PublisherFactory())
    client.force_login(publisher)
    set_up(client)
    page = client.post("/admin/account/two_factor/backup/tokens/", follow=True)
    page = page.content.decode()
    codes = list(StaticDevice.objects.get(user=publisher).token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(c in page for c in codes)
    client.logout()

    password_step(client, publisher)
    client.post("/admin/login/", {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    assert code_step(client, codes[0], step="backup").status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()

    password_step(client, publisher)
    client.post("/admin/login/", {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    assert code_step(client, codes[0], step="backup").status_code == 200  # used up
    assert "_auth_user_id" not in client.session
    assert StaticDevice.objects.get(user=publisher).token_set.count() == 9


@pytest.mark.usefixtures("required")
def test_a_session_logged_in_without_the_code_is_sent_to_the_code_step(client):
    superuser = with_password(factories.UserFactory(is_superuser=True))
    TOTPDevice.objects.create(user=superuser, name="default")
    client.force_login(superuser)  # a password-only session, as from before the device

    response = client.get("/admin/jwp/output/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/jwp/output/"


@pytest.mark.usefixtures("required")
def test_editors_may_work_without_it_and_may_set_it_up(client):
    editor = with_password(factories.EditorFactory())
    password_step(client, editor)
    assert client.get("/admin/programmes/programme/").status_code == 200
    secret = set_up(client)
    client.logout()

    assert password_step(client, editor).status_code == 200  # now the code is asked
    assert code_step(client, code(secret, later=1)).status_code == 302


def test_with_the_setting_off_a_publisher_works_without_it(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    publisher = with_password(factories.PublisherFactory())
    password_step(client, publisher)
    assert client.get("/admin/programmes/programme/").status_code == 200


@pytest.mark.usefixtures("required")
def test_public_pages_of_an_unverified_session_are_the_anonymous_ones(client):
    """A draft stays hidden from a Publisher whose session has no second factor."""
    draft = factories.ProgrammeFactory(title="Unpublished draft")
    client.force_login(factories.PublisherFactory())
    assert client.get(f"/api/v1/programmes/{draft.slug}/").status_code == 404
