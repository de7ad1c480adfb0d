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
    "/programmes/?sort=-spent&budget_min=1&currency=USD",
    "/countries/",
    "/outputs/",
    "/sitemap.xml",
    "/api/v1/programmes/",
    "/api/v1/programmes/?format=csv",
    "/api/v1/programmes/?ordering=-budget&spent_max=100",
    "/api/v1/stats/",
    "/api/v1/iati/activities.xml",
]

CHECK = f"""
import datetime
from django.test import Client
from finances.models import Budget, Transaction
from programmes.models import Programme, ProgrammeMoney
client = Client()
# The money triggers on SQLite: a budget by period replaces the single total, spending counts.
programme = Programme.objects.published().exclude(budget=None).first()
day = datetime.date(2015, 1, 1)
Budget.objects.create(programme=programme, period_start=day, period_end=datetime.date(2015, 12, 31),
    value=10, currency="USD", value_date=day)
Transaction.objects.create(programme=programme, type="4", date=day, value=3, currency="USD",
    value_date=day)
totals = list(ProgrammeMoney.objects.filter(programme=programme).values_list("budget", "spent"))
assert totals == [(10, 3)], totals
first = client.get("/api/v1/programmes/?ordering=spent").json()["results"][0]
assert first["slug"] == programme.slug, first
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
