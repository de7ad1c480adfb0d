"""Celery tasks of the JWP app: thin, they take ids and call ``jwp.services``."""

from celery import shared_task

from . import links
from .models import Output


@shared_task
def check_output_links() -> int:
    """Weekly (``CELERY_BEAT_SCHEDULE``): queues one ``check_output_link`` per output to check
    and returns how many. One task per output, so that outputs are checked in parallel across
    workers, a slow or hanging site costs one short task rather than the whole run's time
    limit, and a lost worker re-runs one check. Running it twice only checks again."""
    output_ids = list(links.outputs_to_link_check().values_list("pk", flat=True))
    for output_id in output_ids:
        check_output_link.delay(output_id)
    return len(output_ids)


@shared_task
def check_output_link(output_id: int) -> str | None:
    """Checks one output's link and file and stores the result (its ``LinkStatus``)."""
    try:
        return links.output_check_link(output_id=output_id)
    except Output.DoesNotExist:  # deleted after the weekly task queued it
        return None
