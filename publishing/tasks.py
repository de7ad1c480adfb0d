"""Celery tasks of the publication workflow. Each takes ids and calls one service."""

import smtplib

from celery import shared_task

from .notifications import notification_send, revision_notification_send


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_workflow_notification(
    self, event: str, content_type_id: int, object_id: int, actor_id: int | None
) -> int:
    """E-mails the people a committed workflow transition concerns; safe to run twice."""
    return notification_send(
        event=event, content_type_id=content_type_id, object_id=object_id, actor_id=actor_id
    )


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_revision_notification(
    self, event: str, revision_id: int, updated: str, actor_id: int | None
) -> int:
    """E-mails the people a committed revision event concerns; safe to run twice."""
    return revision_notification_send(
        event=event, revision_id=revision_id, updated=updated, actor_id=actor_id
    )
