"""Writes for outputs: the API's write views call these, and importers and admin actions may.
The link check, which records whether each output's link and file still work, is in
``jwp.links``.

The publication state is never set here: new outputs are drafts, and only
``publishing.services`` moves them through the workflow. Files are attached in the staff admin.
"""

from django.db import transaction

from publishing.models import PublicationStatus
from publishing.services import content_save, require_permission, split_fields

from .models import LinkStatus, Output

OUTPUT_FIELDS = frozenset(
    {"title", "slug", "kind", "date", "summary", "url", "language", "jwp", "phase", "programme"}
)
OUTPUT_M2M_FIELDS = frozenset({"themes"})

# Check constraints that are about one field: their message is reported under that field.
OUTPUT_CONSTRAINT_FIELDS = {
    "output_phase_needs_jwp": "phase",
    "output_kind_valid": "kind",
}


def _save(output: Output, *, user, m2m) -> Output:
    return content_save(output, user=user, m2m=m2m, constraint_fields=OUTPUT_CONSTRAINT_FIELDS)


@transaction.atomic
def output_create(*, user, data: dict) -> Output:
    """A new output, always a draft. ``data`` holds model values (a ``JointWorkProgramme``, a
    ``Phase`` of that JWP, a ``Programme``, a list of ``Theme``), not slugs."""
    require_permission(user, "jwp.add_output")
    plain, m2m = split_fields(data, fields=OUTPUT_FIELDS, m2m_fields=OUTPUT_M2M_FIELDS)
    output = Output(**plain, status=PublicationStatus.DRAFT, published_at=None)
    return _save(output, user=user, m2m=m2m)


@transaction.atomic
def output_update(*, user, output: Output, data: dict) -> Output:
    """Changes the fields in ``data``; the others, and ``themes`` when not in ``data``, stay
    as they are. Returns the saved output.

    The row is read again under a lock, so the workflow state saved is the one in the
    database, even when ``output`` was loaded before someone published it.
    """
    require_permission(user, "jwp.change_output")
    plain, m2m = split_fields(data, fields=OUTPUT_FIELDS, m2m_fields=OUTPUT_M2M_FIELDS)
    output = Output.objects.select_for_update().get(pk=output.pk)
    link_before = (output.url, output.file.name)
    for name, value in plain.items():
        setattr(output, name, value)
    if (output.url, output.file.name) != link_before:
        output_link_forget(output)
    return _save(output, user=user, m2m=m2m)


def output_link_forget(output: Output) -> None:
    """A new link or file: the last check said nothing about it (a broken link that an editor
    fixed must not stay flagged until the next weekly check). Call before saving."""
    output.link_status = LinkStatus.UNCHECKED
    output.link_error = ""
    output.link_checked_at = None


# --- Link check ------------------------------------------------------------------------------
#
# The result of a check is written with ``QuerySet.update()``, not ``save()``: no history entry
# (it would be authored by whoever happens to be logged in, or by nobody, and read as an edit)
# and no ``updated_at`` bump. The partner change feed (portal/api/changes.py) lists every output
# whose ``updated_at`` or history moved after ``since``, so a saved check would make every
# output look changed to partners each week. The fields are operational: there is nothing for
# ``full_clean()`` to validate, and no transaction is held open while the network is waited on.
# Error messages are stored, so they are plain English whoever runs the check.
