"""Real processes for the end-to-end tests: gunicorn serving the (committed) test database, a
Celery worker, and a throwaway redis-server that a test may stop and start again.

Each process writes its output to a file in the test's temporary folder (never to a pipe
nobody reads: a full pipe blocks the process that writes to it)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import missing_prerequisite


def binary(name: str) -> str:
    """A program from the virtualenv or PATH; under CI a missing one fails the test."""
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        missing_prerequisite(f"{name} is not installed (make test installs it)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )


def django_env(**extra: str) -> dict[str, str]:
    """The environment of a Django process that shares this test's database and files."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_MANIFEST": "false",
        "DJANGO_READ_DOT_ENV": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "EMAIL_URL": "consolemail://",
        # generated traffic would trip the public throttle; throttling has its own tests
        "API_THROTTLE_ANON": "100000/minute",
        "API_THROTTLE_USER": "100000/minute",
        "API_THROTTLE_EXPORTS": "100000/minute",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


@dataclass
class Process:
    """A child process with its log file; ``stop()`` ends it and waits."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = None
    extra: dict = field(default_factory=dict)

    def start(self) -> "Process":
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            self.command,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout: float = 20) -> None:
        if not self.running():
            return
        os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


def wait_until(check, *, what: str, process: Process | None = None, timeout: float = 30):
    """Polls ``check()`` until it returns something truthy; fails with the process's log."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process is not None and process.popen is not None and not process.running():
            pytest.fail(f"{process.name} exited while waiting for {what}:\n{process.log()}")
        try:
            result = check()
        except Exception as error:  # keep polling; report the last one
            last_error = error
        else:
            if result:
                return result
        time.sleep(0.2)
    log = process.log() if process else ""
    pytest.fail(f"timed out waiting for {what} (last error: {last_error!r})\n{log}")


def start_gunicorn(tmp_path: Path, **env: str) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        "gunicorn",
        [
            binary("gunicorn"),
            "citiesalliance.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        django_env(**env),
        tmp_path / "gunicorn.log",
    ).start()
    url = f"http://127.0.0.1:{port}"

    def answers():
        with urllib.request.urlopen(f"{url}/api/v1/", timeout=2) as response:  # noqa: S310
            return response.status == 200

    wait_until(answers, what="gunicorn to answer", process=process)
    return process, url


class RedisServer(Process):
    """redis-server on a free port, data in a temporary folder. Its append-only file is
    written on every command, so what was queued survives a stop and a start."""

    @classmethod
    def create(cls, tmp_path: Path) -> "RedisServer":
        port = free_port()
        data = tmp_path / "redis"
        data.mkdir(exist_ok=True)
        command = [
            binary("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
            "--protected-mode",
            "no",
        ]
        server = cls("redis-server", command, dict(os.environ), tmp_path / "redis.log")
        server.extra["url"] = f"redis://127.0.0.1:{port}/0"
        return server

    @property
    def url(self) -> str:
        return self.extra["url"]

    def start(self) -> "RedisServer":
        super().start()
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=1)
        wait_until(client.ping, what="redis to answer PING", process=self)
        return self


def start_worker(tmp_path: Path, redis_url: str, *, name: str = "worker") -> Process:
    process = Process(
        f"celery {name}",
        [
            binary("celery"),
            "-A",
            "citiesalliance",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}@%h",
        ],
        django_env(REDIS_URL=redis_url),
        tmp_path / f"{name}.log",
    ).start()
    wait_until(
        lambda: "ready." in process.log(tail=100_000),
        what="the Celery worker to be ready",
        process=process,
        timeout=60,
    )
    return process
