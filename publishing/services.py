"""Moves content through the publication workflow. The only code that changes ``status``.

Every path that publishes (admin actions, API writes, importers, the portfolio loader) calls
these functions, so the permission check, the history entry and the e-mail notices happen in
one place.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import revisions
from .models import PublicationStatus, Publishable, Revision, RevisionStatus
from .notifications import EVENTS, PUBLISHED, SENT_BACK, SUBMITTED
from .tasks import send_revision_notification, send_workflow_notification

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


# -- revisions: changes to published content go through review ----------------------------------


def needs_review(*, obj, user) -> bool:
    """Whether ``user``'s edit of ``obj`` must wait for a Publisher: the item is published (as
    the database holds it, whatever ``obj`` says) and ``user`` may not publish it."""
    if not isinstance(obj, Publishable) or obj.pk is None:
        return False
    if user is not None and user.has_perm(obj.publish_permission()):
        return False
    live_status = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first()
    return live_status == PublicationStatus.PUBLISHED


def pending_revision(obj) -> Revision | None:
    return (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            status=RevisionStatus.PENDING,
        )
        .select_related("created_by")
        .first()
    )


def edit(*, obj, user, write: Callable[[], object]):
    """The one door for edits to existing content: ``write()`` (the ordinary service call, with
    its validation) runs as it is, unless the edit needs review; then it becomes the item's
    pending revision and the live item stays as it is. Returns what ``write`` returned, or the
    Revision (None when the edit changes nothing)."""
    if needs_review(obj=obj, user=user):
        return revision_propose(obj=obj, user=user, write=write)
    return write()


@transaction.atomic
def revision_propose(*, obj, user, write: Callable[[], object]) -> Revision | None:
    """Runs ``write()`` in a savepoint, so the services, the model validation and the database
    constraints all check the edit; reads the state it leaves, rolls it back, and keeps that
    state as the item's pending revision (replacing an earlier pending one). Returns None when
    the edit changes nothing."""
    _require(user, _change_permission(obj))
    model = type(obj)
    live = model.objects.select_for_update().get(pk=obj.pk)
    base = revisions.snapshot(live)
    savepoint = transaction.savepoint()
    try:
        write()
        proposed = revisions.snapshot(model.objects.get(pk=obj.pk))
    finally:
        transaction.savepoint_rollback(savepoint)
    proposed = revisions.forget_new_ids(base, proposed)
    if not revisions.changed_parts(base, proposed):
        return None
    revision = pending_revision(live) or Revision(
        content_type=ContentType.objects.get_for_model(model), object_id=live.pk
    )
    revision.base, revision.proposed, revision.created_by = base, proposed, user
    revision.full_clean()
    revision.save()
    _notify_revision("proposed", revision, user)
    return revision


def revision_conflicts(revision: Revision) -> set[str]:
    """Parts both the revision and the live item (as the database holds it) changed since the
    revision's base, to different values: approving would undo someone's change."""
    current = revisions.snapshot(revision.model._default_manager.get(pk=revision.object_id))
    theirs = revisions.changed_parts(revision.base, revision.proposed)
    ours = revisions.changed_parts(revision.base, current)
    now, wanted = revisions.parts(current), revisions.parts(revision.proposed)
    return {part for part in theirs & ours if now.get(part) != wanted.get(part)}


def _decidable(revision: Revision, user) -> tuple[Revision, object]:
    model = revision.model
    _require(user, model.publish_permission())
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError(_("This revision has already been decided."), code="decided")
    live = model.objects.select_for_update().filter(pk=revision.object_id).first()
    if live is None:
        raise ValidationError(_("The item of this revision no longer exists."), code="gone")
    return revision, live


@transaction.atomic
def revision_approve(*, revision: Revision, user):
    """Writes what the revision changed onto the live item, with a history entry by the
    Publisher, and marks it approved; the editor is told. A part the live item changed too
    since the revision was made is a conflict: nothing is written, and the error names it."""
    revision, live = _decidable(revision, user)
    conflicts = revision_conflicts(revision)
    if conflicts:
        labels = ", ".join(
            change.label
            for change in revisions.describe(type(live), revision.base, revision.proposed)
            if change.part in conflicts
        )
        raise ValidationError(
            _(
                "The live item changed since this revision was proposed: %(parts)s. Reject the "
                "revision and ask for a new one."
            )
            % {"parts": labels},
            code="conflict",
        )
    changed = revisions.changed_parts(revision.base, revision.proposed)
    after_save = revisions.apply(live, revision.proposed, only=changed)
    live.full_clean()
    author = revision.created_by
    reason = _("Revision by %(author)s approved") % {
        "author": author.get_username() if author else _("someone")
    }
    _save(live, user=user, reason=reason)
    for step in after_save:
        step()
    revision.status, revision.decided_by = RevisionStatus.APPROVED, user
    revision.decided_at = timezone.now()
    revision.save()
    _notify_revision("approved", revision, user)
    return live


@transaction.atomic
def revision_reject(*, revision: Revision, user, comment: str) -> Revision:
    """Closes the revision without touching the live item and returns it to its editor with
    the Publisher's comment (required: the editor must learn why)."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why, for the editor.")}, code="required")
    revision, _live = _decidable(revision, user)
    revision.status, revision.decided_by = RevisionStatus.REJECTED, user
    revision.decided_at, revision.comment = timezone.now(), comment.strip()
    revision.save()
    _notify_revision("rejected", revision, user)
    return revision


def _notify_revision(event: str, revision: Revision, user) -> None:
    actor_id = user.pk if user is not None else None
    updated = revision.updated_at.isoformat()
    transaction.on_commit(
        partial(_enqueue_revision_notification, event, revision.pk, updated, actor_id)
    )


def _enqueue_revision_notification(event: str, revision_id: int, updated: str, actor_id) -> None:
    try:
        send_revision_notification.delay(event, revision_id, updated, actor_id)
    except Exception:
        logger.exception("Could not send the %s notice for revision #%s", event, revision_id)
