"""Thin Celery tasks over ``jobs.services``: each takes ids, calls one service, and may run
twice without harm."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import imports, services
from .models import ExportJob, ImportJob

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def run_export(job_id: str) -> int | None:
    job = services.export_job_run(job_id=job_id)
    return job.rows if job else None


@shared_task(**RETRY)
def regenerate_public_files() -> dict[str, int]:
    return {public.kind: public.rows for public in services.public_files_regenerate()}


@shared_task(**RETRY)
def cleanup_job_files() -> dict[str, int]:
    return {"exports": services.export_jobs_cleanup(), "imports": imports.import_files_cleanup()}


@shared_task(**RETRY)
def requeue_stale_jobs() -> dict[str, int]:
    return {
        "exports": services.jobs_requeue_stale(ExportJob, "run_export"),
        "imports": services.jobs_requeue_stale(ImportJob, "run_import"),
    }


@shared_task(**RETRY)
def run_import(job_id: str) -> str | None:
    job = imports.import_job_run(job_id=job_id)
    return job.state if job else None
