"""Schemathesis against the live OpenAPI schema, served by gunicorn (as in production) from
the test database: every operation, generated requests, anonymously and with a staff
(publisher) token. Fails on any 5xx and on any response that does not match the schema."""

import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories
from tests.servers import binary, start_gunicorn

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


@pytest.fixture
def gunicorn_server(transactional_db, tmp_path):
    """gunicorn on a free port, reading the (committed) test database; Celery tasks (exports)
    run inline, as with `make run`."""
    call_command("load_portfolio", stdout=StringIO())
    process, url = start_gunicorn(tmp_path)
    yield url
    process.stop()
    if "Traceback" in process.log(tail=1_000_000):
        pytest.fail(f"gunicorn logged an error:\n{process.log()}")


def run_schemathesis(url: str, *extra) -> str:
    command = [
        binary("schemathesis"),
        "run",
        f"{url}/api/v1/schema/?format=json",
        "--checks",
        CHECKS,
        "--max-examples",
        "6",
        "--workers",
        "2",
        "--seed",
        "20261124",
        "--no-color",
        *extra,
    ]
    try:
        result = subprocess.run(  # noqa: S603 - our own binary, fixed arguments
            command, capture_output=True, text=True, timeout=480, check=False
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"schemathesis ran over 8 minutes:\n{(error.stdout or b'')[-4000:]}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    cases = re.search(r"(\d+) generated", output)
    assert cases and int(cases.group(1)) >= 100, output[-3000:]
    print(f"schemathesis: {cases.group(1)} generated cases, no issue")
    return output


def test_schemathesis_anonymous(gunicorn_server):
    # Anonymous clients may only read: their writes are 401s by design (tests/api/test_auth.py).
    run_schemathesis(gunicorn_server, "--include-method", "GET")


def test_schemathesis_with_a_staff_token(gunicorn_server):
    """Every operation, writes included: creating and changing programmes and outputs, the
    workflow actions, and export jobs."""
    token = factories.issue_token(factories.PublisherFactory())
    run_schemathesis(gunicorn_server, "--header", f"Authorization: Token {token}")
