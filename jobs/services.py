"""Export jobs and the public download files: every write the API, the admin, the Celery tasks
and the commands make goes through these functions."""

import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.http import FileResponse
from django.utils import timezone

from iati.export import (
    NothingToExport,
    activities_document,
    jwps_for_export,
    programmes_for_export,
)
from jwp.models import JointWorkProgramme
from programmes.filters import ProgrammeFilter
from programmes.rows import COLUMN_NAMES, programme_rows
from programmes.selectors import programme_list
from publishing.csv import csv_lines

from .models import ExportFormat, ExportJob, Job, JobState, PublicFile, PublicFileKind

logger = logging.getLogger(__name__)

# Filters an export accepts: those of /api/v1/programmes/ (the programme vocabulary).
EXPORT_FILTERS = frozenset(ProgrammeFilter.base_filters)
# Errors worth a retry: the job goes back to the queue instead of failing.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
PROGRESS_STEP = 5  # per cent between two progress updates

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.IATI: "application/xml; charset=utf-8",
}
EXTENSIONS = {ExportFormat.CSV: "csv", ExportFormat.XLSX: "xlsx", ExportFormat.IATI: "xml"}


class InvalidFilters(ValidationError):
    """The filters of an export, by name, with what is wrong with each."""


# -- filters -----------------------------------------------------------------------------------


def export_filters_clean(raw: dict) -> dict[str, str]:
    """The filters of an export, checked as /api/v1/programmes/ checks its query string: an
    unknown name or a malformed value raises InvalidFilters naming it. Lists of values are
    joined with commas (``["gender", "migration"]`` is ``gender,migration``)."""
    if not isinstance(raw, dict):
        raise ValidationError({"filters": ["Must be an object of filter names."]})
    cleaned, errors = {}, {}
    for name, value in raw.items():
        if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
            value = ",".join(str(item) for item in value)
        if not isinstance(value, str | int) or isinstance(value, bool):
            errors[name] = ["Must be a string or a list of strings."]
            continue
        cleaned[name] = str(value)
    try:
        programme_list(filters=cleaned)  # unknown names, malformed values and unknown slugs
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise InvalidFilters(errors)
    return cleaned


def export_queryset(job: ExportJob):
    """The programmes an export holds. IATI files are public data: published items only."""
    public = not job.include_unpublished or job.format == ExportFormat.IATI
    return programme_list(filters=job.filters, public=public)


# -- creating and running jobs --------------------------------------------------------------


def job_enqueue(job: Job, task_name: str) -> None:
    """Hands a job to Celery (call it on commit). A broker that is down must not lose the
    request: the job stays queued, on record, and ``requeue_stale_jobs`` sends it again."""
    from . import tasks

    try:
        getattr(tasks, task_name).delay(str(job.pk))
    except Exception:  # any broker failure; the job is safe in the database
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.exception("could not enqueue %s %s; it will be sent again later", task_name, job.pk)


def job_claim(model: type[Job], job_id) -> Job | None:
    """Marks a queued (or interrupted) job as running; None when there is nothing to do, which
    makes a task that runs twice harmless."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        job.state = JobState.RUNNING
        job.started_at = timezone.now()
        job.progress = 0
        job.error = ""
        job.save(update_fields=["state", "started_at", "progress", "error", "updated_at"])
        return job


def job_requeue(job: Job) -> None:
    """Back to the queue after a transient error; the task's retry runs the job again."""
    type(job).objects.filter(pk=job.pk).update(state=JobState.QUEUED, updated_at=timezone.now())


def job_files_forget(jobs) -> int:
    """Deletes the stored file of each job in ``jobs`` and clears the field; the records stay,
    so who asked for what remains on record."""
    count = 0
    for job in jobs.exclude(file=""):
        job.file.delete(save=False)
        type(job).objects.filter(pk=job.pk).update(file="")
        count += 1
    return count


def jobs_requeue_stale(
    model: type[Job], task_name: str, *, older_than: timedelta = timedelta(minutes=10)
) -> int:
    """Sends again the jobs still queued after ``older_than`` (their message was lost, or the
    broker was down when they were asked for). Running a job twice does no harm."""
    stale = model.objects.filter(state=JobState.QUEUED, created_at__lt=timezone.now() - older_than)
    count = 0
    for job in stale:
        job_enqueue(job, task_name)
        count += 1
    return count


@transaction.atomic
def export_job_create(
    *, user, format: str, filters: dict, include_unpublished: bool = False
) -> ExportJob:
    """Records an export job and queues it. ``include_unpublished`` only for staff who may see
    drafts; the caller decides (the API through ``publishing.preview.may_preview``)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Exports need an account.")
    if format not in ExportFormat.values:
        raise ValidationError(
            {"format": [f"Unknown format. Allowed: {', '.join(ExportFormat.values)}."]}
        )
    job = ExportJob.objects.create(
        requested_by=user,
        format=format,
        filters=export_filters_clean(filters),
        include_unpublished=include_unpublished,
    )
    transaction.on_commit(lambda: job_enqueue(job, "run_export"))
    return job


def _progress_reporter(job: ExportJob, total: int) -> Callable[[int], None]:
    last = {"value": 0}

    def report(done: int) -> None:
        value = min(99, done * 100 // total) if total else 99
        if value - last["value"] >= PROGRESS_STEP:
            last["value"] = value
            ExportJob.objects.filter(pk=job.pk).update(progress=value)

    return report


def _rows(queryset) -> Iterator[list]:
    return programme_rows(queryset, base_url=settings.SITE_URL)


def _write_csv(out, queryset, report) -> int:
    count = 0
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    lines = csv_lines(COLUMN_NAMES, _counting(_rows(queryset), report))
    for line in lines:
        text.write(line)
        count += 1
    text.flush()
    text.detach()
    return count - 1  # the header


def _write_xlsx(out, queryset, report) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Programmes")

    def cell(value: str):
        # openpyxl stores a string that starts with "=" as a formula: a title such as
        # "=HYPERLINK(...)" would become live in the reader's Excel. Text stays text.
        if value.startswith("="):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    sheet.append(COLUMN_NAMES)
    count = 0
    for row in _counting(_rows(queryset), report):
        sheet.append([cell(value) for value in row])
        count += 1
    workbook.save(out)
    return count


def _write_iati(out, queryset, report, *, jwps=None) -> int:
    """The programmes of ``queryset``; with ``jwps`` (the default: none) Joint Work Programmes
    too, as /api/v1/iati/activities.xml serves them unfiltered."""
    skipped = []
    count = 0
    for chunk in activities_document(
        programmes=programmes_for_export(queryset),
        jwps=jwps_for_export(JointWorkProgramme.objects.none() if jwps is None else jwps),
        base_url=settings.SITE_URL,
        skipped=skipped,
    ):
        out.write(chunk)
        if chunk.lstrip().startswith(b"<iati-activity"):
            count += 1
            report(count + len(skipped))
    return count


def _counting(rows: Iterable, report) -> Iterator:
    for done, row in enumerate(rows, start=1):
        yield row
        report(done)


def _write_iati_portfolio(out, queryset, report) -> int:
    return _write_iati(out, queryset, report, jwps=JointWorkProgramme.objects.published())


WRITERS = {
    ExportFormat.CSV: _write_csv,
    ExportFormat.XLSX: _write_xlsx,
    ExportFormat.IATI: _write_iati,
}


def export_job_run(*, job_id) -> ExportJob | None:
    """Writes the job's file into private storage and marks it done (or failed, with the error).
    Returns None when the job was already finished or no longer exists."""
    job = job_claim(ExportJob, job_id)
    if job is None:
        return None
    try:
        queryset = export_queryset(job)
        total = queryset.count()
        report = _progress_reporter(job, total)
        with tempfile.TemporaryFile() as out:
            rows = WRITERS[job.format](out, queryset, report)
            out.seek(0)
            name = f"programmes-{timezone.now():%Y%m%d-%H%M%S}-{str(job.pk)[:8]}"
            job.file.save(f"{name}.{EXTENSIONS[job.format]}", File(out), save=False)
    except TRANSIENT_ERRORS:  # the database or the storage went away for a moment
        job_requeue(job)
        raise
    except Exception as error:  # recorded on the job for who asked for it
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error=_describe(error),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    job.state = JobState.DONE
    job.rows = rows
    job.progress = 100
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + timedelta(days=settings.EXPORT_RETENTION_DAYS)
    job.save()
    return job


def _describe(error: Exception) -> str:
    if isinstance(error, NothingToExport):
        return str(error)
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        return f"Invalid filters: {problems}"
    return f"{type(error).__name__}: {error}"[:2000]


def export_jobs_cleanup(*, now=None) -> int:
    """Deletes the files of exports past their retention time; the job records stay, marked as
    expired, so who asked for what remains on record."""
    return job_files_forget(ExportJob.objects.filter(expires_at__lte=now or timezone.now()))


def export_job_file_response(job: ExportJob) -> FileResponse:
    """The finished file as an attachment, for the API's and the admin's download."""
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


# -- public download files -------------------------------------------------------------------


def public_files_regenerate(*, formats=None) -> list[PublicFile]:
    """Writes the full published portfolio as IATI XML and as CSV (or only the ``formats``
    given), the files the site links to, and returns those written. A new file replaces the old
    only once it is complete; an IATI file with no exportable activity would be invalid, so
    the old one then stays."""
    results = []
    for kind, format, writer in (
        (PublicFileKind.IATI, ExportFormat.IATI, _write_iati_portfolio),
        (PublicFileKind.CSV, ExportFormat.CSV, _write_csv),
    ):
        if formats is not None and format not in formats:
            continue
        queryset = programme_list()
        with tempfile.TemporaryFile() as out:
            try:
                rows = writer(out, queryset, lambda done: None)
            except NothingToExport as error:
                logger.warning("%s: %s; the previous file stays", kind, error)
                continue
            out.seek(0)
            with transaction.atomic():
                current = PublicFile.objects.select_for_update().filter(kind=kind).first()
                previous = current.file.name if current and current.file else ""
                public = current or PublicFile(kind=kind)
                public.file.save(f"{kind}.{EXTENSIONS[format]}", File(out), save=False)
                public.rows = rows
                public.generated_at = timezone.now()
                public.size = public.file.size
                public.save()
                if previous and previous != public.file.name:
                    storage, old = public.file.storage, previous
                    transaction.on_commit(lambda storage=storage, old=old: storage.delete(old))
        results.append(public)
    return results
