"""Two-factor set-up and login in Chromium, under the Content-Security-Policy (the page fixture
fails on anything the policy refuses): a Publisher who must use it is sent to set it up, scans
(here: reads) the QR code's secret, gets recovery codes, and the next login asks for a code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "browser-two-factor-password-4410"


def code(secret: str, *, later: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * later
    return f"{totp.token():06d}"


def password_step(page, user):
    page.context.clear_cookies()
    assert page.goto("/admin/login/").ok
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_publisher_sets_up_two_factor_and_then_logs_in_with_a_code(page, settings):
    settings.STAFF_2FA_REQUIRED = True
    publisher = factories.PublisherFactory(username="pub2fa")
    publisher.set_password(PASSWORD)
    publisher.save()

    password_step(page, publisher)
    expect(page.get_by_text("your account needs two-factor authentication")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    qr = page.get_by_role("img", name="QR Code")
    expect(qr).to_be_visible()
    page.wait_for_function(  # the QR code (an SVG from our own origin) has loaded
        "() => { const qr = document.querySelector('img[alt=\"QR Code\"]');"
        " return qr.complete && qr.naturalWidth > 0; }"
    )
    secret = re.search(r"\b[A-Z2-7]{32}\b", page.locator("#content").inner_text()).group()
    page.get_by_label("Token").fill(code(secret))
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    page.get_by_role("link", name="Get recovery codes").click()
    page.get_by_role("button", name="Generate new recovery codes").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)

    password_step(page, publisher)
    expect(page.get_by_text("six-digit code")).to_be_visible()
    page.get_by_label("Token").fill(code(secret, later=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Portfolio administration")).to_be_visible()
    assert page.goto("/admin/programmes/programme/").ok
    expect(page.get_by_role("link", name="Two-factor authentication")).to_be_visible()
