"""``make bench``: figures, not assertions. Builds a portfolio of BENCH_PROGRAMMES published
programmes (default 2000) in the throwaway PostgreSQL, then measures, on this machine:

- the partner API: programme list pages (JSON) and the full CSV stream;
- the export jobs (CSV, XLSX, IATI) as the worker runs them: seconds, rows per second and the
  peak Python memory (tracemalloc), which should not grow with the number of rows;
- the nightly public files.

Run: ``make bench`` (or ``make bench BENCH_PROGRAMMES=5000``)."""

import os
import statistics
import time
import tracemalloc
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from jobs import services
from jobs.models import ExportJob
from programmes.models import Country, Organisation, Programme, ProgrammePartner
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

SIZE = int(os.environ.get("BENCH_PROGRAMMES", "2000"))
RESULTS: list[tuple[str, str]] = []


def report(name: str, figure: str) -> None:
    RESULTS.append((name, figure))
    print(f"  {name:<48} {figure}")


@pytest.fixture(scope="module")
def portfolio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        started = time.perf_counter()
        themes = [factories.ThemeFactory(dac_sector_code="43030") for _ in range(4)]
        countries = [factories.CountryFactory() for _ in range(20)]
        organisations = [factories.OrganisationFactory() for _ in range(10)]
        instrument = factories.InstrumentFactory()
        now = "2026-01-01T00:00:00Z"
        programmes = Programme.objects.bulk_create(
            Programme(
                instrument=instrument,
                iati_identifier=f"XX-BENCH-{n}",
                title=f"Benchmark programme {n}",
                slug=f"bench-{n}",
                summary="A programme made for the benchmark.",
                planned_start="2016-01-01",
                planned_end="2020-12-31",
                budget=Decimal(1000 * n),
                currency="USD",
                status=PublicationStatus.PUBLISHED,
                published_at=now,
            )
            for n in range(SIZE)
        )
        Through = Programme.themes.through
        Through.objects.bulk_create(
            Through(programme=p, theme=themes[n % 4]) for n, p in enumerate(programmes)
        )
        CountryThrough = Programme.countries.through
        CountryThrough.objects.bulk_create(
            CountryThrough(programme=p, country=countries[n % 20]) for n, p in enumerate(programmes)
        )
        ProgrammePartner.objects.bulk_create(
            ProgrammePartner(programme=p, organisation=organisations[n % 10], role=role)
            for n, p in enumerate(programmes)
            for role in ("1", "4")
        )
        user = factories.UserFactory(is_staff=False)
        print(
            f"\nportfolio: {SIZE} programmes, {Country.objects.count()} countries, "
            f"{Organisation.objects.count()} organisations "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        yield user


def timed(function, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def test_api_lists(portfolio):
    client = APIClient()
    for size in (50, 500):
        url = f"/api/v1/programmes/?page_size={size}"
        assert client.get(url).status_code == 200
        median, best = timed(lambda url=url: client.get(url))
        report(
            f"GET programmes page_size={size}",
            f"median {median * 1000:.0f} ms, best {best * 1000:.0f} ms",
        )

    def full_csv():
        response = client.get("/api/v1/programmes/?format=csv")
        return sum(len(chunk) for chunk in response.streaming_content)

    size = full_csv()
    median, _best = timed(full_csv, repeat=3)
    report(
        f"GET programmes CSV, all {SIZE} rows",
        f"median {median:.2f} s, {SIZE / median:.0f} rows/s, {size / 1e6:.1f} MB",
    )


@pytest.mark.parametrize("format", ["csv", "xlsx", "iati"])
def test_export_jobs(portfolio, format):
    """Timed without tracemalloc (which slows Python down), then once more for the memory."""
    job = ExportJob.objects.create(requested_by=portfolio, format=format)
    started = time.perf_counter()
    services.export_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == "done", job.error
    again = ExportJob.objects.create(requested_by=portfolio, format=format)
    tracemalloc.start()
    services.export_job_run(job_id=again.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        f"export job {format}, {job.rows} rows",
        f"{elapsed:.2f} s, {job.rows / elapsed:.0f} rows/s, peak {peak / 1e6:.1f} MB Python, "
        f"file {job.file.size / 1e6:.1f} MB",
    )


def test_public_files(portfolio):
    started = time.perf_counter()
    files = services.public_files_regenerate()
    elapsed = time.perf_counter() - started
    report(
        "nightly public files (IATI + CSV)",
        f"{elapsed:.2f} s, " + ", ".join(f"{f.filename}: {f.size / 1e6:.1f} MB" for f in files),
    )


def test_zz_summary():
    print("\nSummary")
    for name, figure in RESULTS:
        print(f"  {name:<48} {figure}")
