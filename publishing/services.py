"""The one write path for content, and the publication workflow (the only code that changes
``status``).

Every path that writes (the admin, API writes, the bulk imports, the IATI importer, the
portfolio loader) saves through ``content_save``, and edits of existing content go through
``edit``, so the permission check, the review rule (no live change without the publish
permission), the history entry and the e-mail notices happen in one place.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import files, revisions
from .models import (
    PublicationStatus,
    Publishable,
    Revision,
    RevisionStatus,
    change_used_permission,
    used_by_public_content,
)
from .notifications import EVENTS, PUBLISHED, SENT_BACK, SUBMITTED
from .roles import REFERENCE_MODELS
from .tasks import send_revision_notification, send_workflow_notification

logger = logging.getLogger(__name__)


class Operator:
    """Whoever runs a management command (``load_portfolio``, ``import_iati`` without
    ``--user``): someone with the server's keys, so every permission; in the history the
    change has no user and the command's name as its reason."""

    pk = None
    is_authenticated = False

    def has_perm(self, permission: str, obj=None) -> bool:
        return True

    def get_username(self) -> str:
        return "operator"

    def __str__(self) -> str:
        return "operator"


OPERATOR = Operator()

# The item (model, pk) whose pending revision ``revision_propose`` is building: inside it, a
# write to that published item is allowed, because it is rolled back and kept as a revision.
_proposing: ContextVar[tuple | None] = ContextVar("proposing", default=None)


def require_permission(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(
            _("Your account does not have the permission “%(permission)s”.")
            % {"permission": permission}
        )


def _permission(obj: models.Model, action: str) -> str:
    return f"{obj._meta.app_label}.{action}_{obj._meta.model_name}"


def _change_permission(obj: Publishable) -> str:
    return _permission(obj, "change")


def history_user(user):
    """The user a history entry records: a real account, or nobody (the operator)."""
    return user if isinstance(user, AbstractBaseUser) else None


def _save(obj: Publishable, *, user, reason: str) -> Publishable:
    obj._history_user = history_user(user)
    obj._change_reason = reason
    obj.save()
    return obj


# -- the one write path -------------------------------------------------------------------------


def split_fields(
    data: Mapping[str, Any], *, fields: Iterable[str], m2m_fields: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``data`` as (plain fields, many-to-many fields). Any other key is a ValidationError
    naming it: workflow fields such as ``status`` in particular are never written here."""
    fields, m2m_fields = set(fields), set(m2m_fields)
    unknown = sorted(set(data) - fields - m2m_fields)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in unknown}, code="unknown_field"
        )
    plain = {name: value for name, value in data.items() if name in fields}
    m2m = {name: value for name, value in data.items() if name in m2m_fields}
    return plain, m2m


def content_full_clean(
    obj: models.Model,
    *,
    constraint_fields: Mapping[str, str] = {},
    errors: Mapping[str, list] | None = None,
    validate_unique: bool = True,
) -> None:
    """``obj.full_clean()``, except that a violated check constraint named in
    ``constraint_fields`` is reported under its field instead of as a non-field error, so a
    form, an import preview or an API client shows it where it belongs ("planned_end", not
    "__all__"). ``errors`` found before (say, by an import's widgets) are reported with these,
    and their fields are not checked again."""
    errors = dict(errors or {})
    try:
        obj.full_clean(
            exclude=set(errors), validate_unique=validate_unique, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # As Django does: a constraint on a field that already failed is not checked again.
    exclude = set(errors)
    using = router.db_for_write(type(obj), instance=obj)
    for constraint in obj._meta.constraints:
        try:
            constraint.validate(type(obj), obj, exclude=exclude, using=using)
        except ValidationError as violation:
            field = constraint_fields.get(constraint.name, NON_FIELD_ERRORS)
            errors.setdefault(field, []).extend(violation.error_list)
    if errors:
        raise ValidationError(errors)


def _refuse_live_change(item, user) -> None:
    """The review rule, enforced where every write passes: a published item changes only
    by someone who may publish it, or inside ``revision_propose`` (which rolls it back)."""
    if item is None or _proposing.get() == (type(item), item.pk):
        return
    if needs_review(obj=item, user=user):
        raise PermissionDenied(
            _("“%(item)s” is published: your change goes to a Publisher as a revision.")
            % {"item": item}
        )


def _refuse_used_reference_change(obj: models.Model, user) -> None:
    """Reference data (countries, cities, organisations) that published content shows changes
    only by whoever has ``change_used_<model>`` (Publishers); Editors add rows and change the
    ones nothing public uses yet."""
    opts = obj._meta
    if obj.pk is None or (opts.app_label, opts.model_name) not in REFERENCE_MODELS:
        return
    if user.has_perm(change_used_permission(type(obj))) or not used_by_public_content(obj):
        return
    raise PermissionDenied(
        _("Published content shows this %(kind)s: only a Publisher may change it.")
        % {"kind": opts.verbose_name}
    )


@transaction.atomic
def content_save(
    obj: models.Model,
    *,
    user,
    reason: str = "",
    m2m: Mapping[str, Iterable] | None = None,
    constraint_fields: Mapping[str, str] = {},
    owner: models.Model | None = None,
    clean: bool = True,
):
    """Saves ``obj`` (new or changed) and sets its many-to-many relations, for ``user``: the
    add or change permission of its model, the review rule for a published item (or, for a row
    such as a partner, its published ``owner``), the model's validation with constraint errors
    under their field (``clean=False`` only where a form has just validated it), and the
    history entry with its user and ``reason``."""
    require_permission(user, _permission(obj, "change" if obj.pk else "add"))
    _refuse_live_change(obj if isinstance(obj, Publishable) else owner, user)
    _refuse_used_reference_change(obj, user)
    if clean:
        content_full_clean(obj, constraint_fields=constraint_fields)
    stored = files.stored_names(obj)
    obj._history_user = history_user(user)
    if reason:
        obj._change_reason = reason
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    _forget_files([name for field, name in stored.items() if getattr(obj, field).name != name])
    return obj


def rows_difference(manager, rows: Iterable[Mapping]) -> tuple[list, list[dict]]:
    """(existing rows to delete, rows to create) that make ``manager``'s rows exactly
    ``rows`` (mappings of field values): an existing row whose values all match a wanted row's
    is kept, once."""
    unmatched = [dict(row) for row in rows]
    stale = []
    for row_obj in manager.all():
        match = next(
            (
                row
                for row in unmatched
                if all(getattr(row_obj, name) == value for name, value in row.items())
            ),
            None,
        )
        if match is None:
            stale.append(row_obj)
        else:
            unmatched.remove(match)
    return stale, unmatched


@transaction.atomic
def rows_set(
    *, user, owner: models.Model, relation: str, rows: Iterable[Mapping], reason: str = ""
):
    """Makes the rows of ``owner.<relation>`` (its sectors, transactions...) exactly ``rows``
    (``rows_difference``), every write through ``content_save`` / ``content_delete``, so the
    permissions and the review rule of ``owner`` apply. Returns whether anything changed."""
    manager = getattr(owner, relation)
    stale, missing = rows_difference(manager, rows)
    for row_obj in stale:
        content_delete(row_obj, user=user, owner=owner)
    parent = manager.field.name
    for row in missing:
        content_save(manager.model(**{parent: owner}, **row), user=user, owner=owner, reason=reason)
    return bool(stale or missing)


@transaction.atomic
def content_delete(obj: models.Model, *, user, owner: models.Model | None = None) -> None:
    """Deletes ``obj`` for ``user``, under the same rules as ``content_save``."""
    require_permission(user, _permission(obj, "delete"))
    _refuse_live_change(obj if isinstance(obj, Publishable) else owner, user)
    _refuse_used_reference_change(obj, user)
    stored = files.stored_names(obj)
    obj._history_user = history_user(user)
    obj.delete()
    _forget_files(stored.values())


def _forget_files(names: Iterable[str]) -> None:
    """Once the write commits, removes the stored files it left behind that nothing refers to
    any more (``publishing.files``: a version in the history or a pending revision keeps one).
    Never for a write that rolls back, such as the trial write of ``revision_propose``; a
    storage that fails then is logged, and the nightly ``files_prune`` tries again."""
    names = sorted({name for name in names if name})
    if names:
        transaction.on_commit(partial(files.files_forget, names), robust=True)


def _proposed_files(revision: Revision | None) -> set[str]:
    if revision is None:
        return set()
    fields = [field for model, field in files.content_file_fields() if model is revision.model]
    return {revision.proposed["fields"].get(field) or "" for field in fields}


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
    require_permission(user, _change_permission(obj))
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
    require_permission(user, obj.publish_permission())
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
    require_permission(user, obj.publish_permission())
    if obj.status != PublicationStatus.PUBLISHED:
        raise ValidationError(_("Only a published item can be unpublished."), code="not_published")
    obj.status = PublicationStatus.DRAFT
    return _save(obj, user=user, reason="Unpublished")


@transaction.atomic
def publication_send_back(*, obj: Publishable, user) -> Publishable:
    """In review → draft, for the editor to rework. Needs the publish permission."""
    require_permission(user, obj.publish_permission())
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
    require_permission(user, _change_permission(obj))
    model = type(obj)
    live = model.objects.select_for_update().get(pk=obj.pk)
    base = revisions.snapshot(live)
    savepoint = transaction.savepoint()
    token = _proposing.set((model, obj.pk))
    try:
        write()
        proposed = revisions.snapshot(model.objects.get(pk=obj.pk))
    finally:
        _proposing.reset(token)
        transaction.savepoint_rollback(savepoint)
    proposed = revisions.forget_new_ids(base, proposed)
    if not revisions.changed_parts(base, proposed):
        return None
    revision = pending_revision(live) or Revision(
        content_type=ContentType.objects.get_for_model(model), object_id=live.pk
    )
    replaced_files = _proposed_files(revision if revision.pk else None)
    revision.base, revision.proposed, revision.created_by = base, proposed, user
    revision.full_clean()
    revision.save()
    _forget_files(replaced_files - _proposed_files(revision))
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
    require_permission(user, model.publish_permission())
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
    _forget_files(_proposed_files(revision))
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
