"""Headers on every response: a strict Content-Security-Policy (no inline script or style), a
Permissions-Policy, HSTS and the https redirect in production; and ``manage.py check --deploy``
clean with production settings. What the browser makes of the policy: tests/browser."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["/", "/programmes/", "/api/v1/", "/api/v1/programmes/", "/api/v1/docs/", "/admin/login/"]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_strict_content_security_policy(client, url):
    factories.ProgrammeFactory(published=True)
    for _ in range(2):  # computed, then from the public cache
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


def test_no_page_of_ours_holds_an_inline_script_or_style(client):
    factories.ProgrammeFactory(published=True)
    client.force_login(factories.PublisherFactory())
    for url in [*PAGES, "/admin/", "/admin/programmes/programme/", "/admin/publishing/revision/"]:
        page = client.get(url).content.decode()
        assert "<style" not in page, url
        assert ' style="' not in page, url
        for chunk in page.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_https_only_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # the default with DEBUG off
    response = client.get("/programmes/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/programmes/"
    secure = client.get("/programmes/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_check_deploy_is_clean_with_production_settings():
    """What an operator sets (DEBUG off, a key, hosts, Redis, PostgreSQL) and nothing else."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "DEBUG", "PUBLICATION_"))
    }
    env |= {
        "DEBUG": "false",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SETTINGS_MODULE": "citiesalliance.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portfolio.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
