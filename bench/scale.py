"""``make bench-scale``: the portal at scale, in figures (nothing here asserts a speed).

1. Builds, in a fresh database of the throwaway PostgreSQL, the real portfolio
   (``load_portfolio``) plus ``BENCH_PROGRAMMES`` synthetic programmes (bench/synthetic.py).
2. Serves it as production does: gunicorn with 2 sync workers, Redis as the cache.
3. For every public page type and API list (with and without filters and search) prints:
   the time of a request with the cache empty (cold, median of ``BENCH_COLD`` requests, the
   cache emptied before each) and with it filled (warm, median of ``BENCH_WARM`` requests),
   the SQL queries of each (counted in this process on the same database and cache), and
   requests/s under wrk against a bare Django project on the same gunicorn serving the
   identical bytes (bench/bare): project and bare view alternate, ``BENCH_ROUNDS`` times
   each for ``BENCH_SECONDS`` seconds, and the medians are compared.
4. Times the full exports: IATI (``export_iati``), the nightly files and the CSV streams, in
   rows/s with the peak resident memory of the process that wrote them.

Environment: ``DATABASE_URL`` (a server where this may create and drop a database; `make
bench-scale` starts a throwaway one), ``BENCH_PROGRAMMES`` (100000), ``BENCH_SECONDS`` (2),
``BENCH_ROUNDS`` (3), ``BENCH_COLD`` (3), ``BENCH_WARM`` (5), ``BENCH_ONLY`` (a substring:
measure only the matching URLs), ``BENCH_REUSE=1`` (keep a database built earlier with the
same size), ``BENCH_OUTPUT`` (also write the table as Markdown to this file).
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SIZE = int(os.environ.get("BENCH_PROGRAMMES", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARM = int(os.environ.get("BENCH_WARM", "5"))
# Cold requests per URL (the cache emptied before each); the median is shown.
COLD = int(os.environ.get("BENCH_COLD", "3"))
ONLY = os.environ.get("BENCH_ONLY", "")
REUSE = os.environ.get("BENCH_REUSE") == "1"
DATABASE_NAME = f"bench_scale_{SIZE}"


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- processes --------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = None

    def start(self) -> "Server":
        with self.log_path.open("ab") as handle:
            self.popen = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.popen.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]


def wait_for(url: str, server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.popen.poll() is not None:
            raise SystemExit(f"{server.name} exited:\n{server.log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{server.name} did not answer {url}")


def gunicorn(app: str, port: int, env: dict[str, str], log_path: Path) -> Server:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    return Server(app, command, env, log_path).start()


# -- the database -----------------------------------------------------------------------------


def database_urls() -> tuple[str, str]:
    """(the server's maintenance database, the bench database) from DATABASE_URL."""
    server = os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgres"):
        raise SystemExit("bench-scale needs DATABASE_URL of a PostgreSQL server (make does it)")
    parts = urllib.parse.urlsplit(server)
    return server, parts._replace(path=f"/{DATABASE_NAME}").geturl()


def prepare_database(server_url: str, bench_url: str, env: dict[str, str]) -> None:
    import psycopg2

    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        exists = cursor.fetchone() is not None
        if exists and REUSE and _built_size(bench_url) == SIZE:
            log(f"reusing database {DATABASE_NAME} ({SIZE} synthetic programmes)")
            admin.close()
            _migrate(env)
            _vacuum(bench_url)
            return
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
        cursor.execute(f"CREATE DATABASE {DATABASE_NAME}")
    admin.close()
    started = time.perf_counter()
    _migrate(env)
    subprocess.run(
        [sys.executable, "manage.py", "load_portfolio"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import django

    django.setup()
    from bench import synthetic

    counts = synthetic.build(SIZE)
    _mark_built(bench_url)
    _vacuum(bench_url)
    log(
        f"portfolio: {counts['programmes']:,} programmes ({counts['published']:,} published), "
        f"{counts['countries']} countries, {counts['cities']} cities, "
        f"{counts['organisations']} organisations, {counts['partners']:,} partners, "
        f"{counts['activities']:,} activities; built in {time.perf_counter() - started:.0f} s"
    )


def _vacuum(url: str) -> None:
    """What autovacuum does soon after a bulk load: visibility map (for index-only scans),
    statistics, and the search index's pending list merged."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _built_size(url: str) -> int | None:
    import psycopg2

    try:
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT size FROM bench_scale_built")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None


def _mark_built(url: str) -> None:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_scale_built (size integer)")
        cursor.execute("INSERT INTO bench_scale_built VALUES (%s)", [SIZE])


# -- what is measured -------------------------------------------------------------------------


def urls() -> list[tuple[str, str]]:
    """(label, URL) of every page type and API list, with and without filters and search."""
    from jwp.models import JointWorkProgramme, Output
    from programmes.models import Programme
    from windows.models import FundingWindow, Instrument, Theme

    programme = Programme.objects.published().filter(slug__startswith="synthetic").order_by("pk")
    programme = programme[SIZE // 2] if SIZE else Programme.objects.published().first()
    real = Programme.objects.published().exclude(slug__startswith="synthetic").first()
    jwp = JointWorkProgramme.objects.published().order_by("pk").first()
    output = Output.objects.published().order_by("pk").first()
    window = FundingWindow.objects.order_by("order").first()
    instrument = Instrument.objects.exclude(kind="jwp").order_by("pk").first()
    theme = Theme.objects.get(slug="gender")
    import datetime

    month_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    since = urllib.parse.quote(month_ago.strftime("%Y-%m-%dT%H:%M:%SZ"))
    items = [
        ("home", "/"),
        ("how we work", "/how-we-work/"),
        ("programme list (facets)", "/programmes/"),
        ("programme list, page 200", "/programmes/?page=200"),
        ("programme list, theme+country", "/programmes/?theme=gender&country=UG"),
        ("programme list, search", "/programmes/?q=water+sanitation"),
        ("programme list, search+theme", "/programmes/?q=water+sanitation&theme=gender"),
        ("programme list, sorted by budget", "/programmes/?sort=-budget"),
        ("programme CSV, theme+country", "/programmes/export.csv?theme=gender&country=UG"),
        ("programme page (synthetic)", programme.get_absolute_url()),
        ("programme page (real)", real.get_absolute_url()),
        ("country list", "/countries/"),
        ("country page", "/countries/ug/"),
        ("window page", window.get_absolute_url()),
        ("instrument page", f"/instruments/{instrument.slug}/"),
        ("theme page", theme.get_absolute_url()),
        ("JWP list", "/jwp/"),
        ("JWP page", jwp.get_absolute_url()),
        ("output list", "/outputs/"),
        ("output page", output.get_absolute_url()),
        ("output feed", "/feeds/outputs/"),
        ("sitemap", "/sitemap.xml"),
        ("API programmes", "/api/v1/programmes/?page_size=100"),
        (
            "API programmes, theme+country",
            "/api/v1/programmes/?page_size=100&theme=gender&country=UG",
        ),
        ("API programmes, search", "/api/v1/programmes/?page_size=100&search=water+sanitation"),
        ("API programmes, ordering budget", "/api/v1/programmes/?page_size=100&ordering=-budget"),
        ("API programmes, cursor", "/api/v1/programmes/?page_size=100&paginate=cursor"),
        ("API programmes, last page", "/api/v1/programmes/?page_size=100&page=last"),
        ("API programme detail", f"/api/v1/programmes/{programme.slug}/"),
        (
            "API programmes CSV, theme+country",
            "/api/v1/programmes/?format=csv&theme=gender&country=UG",
        ),
        ("API stats", "/api/v1/stats/"),
        ("API countries", "/api/v1/countries/"),
        ("API organisations", "/api/v1/organisations/?page_size=100"),
        ("API JWPs", "/api/v1/jwps/"),
        ("API outputs", "/api/v1/outputs/"),
        ("API lessons", "/api/v1/lessons/"),
        ("API documents", "/api/v1/documents/"),
        ("API windows", "/api/v1/windows/"),
        ("API instruments", "/api/v1/instruments/"),
        ("API themes", "/api/v1/themes/"),
        ("API changes, last 30 days", f"/api/v1/changes/?since={since}"),
        ("API IATI, theme+country", "/api/v1/iati/activities.xml?theme=gender&country=UG"),
    ]
    return [(label, url) for label, url in items if ONLY in label or ONLY in url]


@dataclass
class Row:
    label: str
    url: str
    status: int = 0
    cold: float = 0.0
    warm: float = 0.0
    queries_cold: int = 0
    queries_warm: int = 0
    rps: list[float] = field(default_factory=list)
    bare_rps: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        bare = statistics.median(self.bare_rps) if self.bare_rps else 0
        return statistics.median(self.rps) / bare if bare else 0.0


def fetch(base: str, url: str) -> tuple[float, int, bytes, str]:
    request = urllib.request.Request(base + url, headers={"Accept-Encoding": "identity"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            body = response.read()
            status, content_type = response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
        content_type = error.headers.get("Content-Type", "")
    return time.perf_counter() - started, status, body, content_type


def flush_cache(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushall()


def count_queries(rows: list[Row], redis_url: str) -> None:
    """SQL queries per request, cold and warm, through Django's test client in this process:
    the same code, database and Redis as gunicorn."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for row in rows:
        flush_cache(redis_url)
        for attribute in ("queries_cold", "queries_warm"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(row.url)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            setattr(row, attribute, len(queries))


WRK_RESULT = re.compile(r"Requests/sec:\s+([\d.]+)")


def wrk(url: str) -> float:
    out = subprocess.run(
        [shutil.which("wrk") or "wrk", "-t2", "-c4", f"-d{SECONDS:g}s", "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = WRK_RESULT.search(out)
    return float(match.group(1)) if match else 0.0


# -- exports ----------------------------------------------------------------------------------


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Runs a command; (seconds, peak RSS in MB, output). The peak is the process's own VmHWM,
    read while it runs: the rusage of a child counts the memory of the process that started
    it (Linux keeps the larger high-water mark across exec), which would be this one's."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        peak = 0
        while process.poll() is None:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                peak = max(peak, peak_rss_mb(process.pid))
            time.sleep(0.05)
        output.seek(0)
        text = output.read().decode(errors="replace")
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-3000:]}")
    return time.perf_counter() - started, peak, text


def peak_rss_mb(pid: int) -> int:
    """The resident-set high-water mark of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def exports(env: dict[str, str], base: str, workdir: Path) -> list[str]:
    from programmes.models import Programme

    published = Programme.objects.published().count()
    lines = []
    seconds, rss, output = run_measured(
        [sys.executable, "manage.py", "export_iati", str(workdir / "iati.xml")], env
    )
    written = int(re.search(r"(\d+) activities written", output).group(1))
    lines.append(
        f"export_iati: {written:,} activities in {seconds:.1f} s "
        f"({written / seconds:,.0f} activities/s), peak RSS {rss} MB"
    )
    for kind in ("csv", "iati"):
        seconds, rss, _output = run_measured(
            [sys.executable, "manage.py", "regenerate_public_files", "--only", kind], env
        )
        lines.append(
            f"nightly {kind.upper()} file of {published:,} programmes: {seconds:.1f} s "
            f"({published / seconds:,.0f} rows/s), peak RSS {rss} MB"
        )
    for label, url in (
        ("API CSV stream, all published", "/api/v1/programmes/?format=csv"),
        ("site CSV, all published", "/programmes/export.csv"),
    ):
        seconds, status, body, _type = fetch(base, url)
        rows = body.count(b"\n") - 1
        lines.append(
            f"{label}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s, "
            f"HTTP {status}, {len(body) / 1e6:.0f} MB)"
        )
    return lines


# -- the run ----------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    header = (
        "| request | status | cold s | warm s | SQL cold/warm | req/s | bare req/s | ratio |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for row in rows:
        rps = statistics.median(row.rps) if row.rps else 0
        bare = statistics.median(row.bare_rps) if row.bare_rps else 0
        lines.append(
            f"| {row.label} | {row.status} | {row.cold:.3f} | {row.warm:.4f} | "
            f"{row.queries_cold}/{row.queries_warm} | {rps:,.0f} | {bare:,.0f} | "
            f"{row.ratio:.0%} |"
        )
    return header + "\n".join(lines) + "\n"


def main() -> None:
    server_url, bench_url = database_urls()
    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    redis_port, project_port, bare_port = free_port(), free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "DJANGO_READ_DOT_ENV": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_MANIFEST": "false",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private-media"),
        "EMAIL_URL": "consolemail://",
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_USER": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "false",  # plain http on 127.0.0.1, as behind a TLS proxy
    }
    env.setdefault("SECRET_KEY", "bench-scale-" + os.urandom(16).hex())
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "citiesalliance.settings"
    sys.path.insert(0, str(BASE_DIR))

    servers: list[Server] = []
    try:
        redis_server = Server(
            "redis-server",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            env,
            workdir / "redis.log",
        ).start()
        servers.append(redis_server)
        prepare_database(server_url, bench_url, env)
        import django

        django.setup()

        project = gunicorn("citiesalliance.wsgi", project_port, env, workdir / "project.log")
        servers.append(project)
        base = f"http://127.0.0.1:{project_port}"
        wait_for(base + "/robots.txt", project)

        rows = [Row(label, url) for label, url in urls()]
        log(f"\n{len(rows)} URLs; first pass (workers load templates and code)")
        for row in rows:
            fetch(base, row.url)
        bare_dir = workdir / "bare"
        bare_dir.mkdir()
        index = {}
        for number, row in enumerate(rows):
            colds = []
            for _ in range(COLD):
                flush_cache(redis_url)
                colds.append(fetch(base, row.url))
            row.cold = statistics.median(seconds for seconds, *_ in colds)
            _seconds, row.status, body, content_type = colds[-1]
            warm = [fetch(base, row.url) for _ in range(WARM)]
            row.warm = statistics.median(seconds for seconds, *_ in warm)
            (bare_dir / f"{number}.body").write_bytes(warm[-1][2])
            index[row.url] = {
                "file": f"{number}.body",
                "content_type": content_type,
                "status": row.status,
            }
            log(
                f"  {row.label:<40} cold {row.cold:7.3f} s  warm {row.warm:7.4f} s  "
                f"HTTP {row.status}, {len(body):,} bytes"
            )
        (bare_dir / "index.json").write_text(json.dumps(index))

        bare_env = {
            **env,
            "BARE_RESPONSES": str(bare_dir),
            "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        }
        bare = gunicorn("bench.bare.wsgi", bare_port, bare_env, workdir / "bare.log")
        servers.append(bare)
        bare_base = f"http://127.0.0.1:{bare_port}"
        wait_for(bare_base + "/", bare)

        log(f"\nwrk: project and bare view alternate, {ROUNDS} x {SECONDS:g} s each")
        for row in rows:
            fetch(base, row.url)  # back in the cache (the cold pass flushed it)
            for _round in range(ROUNDS):
                row.rps.append(wrk(base + row.url))
                row.bare_rps.append(wrk(bare_base + row.url))
            log(
                f"  {row.label:<40} {statistics.median(row.rps):8,.0f} req/s  bare "
                f"{statistics.median(row.bare_rps):8,.0f}  ratio {row.ratio:5.0%}"
            )

        count_queries(rows, redis_url)
        log("\nexports")
        export_lines = exports(env, base, workdir)
        for line in export_lines:
            log(f"  {line}")

        from programmes.models import Programme

        summary = (
            f"{Programme.objects.count():,} programmes "
            f"({Programme.objects.published().count():,} published), gunicorn 2 workers, "
            f"Redis cache, PostgreSQL; wrk -t2 -c4, {ROUNDS} rounds of {SECONDS:g} s, medians"
        )
        report = f"{summary}\n\n{table(rows)}\n" + "\n".join(f"- {line}" for line in export_lines)
        log("\n" + report)
        if os.environ.get("BENCH_OUTPUT"):
            Path(os.environ["BENCH_OUTPUT"]).write_text(report + "\n")
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
