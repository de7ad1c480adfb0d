"""Bulk imports of programmes, outputs and transactions: reading an uploaded file, describing
what went wrong, and the import jobs that apply a large confirmed file on a worker.

An import is all or nothing: it runs in one transaction, and any row that fails (invalid, or
an error from the database) rolls every row back.
"""

import logging
import zipfile
from datetime import timedelta

import tablib
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.results import Result, RowResult
from openpyxl import load_workbook

from publishing.storage import private_storage

from .models import ImportFormat, ImportJob, ImportTarget, JobState
from .resources import OutputResource, ProgrammeResource
from .services import TRANSIENT_ERRORS, job_claim, job_enqueue, job_files_forget, job_requeue
from .transaction_import import TransactionResource

logger = logging.getLogger(__name__)

RESOURCES = {
    ImportTarget.PROGRAMMES: ProgrammeResource,
    ImportTarget.OUTPUTS: OutputResource,
    ImportTarget.TRANSACTIONS: TransactionResource,
}
FORMATS = {ImportFormat.CSV: base_formats.CSV, ImportFormat.XLSX: base_formats.XLSX}
ENCODING = "utf-8-sig"  # what import-export's admin reads CSV as: UTF-8, with or without a BOM
MAX_ERROR_LINES = 50  # in a job's error text; the rest is counted


def format_of(format_class) -> ImportFormat:
    return next(key for key, value in FORMATS.items() if value is format_class)


def check_size(upload, *, xlsx: bool) -> None:
    """Refuses, before it is parsed, a file of more than ``IMPORT_MAX_ROWS`` rows, or an XLSX
    workbook that unpacks to more than ``IMPORT_MAX_UNPACKED_BYTES``: a 290 KB workbook can
    hold a million rows. Rows are counted as they stream, up to one past the limit."""
    limit = settings.IMPORT_MAX_ROWS
    rows = 0
    try:
        if xlsx:
            rows = _xlsx_rows(upload, limit)
        else:
            for line in upload:
                if line.strip():
                    rows += 1
                if rows > limit + 1:  # the header row is not an item
                    break
    finally:
        upload.seek(0)
    if rows > limit + 1:
        raise ValidationError(
            _("This file has more than %(limit)d rows; import it in parts of at most %(limit)d.")
            % {"limit": limit},
            code="too_many_rows",
        )


def _xlsx_rows(upload, limit: int) -> int:
    try:
        archive = zipfile.ZipFile(upload)
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationError(
            _("This file is not an Excel (.xlsx) workbook."), code="xlsx"
        ) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("This workbook unpacks to more than %(size)s; import it in parts.")
            % {"size": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise ValidationError(_("This Excel workbook cannot be read."), code="xlsx") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        rows = 0
        for row in sheet.iter_rows(values_only=True) if sheet is not None else ():
            if any(value not in (None, "") for value in row):
                rows += 1
            if rows > limit + 1:
                break
        return rows
    finally:
        workbook.close()


def read_dataset(data: bytes, format: str) -> tablib.Dataset:
    return FORMATS[format](encoding=ENCODING).create_dataset(data)


def import_errors(result: Result) -> list[str]:
    """Every problem of an import, one line each, by row (and column when it is about one);
    the problems of the file as a whole first."""
    by_row = []
    for row in result.error_rows:
        by_row += [(row.number, f"Row {row.number}: {error.error}") for error in row.errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            where = f"Row {row.number}"
            if column != NON_FIELD_ERRORS:
                where = f"{where}, {column}"
            by_row += [(row.number, f"{where}: {message}") for message in messages]
    by_row.sort(key=lambda problem: problem[0])
    return [str(error.error) for error in result.base_errors] + [line for _, line in by_row]


def import_errors_summary(result: Result, *, limit: int = MAX_ERROR_LINES) -> str:
    lines = import_errors(result)
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more."]
    return "\n".join(lines)


def import_dataset(*, resource_class, dataset: tablib.Dataset, user, file_name: str) -> Result:
    """Applies ``dataset`` in one transaction: when any row fails, nothing is saved. The
    ``LogEntry`` of each created and changed item is written with the rows."""
    resource = resource_class()
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,
            user=user,
            file_name=file_name,
        )
        if result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True)
        elif user is not None:
            _log(result, user=user, file_name=file_name)
    return result


def _log(result: Result, *, user, file_name: str) -> None:
    message = f"Imported from {file_name}"
    for import_type, flag in (
        (RowResult.IMPORT_TYPE_NEW, ADDITION),
        (RowResult.IMPORT_TYPE_UPDATE, CHANGE),
    ):
        instances = [row.instance for row in result.rows if row.import_type == import_type]
        if instances:
            LogEntry.objects.log_actions(
                user.pk, instances, flag, change_message=message, single_object=len(instances) == 1
            )


# -- jobs --------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(
    *, user, target: str, format: str, filename: str, data: bytes, rows: int
) -> ImportJob:
    """Stores a confirmed file in private storage and queues its import."""
    if target not in ImportTarget.values:
        raise ValueError(f"Unknown import target {target!r}.")
    if format not in ImportFormat.values:
        raise ValueError(f"Unknown import format {format!r}.")
    job = ImportJob(
        requested_by=user,
        target=target,
        format=format,
        original_filename=filename[:255],
        rows=rows,
    )
    # Named by the job, never by the uploader: the original name is only recorded.
    job.file.save(f"{job.pk}.{format}", ContentFile(data), save=False)
    job.save()
    transaction.on_commit(lambda: job_enqueue(job, "run_import"))
    return job


def _transient_error(result: Result) -> Exception | None:
    errors = [*result.base_errors, *(error for row in result.error_rows for error in row.errors)]
    return next((e.error for e in errors if isinstance(e.error, TRANSIENT_ERRORS)), None)


def _finish(job: ImportJob, *, state: JobState, error: str = "", **counts) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state,
        error=error,
        progress=100 if state == JobState.DONE else job.progress,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
        **counts,
    )
    job.refresh_from_db()
    return job


def import_job_run(*, job_id) -> ImportJob | None:
    """Imports the job's file: every row, or (when any row fails) none, with the problems
    recorded on the job. Returns None when the job was already finished or no longer exists."""
    job = job_claim(ImportJob, job_id)
    if job is None:
        return None
    try:
        with job.file.open("rb") as stored:
            dataset = read_dataset(stored.read(), job.format)
        result = import_dataset(
            resource_class=RESOURCES[job.target],
            dataset=dataset,
            user=job.requested_by,
            file_name=job.original_filename,
        )
    except TRANSIENT_ERRORS:
        # The database or the storage went away for a moment: back to the queue, and the
        # task's retry runs the job again.
        job_requeue(job)
        raise
    except Exception as error:  # an unreadable file, most likely; recorded for who asked
        logger.exception("import %s failed", job.pk)
        return _finish(job, state=JobState.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    if result.has_errors() or result.has_validation_errors():
        transient = _transient_error(result)
        if transient is not None:
            job_requeue(job)
            raise transient
        return _finish(
            job,
            state=JobState.FAILED,
            error="Nothing was imported.\n" + import_errors_summary(result),
            rows=result.total_rows,
            new_count=0,
            update_count=0,
            error_count=len(result.invalid_rows) + len(result.error_rows),
        )
    return _finish(
        job,
        state=JobState.DONE,
        rows=result.total_rows,
        new_count=result.totals[RowResult.IMPORT_TYPE_NEW],
        update_count=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        error_count=0,
    )


# -- scheduled upkeep ------------------------------------------------------------------------

UPLOADS_FOLDER = "import-uploads"
UPLOAD_LIFETIME = timedelta(days=1)


def import_files_cleanup(*, now=None) -> int:
    """Deletes the stored files of import jobs finished more than EXPORT_RETENTION_DAYS ago
    (the records stay), and previews never confirmed within a day."""
    now = now or timezone.now()
    count = job_files_forget(
        ImportJob.objects.filter(
            finished_at__lte=now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
        )
    )
    if private_storage.exists(UPLOADS_FOLDER):
        _folders, names = private_storage.listdir(UPLOADS_FOLDER)
        for name in names:
            path = f"{UPLOADS_FOLDER}/{name}"
            if private_storage.get_modified_time(path) <= now - UPLOAD_LIFETIME:
                private_storage.delete(path)
                count += 1
    return count
