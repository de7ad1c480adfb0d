"""Programme counts and budget totals by window, instrument, theme, country, status and start
year, published programmes only: the breakdowns on the programme's own columns in one scan
(GROUPING SETS on PostgreSQL), each many-to-many one over its link table. Budgets are summed
per currency, never across currencies."""

from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from finances.selectors import SPENDING_BREAKDOWNS, spending
from programmes.filters import START
from programmes.models import Programme
from publishing.cache import public_aggregate
from publishing.facets import grouped_by_sets
from publishing.models import published_condition

# breakdown: (a relation of the programme whose link table is counted, or None, the key's path)
BREAKDOWNS = {
    "window": (None, "instrument__window__code"),
    "instrument": (None, "instrument__slug"),
    "theme": ("themes", "theme__slug"),
    "country": ("countries", "country__iso2"),
    "status": (None, "activity_status"),
    "start_year": (None, "start_year"),
}


def _grouped(relation: str | None, path: str):
    """Rows of (key, currency, programmes, budget). A many-to-many breakdown counts the rows of
    its link table, each programme once per value, so no DISTINCT is needed."""
    if relation is None:
        rows = Programme.objects.published().annotate(start_year=ExtractYear(START))
        currency, budget = "currency", "budget"
    else:
        rows = getattr(Programme, relation).through.objects.filter(
            published_condition("programme__")
        )
        currency, budget = "programme__currency", "programme__budget"
    return (
        rows.values(key=F(path), currency_code=F(currency))
        .annotate(programmes=Count("pk"), budget=Sum(budget))
        .order_by("key", "currency_code")
    )


def _grouped_together(breakdowns: dict[str, str]) -> dict[str, list[tuple]]:
    """{breakdown: rows of (key, currency, programmes, budget)} for breakdowns on the
    programme's own columns (or its foreign keys): one query on PostgreSQL."""
    if connection.vendor != "postgresql":
        return {
            name: [
                (row["key"], row["currency_code"], row["programmes"], row["budget"])
                for row in _grouped(None, path)
            ]
            for name, path in breakdowns.items()
        }
    names = list(breakdowns)
    columns = {f"v{n}": F(path) for n, path in enumerate(breakdowns.values())}
    rows = (
        Programme.objects.published()
        .annotate(start_year=ExtractYear(START))
        .order_by()
        .values(**columns, cur=F("currency"), amount=F("budget"))
    )
    sets = [[column, "cur"] for column in columns]
    order, result = grouped_by_sets(rows, sets, aggregates=["COUNT(*)", "SUM(amount)"])
    at = {column: index for index, column in enumerate(order)}
    flags = len(order)
    out = {name: [] for name in names}
    for row in result:
        for n, name in enumerate(names):
            if row[flags + n] == 0:  # this row is a group of breakdown n
                out[name].append((row[at[f"v{n}"]], row[at["cur"]], row[-2], row[-1]))
    for name in names:
        out[name].sort(key=lambda r: (r[0] is None, r[0] if r[0] is not None else 0, r[1] or ""))
    return out


def programme_stats() -> dict:
    """Kept once per version of the published portfolio."""
    return public_aggregate("programme-stats", _programme_stats)


def _spending() -> dict:
    """Commitments, disbursements and expenditure of public programmes and JWPs by year, theme
    and country, per currency (``finances.selectors.spending``, as the site's pages)."""
    result = {}
    for name in SPENDING_BREAKDOWNS:
        groups: dict = {}
        for row in spending(by=name):
            groups.setdefault(row.key, []).append(
                {"currency": row.currency, **_as_text(dict(row.amounts))}
            )
        result[name] = [{"key": key, "amounts": amounts} for key, amounts in groups.items()]
    return result


def _as_text(amount: dict) -> dict:
    """Sums as strings with two decimals, as the budgets are; None stays None (nothing)."""
    return {
        name: value if name == "currency" or value is None else f"{value:.2f}"
        for name, value in amount.items()
    }


def _programme_stats() -> dict:
    together = _grouped_together(
        {name: path for name, (relation, path) in BREAKDOWNS.items() if relation is None}
    )
    result = {}
    for name, (relation, path) in BREAKDOWNS.items():
        if relation is None:
            rows = together[name]
        else:
            rows = [
                (row["key"], row["currency_code"], row["programmes"], row["budget"])
                for row in _grouped(relation, path)
            ]
        groups: dict = {}
        for key, currency, programmes, budget in rows:
            key = None if key in (None, "") else str(key)
            group = groups.setdefault(key, {"key": key, "programmes": 0, "budgets": []})
            group["programmes"] += programmes
            if budget is not None:
                group["budgets"].append({"currency": currency, "total": f"{budget:.2f}"})
        result[name] = list(groups.values())
    result["spending"] = _spending()
    return result


_group = inline_serializer(
    "StatsGroup",
    {
        "key": serializers.CharField(allow_null=True),
        "programmes": serializers.IntegerField(),
        "budgets": inline_serializer(
            "StatsBudget",
            {"currency": serializers.CharField(), "total": serializers.DecimalField(20, 2)},
            many=True,
        ),
    },
    many=True,
)


_amount = inline_serializer(
    "StatsSpendingAmount",
    {
        "currency": serializers.CharField(),
        **{
            name: serializers.DecimalField(20, 2, allow_null=True)
            for name in ("committed", "disbursed", "spent")
        },
    },
    many=True,
)
_spending_group = inline_serializer(
    "StatsSpendingGroup", {"key": serializers.CharField(), "amounts": _amount}, many=True
)


class StatsView(APIView):
    """Counts and budget totals of published programmes by window, instrument, theme,
    country, status and start year, and ``spending``: commitments, disbursements and
    expenditure of public programmes and JWPs by year, theme and country. A programme with
    several themes or countries counts once in each; amounts are totalled per currency, as
    strings with two decimals."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        responses=inline_serializer(
            "Stats",
            {
                **dict.fromkeys(BREAKDOWNS, _group),
                "spending": inline_serializer(
                    "StatsSpending", dict.fromkeys(SPENDING_BREAKDOWNS, _spending_group)
                ),
            },
        ),
    )
    def get(self, request, *args, **kwargs):
        if request.query_params.keys() - {"format"}:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(
                {name: ["Unknown parameter."] for name in request.query_params if name != "format"}
            )
        return Response(programme_stats())
