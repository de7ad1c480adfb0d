"""E-mails about the publication workflow: who hears of a submission, a publication or a
send-back, and what the message says.

``publishing.services`` enqueues ``publishing.tasks.send_workflow_notification`` once a
transition is committed; the task calls ``notification_send``. The operator's
``publication_publish_system`` and unpublishing send nothing.

A run may be repeated (a retry, or a message delivered twice to the workers) and must then
do no harm. The rule:

- nothing is sent when the item has been deleted, or is no longer in the state the event left
  it in: a later transition (sent back before the publishers read the notice, unpublished
  again) makes the notice stale, and that transition sends its own;
- otherwise each recipient gets the notice once per transition. The transition is the item's
  history record that ``publishing.services`` wrote for it; who was sent the notice for it is
  remembered in the cache after each message, so a repeated run sends nothing and a retry
  after a partial failure reaches only those not yet reached. A new transition of the same
  kind (submitted again after a send-back) is a new notice.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PublicationStatus, Publishable
from .roles import PUBLISHERS

logger = logging.getLogger(__name__)

SUBMITTED = "submitted"
PUBLISHED = "published"
SENT_BACK = "sent_back"

SUBJECT_PREFIX = "[Cities Alliance Portfolio]"
# How long the cache remembers who was sent a notice: far longer than the task's retries.
SENT_NOTICE_TIMEOUT = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class WorkflowEvent:
    status: str  # the state the transition leaves the item in
    history_reason: str  # the change reason publishing.services records for it


EVENTS = {
    SUBMITTED: WorkflowEvent(PublicationStatus.IN_REVIEW, "Submitted for review"),
    PUBLISHED: WorkflowEvent(PublicationStatus.PUBLISHED, "Published"),
    SENT_BACK: WorkflowEvent(PublicationStatus.DRAFT, "Sent back to draft"),
}


def notification_send(
    *, event: str, content_type_id: int, object_id: int, actor_id: int | None
) -> int:
    """E-mails the people ``event`` concerns about the item; returns how many messages went out.

    Submitted: every active user with an e-mail address who may publish the item (the
    Publishers group, or the publish permission given otherwise). Published and sent back:
    the editor who submitted it. Never the person who acted. See the module for what a
    repeated run does.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown workflow event: {event!r}")
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    obj = model._default_manager.filter(pk=object_id).first() if model else None
    if obj is None or obj.status != EVENTS[event].status:
        return 0

    recipients = _recipients(event, obj, actor_id=actor_id)
    if not recipients:
        return 0
    sent_keys = _sent_keys(event, obj, content_type_id, recipients)
    return _send_once(
        event, recipients, sent_keys, lambda actor: _context(obj, actor=actor), actor_id
    )


def _send_once(template: str, recipients: list, sent_keys: dict, context_of, actor_id) -> int:
    """Sends ``template`` to each recipient whose key in ``sent_keys`` the cache does not hold
    yet (a recipient without a key is always sent), and records each key once sent. Returns
    how many messages went out. ``context_of(actor)`` builds the template's context."""
    already_sent = cache.get_many(sent_keys.values()) if sent_keys else {}
    pending = [user for user in recipients if sent_keys.get(user.pk) not in already_sent]
    if not pending:
        return 0
    user_model = get_user_model()
    actor = user_model._default_manager.filter(pk=actor_id).first() if actor_id else None
    context = context_of(actor)
    with mail.get_connection() as connection:
        for recipient in pending:
            _message(template, context, recipient=recipient, connection=connection).send()
            if recipient.pk in sent_keys:
                cache.set(sent_keys[recipient.pk], True, SENT_NOTICE_TIMEOUT)
    return len(pending)


def _recipients(event: str, obj: Publishable, *, actor_id: int | None) -> list:
    if event == SUBMITTED:
        return list(_publishers(obj).exclude(pk=actor_id) if actor_id else _publishers(obj))
    submitter = obj.submitted_by
    if (
        submitter is None
        or not submitter.is_active
        or not submitter.email
        or submitter.pk == actor_id
    ):
        return []
    return [submitter]


def _publishers(obj: Publishable):
    """One query: the Publishers group, and anyone else given the item's publish permission
    (directly or through another group). Superusers only if they are among them."""
    app_label, codename = obj.publish_permission().split(".")
    may_publish = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(groups__name=PUBLISHERS)
            | Q(groups__permissions__in=may_publish)
            | Q(user_permissions__in=may_publish)
        )
        .distinct()
        .order_by("pk")
    )


def _sent_keys(event: str, obj: Publishable, content_type_id: int, recipients) -> dict:
    """Recipient pk -> the cache key recording that they were sent this transition's notice."""
    transition_id = (
        obj.history.filter(history_change_reason=EVENTS[event].history_reason)
        .values_list("history_id", flat=True)
        .first()
    )
    if transition_id is None:
        # Not made through publishing.services: send, but a repeated run will send again.
        logger.warning(
            "No history record for the %s transition of %s #%s", event, content_type_id, obj.pk
        )
        return {}
    prefix = f"publishing:notice:{event}:{content_type_id}:{transition_id}"
    return {user.pk: f"{prefix}:{user.pk}" for user in recipients}


def _context(obj: Publishable, *, actor) -> dict:
    opts = obj._meta
    admin_path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    public_path = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return {
        "kind": opts.verbose_name,
        "kind_plural": opts.verbose_name_plural,
        "title": str(obj),
        "actor": _display_name(actor) if actor else _("Someone"),
        "admin_url": f"{settings.SITE_URL}{admin_path}",
        "public_url": f"{settings.SITE_URL}{public_path}" if public_path else "",
        "published_at": obj.published_at,
        "scheduled": bool(obj.published_at and obj.published_at > timezone.now()),
        "site_url": settings.SITE_URL,
    }


def _message(event: str, context: dict, *, recipient, connection) -> mail.EmailMessage:
    context = {**context, "recipient": _display_name(recipient)}
    subject = render_to_string(f"emails/{event}_subject.txt", context)
    # Headers are one line: whatever line breaks the template leaves are folded away.
    subject = " ".join(f"{SUBJECT_PREFIX} {subject}".split())
    body = render_to_string(f"emails/{event}_body.txt", context)
    return mail.EmailMessage(subject, body, to=[recipient.email], connection=connection)


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# -- revisions ---------------------------------------------------------------------------------

# event -> the revision status it leaves
REVISION_EVENTS = {"proposed": "pending", "approved": "approved", "rejected": "rejected"}


def revision_notification_send(
    *, event: str, revision_id: int, updated: str, actor_id: int | None
) -> int:
    """Proposed: the item's Publishers hear of it. Approved or rejected: the editor who
    proposed it, with the Publisher's comment. Never the person who acted. Stale events (the
    revision changed or was decided since) send nothing; each recipient gets a notice once."""
    from .models import Revision

    if event not in REVISION_EVENTS:
        raise ValueError(f"Unknown revision event: {event!r}")
    revision = (
        Revision.objects.select_related("created_by", "content_type").filter(pk=revision_id).first()
    )
    if revision is None or revision.status != REVISION_EVENTS[event]:
        return 0
    if revision.updated_at.isoformat() != updated:
        return 0
    item = revision.item
    if item is None:
        return 0
    if event == "proposed":
        recipients = list(_publishers(item).exclude(pk=actor_id) if actor_id else _publishers(item))
    else:
        author = revision.created_by
        usable = author and author.is_active and author.email and author.pk != actor_id
        recipients = [author] if usable else []
    prefix = f"publishing:revision-notice:{event}:{revision.pk}:{updated}"
    keys = {user.pk: f"{prefix}:{user.pk}" for user in recipients}
    opts = revision._meta
    revision_url = settings.SITE_URL + reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[revision.pk]
    )

    def context_of(actor):
        return {
            **_context(item, actor=actor),
            "comment": revision.comment,
            "revision_url": revision_url,
        }

    return _send_once(f"revision_{event}", recipients, keys, context_of, actor_id)
