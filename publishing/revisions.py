"""The state of a publishable item as one JSON document, and the difference between two states.

A pending revision (``publishing.models.Revision``) holds two such documents: the live state it
started from (``base``) and the state it proposes (``proposed``). Nothing in the public tables
changes until a Publisher approves it; then ``apply`` writes the proposed state onto the live
item, field by field and row by row, in one transaction (``publishing.services``).

The state of an item is:
- ``fields``: its own editable fields (a foreign key as the related row's primary key, a date
  as ISO 8601, a decimal as text, a file as its stored name);
- ``m2m``: each plain many-to-many relation (``themes``, ``countries``, ...) as sorted keys;
- ``rows``: each relation the model names in ``revision_rows`` (a programme's ``partners``
  and ``activities``, a JWP's ``memberships`` and ``phases``), as a list of rows, each with its
  ``id`` (None for a row the revision adds) and its own editable fields.
"""

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import WORKFLOW_FIELDS

# Kept by the system, not by editors: never part of a revision.
_NOT_CONTENT = {"id", "created_at", "updated_at", *WORKFLOW_FIELDS}


def _own_fields(model, *, parent_field: str | None = None) -> list[models.Field]:
    excluded = _NOT_CONTENT | set(getattr(model, "revision_excluded", ()))
    if parent_field:
        excluded.add(parent_field)
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in excluded
    ]


def _m2m_fields(model) -> list[models.ManyToManyField]:
    """Plain many-to-many relations; those with a model of their own (a programme's
    organisations through its partners) are rows."""
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _row_relations(model) -> list[models.ManyToOneRel]:
    return [model._meta.get_field(name) for name in getattr(model, "revision_rows", ())]


def _encode(field_: models.Field, obj) -> object:
    value = getattr(obj, field_.attname)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, str):
        # Browsers send a textarea's line breaks as CRLF: the same text, not a change.
        return value.replace("\r\n", "\n")
    return value


def _decode(field_: models.Field, value) -> object:
    if value is None or field_.is_relation:
        return value
    if isinstance(field_, models.FileField):
        return value
    return field_.to_python(value)


def _row_state(relation: models.ManyToOneRel, row) -> dict:
    fields = _own_fields(relation.related_model, parent_field=relation.field.name)
    return {"id": row.pk, **{f.name: _encode(f, row) for f in fields}}


def snapshot(obj: models.Model) -> dict:
    """The state of ``obj`` as it is in the database now (its fields as ``obj`` holds them)."""
    model = type(obj)
    return {
        "fields": {f.name: _encode(f, obj) for f in _own_fields(model)},
        "m2m": {
            f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True))
            for f in _m2m_fields(model)
        },
        "rows": {
            relation.name: [
                _row_state(relation, row)
                for row in getattr(obj, relation.get_accessor_name()).order_by("pk")
            ]
            for relation in _row_relations(model)
        },
    }


def forget_new_ids(base: dict, proposed: dict) -> dict:
    """``proposed`` with the ids of rows that ``base`` does not hold set to None: they were
    given in a write that was rolled back, and approval creates such rows anew."""
    rows = {}
    for name, proposed_rows in proposed["rows"].items():
        known = {row["id"] for row in base["rows"].get(name, [])}
        rows[name] = [row if row["id"] in known else {**row, "id": None} for row in proposed_rows]
    return {**proposed, "rows": rows}


def apply(obj: models.Model, state: dict, *, only: Iterable[str] | None = None) -> list:
    """Writes ``state`` onto ``obj`` (the live item, locked by the caller) for the parts named
    in ``only`` (``fields.title``, ``m2m.themes``, ``rows.partners``; all when None): its own
    fields are set (and left for the caller to validate and save), the rest is returned as
    callables to run once ``obj`` is saved."""
    wanted = None if only is None else set(only)
    model = type(obj)

    def chosen(part: str) -> bool:
        return wanted is None or part in wanted

    for f in _own_fields(model):
        if f.name in state["fields"] and chosen(f"fields.{f.name}"):
            setattr(obj, f.attname, _decode(f, state["fields"][f.name]))
    after_save = []
    for f in _m2m_fields(model):
        if f.name in state["m2m"] and chosen(f"m2m.{f.name}"):
            after_save.append(lambda f=f: getattr(obj, f.name).set(state["m2m"][f.name]))
    for relation in _row_relations(model):
        if relation.name in state["rows"] and chosen(f"rows.{relation.name}"):
            after_save.append(
                lambda relation=relation: _apply_rows(obj, relation, state["rows"][relation.name])
            )
    return after_save


def _apply_rows(obj, relation: models.ManyToOneRel, rows: list[dict]) -> None:
    """The rows of ``relation`` become ``rows``: kept ones updated, missing ones deleted, new
    ones (``id`` None, or an id no longer there) created; each validated before it is saved."""
    row_model = relation.related_model
    manager = getattr(obj, relation.get_accessor_name())
    existing = {row.pk: row for row in manager.all()}
    wanted_ids = {row["id"] for row in rows if row.get("id") in existing}
    manager.exclude(pk__in=wanted_ids).delete()
    fields = _own_fields(row_model, parent_field=relation.field.name)
    for data in rows:
        row = existing.get(data.get("id")) or row_model(**{relation.field.name: obj})
        for f in fields:
            if f.name in data:
                setattr(row, f.attname, _decode(f, data[f.name]))
        row.full_clean()
        row.save()


# -- differences -------------------------------------------------------------------------------


@dataclass
class Change:
    """One part of an item that differs: a field, a relation, or a relation's rows."""

    part: str  # "fields.title", "m2m.themes", "rows.partners"
    label: str
    before: str
    after: str
    rows: list["RowChange"] = field(default_factory=list)
    # For a file: where staff download the live and the proposed one (set by the admin).
    before_url: str = ""
    after_url: str = ""


@dataclass
class RowChange:
    action: str  # "added", "removed", "changed"
    label: str
    fields: list[tuple[str, str, str]]  # (label, before, after)


def parts(state: dict) -> dict[str, object]:
    """``state`` flattened to {part name: value}."""
    flat = {f"fields.{name}": value for name, value in state["fields"].items()}
    flat |= {f"m2m.{name}": value for name, value in state["m2m"].items()}
    flat |= {f"rows.{name}": value for name, value in state["rows"].items()}
    return flat


def changed_parts(before: dict, after: dict) -> set[str]:
    old, new = parts(before), parts(after)
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


def describe(model, before: dict, after: dict) -> list[Change]:
    """The differences between two states of a ``model`` item, in the order of the model's
    fields, each with labels and displayed values, rows matched by id."""
    changed = changed_parts(before, after)
    old, new = parts(before), parts(after)
    out = []
    for f in _own_fields(model):
        part = f"fields.{f.name}"
        if part in changed:
            out.append(Change(part, _label(f), _shown(f, old.get(part)), _shown(f, new.get(part))))
    for f in _m2m_fields(model):
        part = f"m2m.{f.name}"
        if part in changed:
            names = _names(f.related_model, [*old.get(part, []), *new.get(part, [])])
            out.append(
                Change(
                    part,
                    _label(f),
                    ", ".join(names[pk] for pk in old.get(part, [])) or "—",
                    ", ".join(names[pk] for pk in new.get(part, [])) or "—",
                )
            )
    for relation in _row_relations(model):
        part = f"rows.{relation.name}"
        if part in changed:
            rows = _row_changes(relation, old.get(part, []), new.get(part, []))
            label = str(relation.related_model._meta.verbose_name_plural)
            out.append(Change(part, label, "", "", rows=rows))
    return out


def _row_changes(relation, before: list[dict], after: list[dict]) -> list[RowChange]:
    fields = _own_fields(relation.related_model, parent_field=relation.field.name)
    old = {row["id"]: row for row in before}
    kept_ids = {row.get("id") for row in after if row.get("id") in old}
    out = []
    for row in after:
        previous = old.get(row.get("id"))
        values = [
            (_label(f), _shown(f, (previous or {}).get(f.name)), _shown(f, row.get(f.name)))
            for f in fields
            if previous is None or previous.get(f.name) != row.get(f.name)
        ]
        if previous is None:
            out.append(RowChange("added", _row_label(fields, row), values))
        elif values:
            out.append(RowChange("changed", _row_label(fields, previous), values))
    for row_id, row in old.items():
        if row_id not in kept_ids:
            out.append(RowChange("removed", _row_label(fields, row), []))
    return out


def _row_label(fields: list[models.Field], row: dict) -> str:
    return " · ".join(_shown(f, row.get(f.name)) for f in fields[:2])


def _label(f: models.Field) -> str:
    return str(f.verbose_name)


def _names(model, pks: list) -> dict:
    return {row.pk: str(row) for row in model._default_manager.filter(pk__in=set(pks))}


def _shown(f: models.Field, value) -> str:
    """A value as an editor reads it: the related row's name, a choice's label, "—" for none."""
    if value is None or value == "":
        return "—"
    if f.is_relation:
        row = f.related_model._default_manager.filter(pk=value).first()
        return str(row) if row is not None else f"#{value}"
    if f.choices:
        return str(dict(f.flatchoices).get(_decode(f, value), value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
