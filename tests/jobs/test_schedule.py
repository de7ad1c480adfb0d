"""The beat schedule in settings names tasks that exist, and they run (eagerly here)."""

import pytest
from django.conf import settings

from citiesalliance.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {
        "jobs.tasks.regenerate_public_files",
        "jobs.tasks.cleanup_job_files",
        "jobs.tasks.requeue_stale_jobs",
        "jwp.tasks.check_output_links",
        "publishing.tasks.prune_files",
    }
    missing = names - set(app.tasks)
    assert not missing, f"scheduled but not registered: {missing}"


@pytest.mark.django_db(transaction=True)
def test_every_scheduled_task_runs_on_an_empty_portfolio():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        result = app.tasks[entry["task"]].apply()
        assert result.successful(), (entry["task"], result.traceback)
