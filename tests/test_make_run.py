"""``make run``'s zero-setup database is SQLite: the migrations, the portfolio and the main
pages must work there too, not only on PostgreSQL (the rest of the suite). Run as make run
runs them, in a subprocess with a fresh SQLite file."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

# The suite's own database is not used here; the mark lets its fixtures (the empty public
# cache) run as for every other test.
pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/programmes/",
    "/programmes/?q=water&theme=gender",
    "/programmes/?sort=budget",
    "/countries/",
    "/outputs/",
    "/sitemap.xml",
    "/api/v1/programmes/",
    "/api/v1/programmes/?format=csv",
    "/api/v1/stats/",
    "/api/v1/iati/activities.xml",
]

CHECK = f"""
from django.test import Client
client = Client()
for url in {PAGES!r}:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    b"".join(response.streaming_content) if response.streaming else response.content
print("pages ok")
"""


def run(*args, env):
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_migrations_portfolio_and_pages_work_on_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL",)}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "true",
        "DJANGO_READ_DOT_ENV": "false",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
    }
    run("migrate", "--noinput", env=env)
    run("load_portfolio", env=env)
    run("regenerate_public_files", env=env)
    assert "pages ok" in run("shell", "-c", CHECK, env=env)
