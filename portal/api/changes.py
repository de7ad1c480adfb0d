"""What changed in the public portfolio since a moment: ``GET /api/v1/changes/?since=<ISO 8601>``.

One entry per (kind, slug) whose public state may differ from what a partner saw at ``since``:

- ``changed``: the item is public now and was edited, published (or its scheduled publication
  time came), or its owning JWP or programme changed, after ``since``. Fetch ``url`` again.
- ``removed`` (a tombstone, ``url`` null): the slug was public at some moment after ``since``
  and is not any more: the item was deleted, unpublished, renamed (the old slug), or, for
  outputs and lessons, its owner was withdrawn. A slug that was never public produces nothing,
  so drafts and items in review never leak.

Budgets, planned disbursements and transactions are kinds of their own, public with their
programme or JWP and named by their ``id`` (as the lists ``/api/v1/budgets/``,
``/api/v1/planned-disbursements/`` and ``/api/v1/transactions/`` show it): a row added or
changed is ``changed``, a row deleted, or whose activity was withdrawn, ``removed``.

Applying the entries to a copy of the public lists (fetch the changed, drop the removed) gives
the public lists of now. Every caller sees the same feed, about the public portfolio only.

SQL: two queries per kind, whatever the number of changes. One reads the live rows touched
after ``since`` (their own or their owner's ``updated_at`` or publication time, or a history
entry) with their visibility computed exactly as the public lists do. The other reads the
simple-history rows of those items (and of deleted ones) that were in effect at or after
``since`` and showed the item as public; the end of each row's period is the date of the next
history row, found by a correlated subquery. On PostgreSQL all of them read one
REPEATABLE READ snapshot, so a change made meanwhile cannot show half.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Coalesce, Greatest, Now
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from finances.models import Budget, PlannedDisbursement, Transaction
from jwp.models import JointWorkProgramme, Lesson, Output
from programmes.models import Country, Organisation, Programme
from publishing.api.pagination import MAX_PAGE_SIZE, PortfolioPagination
from publishing.filters import in_utc
from publishing.models import Document, PublicationStatus, Publishable, public_condition
from windows.models import FundingWindow, Instrument, Theme

ALLOWED_PARAMETERS = {"since", "page", "page_size", "format"}
CHANGED, REMOVED = "changed", "removed"


@dataclass(frozen=True)
class Kind:
    """One kind of item of the API: ``name`` is its router basename; ``slug_field`` the field
    that names an item in the feed, ``lookup`` the name of that value in its detail URL."""

    name: str
    model: type
    slug_field: str = "slug"
    lookup: str = "slug"

    @property
    def publishable(self) -> bool:
        return issubclass(self.model, Publishable)

    @property
    def owners(self) -> tuple[str, ...]:
        """Foreign keys to publishable owners that must be public too (``public_owners``)."""
        return getattr(self.model, "public_owners", ())

    @property
    def history(self):
        return self.model.history.model

    def owner_kind(self, owner: str) -> "Kind":
        return Kind(owner, self.model._meta.get_field(owner).related_model)


KINDS = (
    # Money rows are public with their programme or JWP, and named by their id.
    Kind("budget", Budget, slug_field="id", lookup="pk"),
    Kind("country", Country, slug_field="iso2", lookup="iso2"),
    Kind("document", Document),
    Kind("instrument", Instrument),
    Kind("jwp", JointWorkProgramme),
    Kind("lesson", Lesson),
    Kind("organisation", Organisation),
    Kind("output", Output),
    Kind("planned-disbursement", PlannedDisbursement, slug_field="id", lookup="pk"),
    Kind("programme", Programme),
    Kind("theme", Theme),
    Kind("transaction", Transaction, slug_field="id", lookup="pk"),
    Kind("window", FundingWindow),
)
LOOKUPS = {kind.name: kind.lookup for kind in KINDS}


def _visible(kind: Kind):
    """True where the public lists show the row: ``public_condition``, as ``.public()``."""
    if not kind.publishable and not kind.owners:
        return Value(True)
    return ExpressionWrapper(public_condition(kind.model), output_field=BooleanField())


def _touched(kind: Kind, since: datetime.datetime) -> Q:
    """Live rows whose public state may have changed after ``since``."""
    history = kind.history.objects.filter(history_date__gt=since).values("id")
    condition = Q(updated_at__gt=since) | Q(pk__in=history)
    if kind.publishable:  # a scheduled publication whose time came
        condition |= Q(published_at__gt=since, published_at__lte=Now())
    for owner in kind.owners:
        condition |= Q(**{f"{owner}__updated_at__gt": since}) | Q(
            **{f"{owner}__published_at__gt": since, f"{owner}__published_at__lte": Now()}
        )
    return condition


def _greatest(*names: str):
    """The latest of ``updated_at`` and the other (nullable) times; a null one is ignored
    (SQLite's GREATEST would return null)."""
    if not names:
        return F("updated_at")
    return Greatest("updated_at", *(Coalesce(name, "updated_at") for name in names))


def _next_history_date(history_model):
    """The date of the history row that follows the outer one (the end of its period)."""
    later = Q(history_date__gt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")
    )
    return Subquery(
        history_model.objects.filter(later, id=OuterRef("id"))
        .order_by("history_date", "history_id")
        .values("history_date")[:1]
    )


def _public_history(kind: Kind, since: datetime.datetime):
    """History rows in effect at some moment after ``since`` while showing the item as public
    (for outputs and lessons: with owners that were also public after ``since``)."""
    rows = (
        kind.history.objects.annotate(until=_next_history_date(kind.history))
        .filter(Q(until__isnull=True) | Q(until__gt=since))
        .exclude(history_type="-")
    )
    if kind.publishable:
        rows = rows.filter(
            status=PublicationStatus.PUBLISHED, published_at__lte=Coalesce("until", Now())
        )
    for owner in kind.owners:
        owner_rows = _public_history(kind.owner_kind(owner), since).filter(id=OuterRef(owner))
        rows = rows.filter(Q(**{f"{owner}__isnull": True}) | Exists(owner_rows))
    return rows


def kind_changes(kind: Kind, since: datetime.datetime) -> list[tuple]:
    """``(at, kind, slug, action)`` for one kind, in two queries."""
    touched = _touched(kind, since)
    owner_fields = [f"{owner}__updated_at" for owner in kind.owners]
    published_fields = ["published_at"] if kind.publishable else []
    published_fields += [f"{owner}__published_at" for owner in kind.owners]
    live = (
        kind.model.objects.filter(touched)
        .annotate(
            visible_now=_visible(kind),
            shown_at=_greatest(*owner_fields, *published_fields),
            hidden_at=_greatest(*owner_fields),
        )
        .values_list("pk", kind.slug_field, "visible_now", "shown_at", "hidden_at")
    )
    shown, hidden = {}, {}
    for pk, slug, visible, shown_at, hidden_at in live:
        slug = str(slug)
        if visible:
            shown[slug] = shown_at
        else:
            hidden[pk, slug] = hidden_at

    deleted_or_touched = Q(
        id__in=kind.history.objects.filter(history_date__gt=since).values("id")
    ) | Q(id__in=kind.model.objects.filter(touched).values("pk"))
    public_rows = (
        _public_history(kind, since)
        .filter(deleted_or_touched)
        .values_list("id", kind.slug_field, "until")
    )
    removed: dict = {}
    for pk, slug, until in public_rows:
        slug = str(slug)
        if slug in shown:
            continue
        # A row still in effect that is public on its own: the owner hides the item now.
        at = until or hidden.get((pk, slug))
        if at is None:  # only if the rows changed between the queries, outside a snapshot
            continue
        removed[slug] = max(at, removed.get(slug, at))

    return [(at, kind.name, slug, CHANGED) for slug, at in shown.items()] + [
        (at, kind.name, slug, REMOVED) for slug, at in removed.items()
    ]


def changes_since(since: datetime.datetime) -> list[tuple]:
    """Every change of every kind, ordered by time, then kind, then slug. All the queries read
    one snapshot of the database, so an edit made meanwhile cannot show half."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        entries = [entry for kind in KINDS for entry in kind_changes(kind, since)]
    return sorted(entries, key=lambda entry: entry[:3])


def parse_since(raw: str | None) -> datetime.datetime:
    if raw is None or not raw.strip():
        raise ValueError("Required: an ISO 8601 timestamp, such as 2025-01-31T12:00:00Z.")
    try:
        since = parse_datetime(raw.strip())
    except ValueError:
        since = None
    if since is None:
        hint = " Write the + of a time zone offset as %2B, or use Z." if " " in raw else ""
        raise ValueError(
            f"Not an ISO 8601 timestamp, such as 2025-01-31T12:00:00Z.{hint}"
        ) from None
    if timezone.is_naive(since):
        since = timezone.make_aware(since, datetime.UTC)
    # Any offset Python accepts (up to ±23:59); PostgreSQL takes only ±15:59, so send UTC.
    return in_utc(since)


_KIND_NAMES = ", ".join(kind.name for kind in KINDS)

_changes = inline_serializer(
    "Change",
    {
        "kind": serializers.ChoiceField(choices=[kind.name for kind in KINDS]),
        "slug": serializers.CharField(
            help_text="The item's identifier in its API URL (the ISO alpha-2 code of a country)."
        ),
        "action": serializers.ChoiceField(
            choices=[CHANGED, REMOVED],
            help_text="changed: fetch url again. removed: the item is no longer public.",
        ),
        "url": serializers.URLField(
            allow_null=True, help_text="The item's API detail URL; null when removed."
        ),
        "at": serializers.DateTimeField(help_text="When the change happened."),
    },
    many=True,
)


class ChangesView(APIView):
    """What changed in the public portfolio after ``since``, so a partner can keep an exact
    copy: fetch every ``changed`` entry's ``url``, drop every ``removed`` slug. One entry per
    item (the latest state wins), ordered by ``at``, then ``kind``, then ``slug``. Reference
    data (windows, instruments, themes, countries, organisations) is always public and only
    ever changes or is deleted. Budgets, planned disbursements and transactions are public
    with their programme or JWP; their ``slug`` is their ``id``. Drafts and items in review
    that were never public never appear.
    Take the next ``since`` from the time the previous sync started, less a margin: entries are
    safe to apply twice. Pages are computed on each request, so walk them promptly (or use
    ``page_size`` up to 500): an item that changes again during a walk moves to the end."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                OpenApiParameter.QUERY,
                required=True,
                description="ISO 8601 timestamp; changes strictly after it. Without a time "
                "zone, UTC.",
            ),
            OpenApiParameter(
                "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number."
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=f"Entries per page, 1 to {MAX_PAGE_SIZE}.",
            ),
        ],
        responses={
            200: inline_serializer(
                "PaginatedChangeList",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": _changes,
                },
            ),
            400: OpenApiResponse(
                description="since missing or malformed, or an unknown parameter: "
                '{"detail": ..., "errors": {parameter: [message, ...]}}.'
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        errors = {
            name: [f"Unknown parameter. Allowed here: {', '.join(sorted(ALLOWED_PARAMETERS))}."]
            for name in sorted(set(request.query_params) - ALLOWED_PARAMETERS)
        }
        try:
            since = parse_since(request.query_params.get("since"))
        except ValueError as error:
            errors["since"] = [str(error)]
        if errors:
            raise exceptions.ValidationError(errors)

        paginator = PortfolioPagination()
        page = paginator.paginate_queryset(changes_since(since), request, view=self)
        results = [
            {
                "kind": kind,
                "slug": slug,
                "action": action,
                "url": self._url(request, kind, slug) if action == CHANGED else None,
                "at": serializers.DateTimeField().to_representation(at),
            }
            for at, kind, slug, action in page
        ]
        return paginator.get_paginated_response(results)

    @staticmethod
    def _url(request, kind: str, slug: str) -> str:
        return reverse(f"{kind}-detail", kwargs={LOOKUPS[kind]: slug}, request=request)
