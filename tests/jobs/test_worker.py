"""End to end with the real components: gunicorn serving the API, a Celery worker process and a
throwaway redis-server as broker, result store and cache, over the test PostgreSQL database.

A partner asks for an export over HTTP, polls the job until it is done, downloads the file and
finds the rows the database holds. Then Redis goes down and comes back: a job queued before
the outage still completes, a worker that lived through it carries on, and /healthz says 503
while Redis is away."""

import csv
import io
import json
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from jobs.models import ExportJob, JobState
from programmes.models import Programme
from tests import factories
from tests.servers import RedisServer, start_gunicorn, start_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def request(url: str, *, token: str | None = None, body: dict | None = None):
    """(status, headers, bytes) of one HTTP request; errors are answers too."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def stack(tmp_path):
    """Redis, gunicorn (with REDIS_URL: tasks go to the broker) and a worker."""
    call_command("load_portfolio", stdout=StringIO())
    redis = RedisServer.create(tmp_path).start()
    web, url = start_gunicorn(tmp_path, REDIS_URL=redis.url)
    processes = {"redis": redis, "web": web}
    processes["worker"] = start_worker(tmp_path, redis.url)
    yield processes, url
    for process in processes.values():
        process.stop()


def ask_for_export(url: str, token: str, body: dict) -> str:
    status, headers, content = request(f"{url}/api/v1/exports/", token=token, body=body)
    assert status == 202, content
    return headers["Location"]


def wait_for_done(job_url: str, token: str, worker, timeout: float = 90) -> dict:
    def done():
        status, _headers, content = request(job_url, token=token)
        assert status == 200, content
        job = json.loads(content)
        assert job["state"] != "failed", job
        return job if job["state"] == "done" else None

    return wait_until(done, what=f"the export {job_url} to finish", process=worker, timeout=timeout)


def test_an_export_runs_on_the_worker_and_survives_a_redis_restart(stack, tmp_path):
    processes, url = stack
    redis, worker = processes["redis"], processes["worker"]
    token = factories.issue_token(factories.UserFactory(is_staff=False))

    # 1. The whole round trip on the worker.
    job_url = ask_for_export(url, token, {"format": "csv", "filters": {"theme": "gender"}})
    job = wait_for_done(job_url, token, worker)
    status, headers, content = request(job["download_url"], token=token)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    expected = set(
        Programme.objects.published().filter(themes__slug="gender").values_list("slug", flat=True)
    )
    assert expected and {row["slug"] for row in rows} == expected
    assert job["rows"] == len(expected)
    worker_log = worker.log(tail=1_000_000)
    assert "jobs.tasks.run_export" in worker_log and "succeeded" in worker_log

    # 2. Healthy, then Redis goes away: /healthz says which parts are down.
    status, _headers, content = request(f"{url}/healthz")
    assert status == 200, content
    assert json.loads(content)["components"]["broker"]["status"] == "ok"

    # 3. No worker for a while: a job waits in Redis, and Redis restarts meanwhile.
    worker.stop()
    job_url = ask_for_export(url, token, {"format": "xlsx"})
    assert ExportJob.objects.get(pk=job_url.rstrip("/").rsplit("/", 1)[-1]).state == "queued"
    redis.stop()
    status, _headers, content = request(f"{url}/healthz")
    assert status == 503, content
    health = json.loads(content)
    assert health["status"] == "down"
    assert health["components"]["broker"] == {
        "status": "down",
        "error": health["components"]["broker"]["error"],
        "ms": health["components"]["broker"]["ms"],
    }
    assert "127.0.0.1" not in content.decode()  # no internal address in a public answer
    assert health["components"]["database"]["status"] == "ok"
    redis.start()
    worker = processes["worker"] = start_worker(tmp_path, redis.url, name="worker2")
    job = wait_for_done(job_url, token, worker)
    status, _headers, content = request(job["download_url"], token=token)
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Programmes"]
    assert len(list(sheet.values)) - 1 == Programme.objects.published().count() == job["rows"]

    # 4. A worker that lives through a Redis restart reconnects and takes new work.
    redis.stop()
    redis.start()
    job_url = ask_for_export(url, token, {"format": "iati"})
    job = wait_for_done(job_url, token, worker)
    assert job["rows"] > 5
    assert ExportJob.objects.filter(state=JobState.DONE).count() == 3
