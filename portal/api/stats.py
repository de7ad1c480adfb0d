"""Programme counts and budget totals by window, instrument, theme, country, status and start
year: one SQL aggregate per breakdown, published programmes only. Budgets are summed per
currency, never across currencies."""

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, ExtractYear
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes.models import Programme

BREAKDOWNS = {
    "window": "instrument__window__code",
    "instrument": "instrument__slug",
    "theme": "themes__slug",
    "country": "countries__iso2",
    "status": "activity_status",
    "start_year": "start_year",
}


def programme_stats() -> dict:
    published = Programme.objects.published().annotate(
        start_year=ExtractYear(Coalesce("actual_start", "planned_start"))
    )
    result = {}
    for name, path in BREAKDOWNS.items():
        rows = (
            published.values(path, "currency")
            .annotate(programmes=Count("pk", distinct=True), budget=Sum("budget"))
            .order_by(path, "currency")
        )
        groups: dict = {}
        for row in rows:
            key = None if row[path] in (None, "") else str(row[path])
            group = groups.setdefault(key, {"key": key, "programmes": 0, "budgets": []})
            group["programmes"] += row["programmes"]
            if row["budget"] is not None:
                group["budgets"].append(
                    {"currency": row["currency"], "total": f"{row['budget']:.2f}"}
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
