import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from publishing.roles import PUBLISHERS

pytestmark = pytest.mark.django_db


def _login_from(output: str) -> tuple[str, str]:
    username, password = output.split(" as ")[-1].split(" / ")
    return username.strip(), password.strip()


def test_demo_account_is_a_publisher_whose_printed_password_works(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_account", stdout=out)
    username, password = _login_from(out.getvalue())
    # As the login page does: with the request (django-axes counts attempts per address).
    request = RequestFactory().post("/admin/login/")
    user = authenticate(request, username=username, password=password)
    assert user is not None and user.is_staff and not user.is_superuser
    assert user.groups.filter(name=PUBLISHERS).exists()

    again = StringIO()
    call_command("demo_account", stdout=again)
    assert "Reset" in again.getvalue()
    assert authenticate(request, username=username, password=password) is None
    assert authenticate(request, username=username, password=_login_from(again.getvalue())[1])


def test_demo_account_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_account")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portfolio.example.org",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SETTINGS_MODULE": "citiesalliance.settings",
    }
    env[missing] = ""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr
