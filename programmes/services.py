"""Writes for programmes: the API's write views call these, and importers and admin actions may.

The publication state is never set here: new programmes are drafts, and only
``publishing.services`` moves them through the workflow.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.utils.translation import gettext as _

from publishing.models import PublicationStatus

from .models import Programme

PROGRAMME_FIELDS = frozenset(
    {
        "instrument",
        "iati_identifier",
        "title",
        "slug",
        "summary",
        "description",
        "activity_status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "budget",
        "currency",
        "parent",
        "notes",
    }
)
PROGRAMME_M2M_FIELDS = frozenset({"themes", "countries", "cities"})

# Check constraints that are about one field: their message is reported under that field.
PROGRAMME_CONSTRAINT_FIELDS = {
    "programme_planned_end_after_start": "planned_end",
    "programme_actual_end_after_start": "actual_end",
    "programme_budget_not_negative": "budget",
    "programme_budget_has_currency": "currency",
    "programme_not_own_parent": "parent",
    "programme_activity_status_valid": "activity_status",
}


def require_permission(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(
            _("Your account does not have the permission “%(permission)s”.")
            % {"permission": permission}
        )


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


def full_clean(obj: models.Model, *, constraint_fields: Mapping[str, str]) -> None:
    """``obj.full_clean()``, except that a violated check constraint named in
    ``constraint_fields`` is reported under its field instead of as a non-field error, so a
    form or an API client can show it where it belongs ("planned_end", not "__all__")."""
    errors: dict[str, list] = {}
    try:
        obj.full_clean(validate_constraints=False)
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


def save_validated(obj, *, user, m2m: Mapping[str, Any], constraint_fields: Mapping[str, str]):
    """``full_clean`` (constraint errors under their field), save with the history user, then
    set the many-to-many relations. Shared by the programme and output services."""
    full_clean(obj, constraint_fields=constraint_fields)
    obj._history_user = user
    obj.save()
    for name, values in m2m.items():
        getattr(obj, name).set(values)
    return obj


def _save(programme: Programme, *, user, m2m: Mapping[str, Any]) -> Programme:
    return save_validated(
        programme, user=user, m2m=m2m, constraint_fields=PROGRAMME_CONSTRAINT_FIELDS
    )


@transaction.atomic
def programme_create(*, user, data: dict) -> Programme:
    """A new programme, always a draft. ``data`` holds model values (an ``Instrument``, lists
    of ``Theme`` / ``Country`` / ``City``, a parent ``Programme``), not slugs."""
    require_permission(user, "programmes.add_programme")
    plain, m2m = split_fields(data, fields=PROGRAMME_FIELDS, m2m_fields=PROGRAMME_M2M_FIELDS)
    programme = Programme(**plain, status=PublicationStatus.DRAFT, published_at=None)
    return _save(programme, user=user, m2m=m2m)


@transaction.atomic
def programme_update(*, user, programme: Programme, data: dict) -> Programme:
    """Changes the fields in ``data``; the others, and every many-to-many field not in
    ``data``, stay as they are. Returns the saved programme.

    The row is read again under a lock, so the workflow state saved is the one in the
    database, even when ``programme`` was loaded before someone published it.
    """
    require_permission(user, "programmes.change_programme")
    plain, m2m = split_fields(data, fields=PROGRAMME_FIELDS, m2m_fields=PROGRAMME_M2M_FIELDS)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in plain.items():
        setattr(programme, name, value)
    return _save(programme, user=user, m2m=m2m)
