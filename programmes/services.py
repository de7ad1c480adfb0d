"""Writes for programmes: the API's write views call these, and importers and admin actions may.

The publication state is never set here: new programmes are drafts, and only
``publishing.services`` moves them through the workflow.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from publishing.models import PublicationStatus
from publishing.services import (
    content_delete,
    content_save,
    require_permission,
    rows_set,
    split_fields,
)

from .models import ActivityClassifications, Organisation, Programme, ProgrammePartner

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
        *ActivityClassifications.FIELDS,
    }
)
PROGRAMME_M2M_FIELDS = frozenset({"themes", "countries", "cities"})
ORGANISATION_FIELDS = frozenset({"name", "acronym", "slug", "org_type", "iati_ref", "website"})

# Check constraints that are about one field: their message is reported under that field.
PROGRAMME_CONSTRAINT_FIELDS = {
    "programme_planned_end_after_start": "planned_end",
    "programme_actual_end_after_start": "actual_end",
    "programme_budget_not_negative": "budget",
    "programme_budget_has_currency": "currency",
    "programme_not_own_parent": "parent",
    "programme_activity_status_valid": "activity_status",
}


def _save(
    programme: Programme, *, user, m2m: Mapping[str, Any], rows=None, reason: str = ""
) -> Programme:
    """Saves the programme, then its recipient countries with their shares when ``rows``
    (``{"country": Country, "percentage": Decimal | None}`` mappings) are given."""
    programme = content_save(
        programme,
        user=user,
        m2m=m2m,
        reason=reason,
        constraint_fields=PROGRAMME_CONSTRAINT_FIELDS,
    )
    if rows is not None:
        rows_set(
            user=user, owner=programme, relation="recipient_countries", rows=rows, reason=reason
        )
    return programme


@transaction.atomic
def programme_create(*, user, data: dict, reason: str = "") -> Programme:
    """A new programme, always a draft. ``data`` holds model values (an ``Instrument``, lists
    of ``Theme`` / ``Country`` / ``City``, a parent ``Programme``), not slugs; the countries
    with their shares may come as ``recipient_countries`` rows instead of ``countries``."""
    require_permission(user, "programmes.add_programme")
    data = dict(data)
    rows = data.pop("recipient_countries", None)
    plain, m2m = split_fields(data, fields=PROGRAMME_FIELDS, m2m_fields=PROGRAMME_M2M_FIELDS)
    programme = Programme(**plain, status=PublicationStatus.DRAFT, published_at=None)
    return _save(programme, user=user, m2m=m2m, rows=rows, reason=reason)


@transaction.atomic
def programme_update(*, user, programme: Programme, data: dict, reason: str = "") -> Programme:
    """Changes the fields in ``data``; the others, and every many-to-many field not in
    ``data``, stay as they are. Returns the saved programme.

    The row is read again under a lock, so the workflow state saved is the one in the
    database, even when ``programme`` was loaded before someone published it.
    """
    require_permission(user, "programmes.change_programme")
    data = dict(data)
    rows = data.pop("recipient_countries", None)
    plain, m2m = split_fields(data, fields=PROGRAMME_FIELDS, m2m_fields=PROGRAMME_M2M_FIELDS)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in plain.items():
        setattr(programme, name, value)
    return _save(programme, user=user, m2m=m2m, rows=rows, reason=reason)


@transaction.atomic
def programme_partners_set(
    *, user, programme: Programme, partners: Iterable[tuple[Organisation, str]], reason: str = ""
) -> bool:
    """Makes the programme's partners exactly ``partners`` ((organisation, role) pairs):
    removes the others and adds the missing ones. Returns whether anything changed."""
    wanted = list(dict.fromkeys((organisation.pk, role) for organisation, role in partners))
    organisations = {organisation.pk: organisation for organisation, _role in partners}
    changed = False
    for partner in programme.partners.all():
        if (partner.organisation_id, partner.role) not in wanted:
            content_delete(partner, user=user, owner=programme)
            changed = True
    current = set(programme.partners.values_list("organisation_id", "role"))
    for organisation_id, role in wanted:
        if (organisation_id, role) not in current:
            partner = ProgrammePartner(
                programme=programme, organisation=organisations[organisation_id], role=role
            )
            content_save(partner, user=user, owner=programme, reason=reason)
            changed = True
    return changed


@transaction.atomic
def organisation_create(*, user, data: dict, reason: str = "") -> Organisation:
    """A new organisation (reference data: Editors may add one; changing one that published
    content uses takes a Publisher, see ``publishing.models.used_by_public_content``)."""
    plain, _m2m = split_fields(data, fields=ORGANISATION_FIELDS, m2m_fields=())
    return content_save(Organisation(**plain), user=user, reason=reason)
