"""Programme counts and budget totals by window, instrument, theme, country, status and start
year: one SQL aggregate per breakdown, published programmes only. Budgets are summed per
currency, never across currencies."""

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes.filters import START
from programmes.models import Programme
from publishing.cache import public_aggregate
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


def programme_stats() -> dict:
    """Kept once per version of the published portfolio."""
    return public_aggregate("programme-stats", _programme_stats)


def _programme_stats() -> dict:
    result = {}
    for name, (relation, path) in BREAKDOWNS.items():
        rows = _grouped(relation, path)
        groups: dict = {}
        for row in rows:
            key = None if row["key"] in (None, "") else str(row["key"])
            group = groups.setdefault(key, {"key": key, "programmes": 0, "budgets": []})
            group["programmes"] += row["programmes"]
            if row["budget"] is not None:
                group["budgets"].append(
                    {"currency": row["currency_code"], "total": f"{row['budget']:.2f}"}
                )
        result[name] = list(groups.values())
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


class StatsView(APIView):
    """Counts and budget totals of published programmes by window, instrument, theme,
    country, status and start year. A programme with several themes or countries counts
    once in each; budgets are totalled per currency, as strings with two decimals."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        responses=inline_serializer("Stats", dict.fromkeys(BREAKDOWNS, _group)),
    )
    def get(self, request, *args, **kwargs):
        if request.query_params.keys() - {"format"}:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(
                {name: ["Unknown parameter."] for name in request.query_params if name != "format"}
            )
        return Response(programme_stats())
