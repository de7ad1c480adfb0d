"""Celery tasks of the publication workflow. Each takes ids and calls one service."""

import smtplib

from celery import shared_task

from .files import files_prune
from .notifications import notification_send, revision_notification_send

# E-mail notices: retried with backoff while the mail server or the network fails.
NOTICE_TASK = {
    "bind": True,
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**NOTICE_TASK)
def send_workflow_notification(
    self, event: str, content_type_id: int, object_id: int, actor_id: int | None
) -> int:
    """E-mails the people a committed workflow transition concerns; safe to run twice."""
    return notification_send(
        event=event, content_type_id=content_type_id, object_id=object_id, actor_id=actor_id
    )


@shared_task(**NOTICE_TASK)
def send_revision_notification(
    self, event: str, revision_id: int, updated: str, actor_id: int | None
) -> int:
    """E-mails the people a committed revision event concerns; safe to run twice."""
    return revision_notification_send(
        event=event, revision_id=revision_id, updated=updated, actor_id=actor_id
    )


@shared_task
def prune_files() -> int:
    """Nightly: removes the stored content files nothing refers to any more; safe to run
    twice."""
    return len(files_prune())
