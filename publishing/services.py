"""Moves content through the publication workflow. The only code that changes ``status``.

Every path that publishes (admin actions, API writes, importers, the portfolio loader) calls
these functions, so the permission check, the history entry and the e-mail notices happen in
one place.
"""

import logging
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PublicationStatus, Publishable
from .notifications import EVENTS, PUBLISHED, SENT_BACK, SUBMITTED
from .tasks import send_workflow_notification

logger = logging.getLogger(__name__)


def _require(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def _change_permission(obj: Publishable) -> str:
    return f"{obj._meta.app_label}.change_{obj._meta.model_name}"


def _save(obj: Publishable, *, user, reason: str) -> Publishable:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj


def _notify(event: str, obj: Publishable, user) -> None:
    """E-mails the people the transition concerns, once it is committed (never for a
    transition that rolls back)."""
    content_type_id = ContentType.objects.get_for_model(obj).pk
    transaction.on_commit(partial(_enqueue_notification, event, content_type_id, obj.pk, user.pk))


def _enqueue_notification(event: str, content_type_id: int, object_id: int, actor_id) -> None:
    # By now the transition is committed and must stand: a broker that cannot be reached, or
    # (tasks running inline) a mail server that refuses, is logged, not reported to the
    # editor as a failure of their action.
    try:
        send_workflow_notification.delay(event, content_type_id, object_id, actor_id)
    except Exception:
        logger.exception(
            "Could not send the %s notice for content type %s #%s",
            event,
            content_type_id,
            object_id,
        )


@transaction.atomic
def publication_submit(*, obj: Publishable, user) -> Publishable:
    """Draft → in review. Anyone who may edit the item may submit it."""
    _require(user, _change_permission(obj))
    if obj.status != PublicationStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."), code="not_draft")
    obj.full_clean()
    obj.status = PublicationStatus.IN_REVIEW
    obj.submitted_at = timezone.now()
    obj.submitted_by = user
    _save(obj, user=user, reason=EVENTS[SUBMITTED].history_reason)
    _notify(SUBMITTED, obj, user)
    return obj


@transaction.atomic
def publication_publish(*, obj: Publishable, user, at=None) -> Publishable:
    """Draft or in review → published. Needs the model's publish permission.

    ``at`` schedules the publication: the item stays off public pages until then. The first
    publication time is kept when an item is published again after being withdrawn.
    """
    _require(user, obj.publish_permission())
    if obj.status == PublicationStatus.PUBLISHED:
        raise ValidationError(_("This item is already published."), code="already_published")
    obj.full_clean()
    obj.status = PublicationStatus.PUBLISHED
    if at is not None or obj.published_at is None:
        obj.published_at = at or timezone.now()
    obj.published_by = user
    _save(obj, user=user, reason=EVENTS[PUBLISHED].history_reason)
    _notify(PUBLISHED, obj, user)
    return obj


@transaction.atomic
def publication_unpublish(*, obj: Publishable, user) -> Publishable:
    """Published → draft: withdraws the item from every public path."""
    _require(user, obj.publish_permission())
    if obj.status != PublicationStatus.PUBLISHED:
        raise ValidationError(_("Only a published item can be unpublished."), code="not_published")
    obj.status = PublicationStatus.DRAFT
    return _save(obj, user=user, reason="Unpublished")


@transaction.atomic
def publication_send_back(*, obj: Publishable, user) -> Publishable:
    """In review → draft, for the editor to rework. Needs the publish permission."""
    _require(user, obj.publish_permission())
    if obj.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(_("Only an item in review can be sent back."), code="not_in_review")
    obj.status = PublicationStatus.DRAFT
    _save(obj, user=user, reason=EVENTS[SENT_BACK].history_reason)
    _notify(SENT_BACK, obj, user)
    return obj


def publication_publish_system(*, obj: Publishable) -> Publishable:
    """Publishes on behalf of an operator command (``load_portfolio``), not a user."""
    if obj.status == PublicationStatus.PUBLISHED:
        return obj
    obj.status = PublicationStatus.PUBLISHED
    obj.published_at = obj.published_at or timezone.now()
    return _save(obj, user=None, reason="Published by load_portfolio")
