"""Read queries for programmes and places, shared by the site, the CSV export and the API.

Public callers get published programmes only. Each selector owns its select/prefetch so that
the number of SQL queries does not depend on the number of rows.
"""

from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from windows.models import FundingWindow, Instrument, Theme

from .iati_codes import ActivityStatus, Region
from .models import City, Country, Organisation, Programme

SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("title", "summary", "description")

SORTS = {
    "title": (_("Title (A to Z)"), ("title",)),
    "-start": (_("Newest first"), ("-start_year", "title")),
    "start": (_("Oldest first"), ("start_year", "title")),
    "-budget": (_("Largest budget"), ("-budget", "title")),
    "-updated": (_("Recently updated"), ("-updated_at",)),
}


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.published().annotate(
        start_year=ExtractYear(Coalesce("actual_start", "planned_start"))
    )


def programme_search(queryset: QuerySet, text: str) -> QuerySet:
    """Full-text search on PostgreSQL (GIN-indexed, ranked); a plain match elsewhere."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.annotate(search=vector, rank=SearchRank(vector, query)).filter(search=query)
    match = Q()
    for field in SEARCH_FIELDS:
        match |= Q(**{f"{field}__icontains": text})
    return queryset.filter(match)


class ProgrammeFilterForm(forms.Form):
    """The whole state of the programme list, from the query string. Invalid values are form
    errors (shown to the visitor), never exceptions."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    window = forms.ModelMultipleChoiceField(
        FundingWindow.objects.all(), to_field_name="slug", required=False, label=_("Window")
    )
    instrument = forms.ModelMultipleChoiceField(
        Instrument.objects.all(), to_field_name="slug", required=False, label=_("Instrument")
    )
    theme = forms.ModelMultipleChoiceField(
        Theme.objects.all(), to_field_name="slug", required=False, label=_("Theme")
    )
    country = forms.ModelMultipleChoiceField(
        Country.objects.all(), to_field_name="iso2", required=False, label=_("Country")
    )
    region = forms.MultipleChoiceField(choices=Region.choices, required=False, label=_("Region"))
    status = forms.MultipleChoiceField(
        choices=ActivityStatus.choices, required=False, label=_("Status")
    )
    partner = forms.ModelMultipleChoiceField(
        Organisation.objects.all(), to_field_name="slug", required=False, label=_("Partner")
    )
    year = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label=_("Start year"), choices=[]
    )
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        required=False,
        label=_("Sort by"),
    )

    FACETS = ("window", "instrument", "theme", "country", "region", "status", "partner", "year")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(str(year), str(year)) for year in range(1999, 2100)]
        # Upper-case country codes in links are friendlier; accept both.
        if data is not None and "country" in data:
            self.data = data.copy()
            self.data.setlist("country", [code.upper() for code in data.getlist("country")])

    def clean_q(self):
        return self.cleaned_data["q"].strip()


def _apply(queryset: QuerySet, filters: dict, *, skip: str = "") -> QuerySet:
    lookups = {
        "window": "instrument__window__in",
        "instrument": "instrument__in",
        "theme": "themes__in",
        "country": "countries__in",
        "region": "countries__region__in",
        "status": "activity_status__in",
        "partner": "organisations__in",
        "year": "start_year__in",
    }
    for name, lookup in lookups.items():
        values = filters.get(name)
        if name != skip and values:
            queryset = queryset.filter(**{lookup: values})
    return programme_search(queryset, filters.get("q", ""))


def programme_list(*, filters: dict) -> QuerySet[Programme]:
    """Published programmes matching ``filters`` (a ProgrammeFilterForm's cleaned_data)."""
    queryset = _apply(published_programmes(), filters)
    # Filtering across many-to-many relations can repeat rows: keep each programme once.
    queryset = published_programmes().filter(pk__in=queryset.values("pk"))
    if filters.get("q") and connection.vendor == "postgresql" and not filters.get("sort"):
        ranked = programme_search(published_programmes(), filters["q"])
        queryset = ranked.filter(pk__in=queryset.values("pk")).order_by("-rank", "title")
    else:
        queryset = queryset.order_by(*SORTS[filters.get("sort") or "title"][1])
    return with_list_relations(queryset)


def with_list_relations(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """What a programme in a list shows besides its own fields (window, instrument, countries,
    themes), in a fixed number of queries: the site's list, the API's and the exports."""
    return queryset.select_related("instrument__window").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("name")),
        Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


FACET_FIELDS = {
    # facet: (value path, label path) on Programme
    "window": ("instrument__window__slug", "instrument__window__name"),
    "instrument": ("instrument__slug", "instrument__name"),
    "theme": ("themes__slug", "themes__name"),
    "country": ("countries__iso2", "countries__name"),
    "region": ("countries__region", None),
    "status": ("activity_status", None),
    "partner": ("organisations__slug", "organisations__name"),
    "year": ("start_year", None),
}
FACET_LABELS = {"region": dict(Region.choices), "status": dict(ActivityStatus.choices)}


def programme_facets(*, filters: dict, selected: dict) -> dict[str, list[FacetValue]]:
    """For each facet, its values with the number of programmes each would give, counted with
    every other filter applied (one query per facet)."""
    facets = {}
    for name, (value_path, label_path) in FACET_FIELDS.items():
        queryset = _apply(published_programmes(), filters, skip=name)
        paths = [value_path] + ([label_path] if label_path else [])
        rows = (
            queryset.exclude(**{f"{value_path}__isnull": True})
            .values(*paths)
            .annotate(n=Count("pk", distinct=True))
            .order_by(*(["-" + value_path] if name == "year" else [label_path or value_path]))
        )
        chosen = {str(value) for value in selected.get(name, [])}
        facets[name] = [
            FacetValue(
                value=str(row[value_path]),
                label=str(
                    row[label_path]
                    if label_path
                    else FACET_LABELS.get(name, {}).get(row[value_path], row[value_path])
                ),
                count=row["n"],
                selected=str(row[value_path]) in chosen,
            )
            for row in rows
            if row[value_path] not in ("", None)
        ]
    return facets


def programme_detail(*, slug: str, include_unpublished: bool = False) -> Programme:
    """One programme with everything its page shows, in a fixed number of queries."""
    from jwp.models import JointWorkProgramme, Lesson, Output

    base = Programme.objects.all() if include_unpublished else Programme.objects.published()
    return (
        base.select_related("instrument__window", "parent")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("cities", queryset=City.objects.select_related("country").order_by("name")),
            Prefetch("partners", queryset=_partners()),
            "activities",
            "dimensions",
            Prefetch("outputs", queryset=Output.objects.published().order_by("-date", "title")),
            Prefetch(
                "lessons",
                queryset=Lesson.objects.published()
                .filter(jwp__in=JointWorkProgramme.objects.published())
                .select_related("jwp")
                .order_by("title"),
            ),
            Prefetch("children", queryset=Programme.objects.published().order_by("title")),
        )
        .get(slug=slug)
    )


def _partners():
    from .models import ProgrammePartner

    return ProgrammePartner.objects.select_related("organisation").order_by(
        "role", "organisation__name"
    )


def country_list() -> QuerySet[Country]:
    """Countries with at least one published programme, with their counts."""
    published = Programme.objects.published()
    return (
        Country.objects.annotate(
            programme_count=Count("programmes", filter=Q(programmes__in=published), distinct=True),
            city_count=Count("cities", distinct=True),
        )
        .filter(programme_count__gt=0)
        .order_by("name")
    )


def country_detail(*, iso2: str) -> Country:
    return Country.objects.prefetch_related(
        Prefetch(
            "programmes",
            queryset=Programme.objects.published().select_related("instrument").order_by("title"),
        ),
        Prefetch("cities", queryset=City.objects.order_by("name")),
    ).get(iso2=iso2.upper())
