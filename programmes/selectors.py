"""Read queries for programmes and places, shared by the site, the API, the IATI files and the
export jobs.

``programme_list`` is the one way to list programmes: it checks the filters (the vocabulary of
``filters.py``), applies them and orders the result. Each selector owns its select/prefetch so
that the number of SQL queries does not depend on the number of rows.
"""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from publishing.cache import public_aggregate
from publishing.facets import Facet, FacetValue, count_together, facet_counts
from publishing.models import published_condition
from windows.models import Theme

from .filters import START, ProgrammeFilter
from .iati_codes import ActivityStatus, Region
from .models import City, Country, Programme, ProgrammeMoney, ProgrammePartner

# The site's sort menu: its values, as the vocabulary's ``ordering`` understands them.
SORTS = {
    "title": (_("Title (A to Z)"), "title"),
    "-start": (_("Newest first"), "-start"),
    "start": (_("Oldest first"), "start"),
    "-budget": (_("Largest budget"), "-budget"),
    "-spent": (_("Most disbursed and spent"), "-spent"),
    "-updated": (_("Recently updated"), "-updated_at"),
}

PROGRAMME_FACETS = (
    Facet("window", "instrument__window__code", "instrument__window__name", order="value"),
    Facet("instrument", "instrument__slug", "instrument__name"),
    Facet("theme", "themes__slug", "themes__name"),
    Facet("country", "countries__iso2", "countries__name"),
    # A programme in two countries of one region counts once there.
    Facet(
        "region",
        "countries__region",
        labels=dict(Region.choices),
        order="value",
        distinct=True,
    ),
    Facet("status", "activity_status", labels=dict(ActivityStatus.choices), order="value"),
    Facet(
        "organisation",
        "partners__organisation__slug",
        "partners__organisation__name",
        distinct=True,
    ),
    Facet("year", ExtractYear(START), order="-value"),
)


def programme_vocabulary(filters: Mapping | None) -> ProgrammeFilter:
    """The filters, checked: raises ValidationError naming every unknown or bad parameter."""
    return ProgrammeFilter.checked(filters)


def programme_list(*, filters: Mapping | None = None, public: bool = True) -> QuerySet[Programme]:
    """The programmes matching ``filters`` (names and values of ``ProgrammeFilter``), published
    ones only unless ``public`` is False (staff who may preview). Ordered by ``ordering``, else
    by relevance when searching, else by title."""
    vocabulary = programme_vocabulary(filters)
    queryset = vocabulary.apply(_visible(public))
    values = vocabulary.cleaned()
    if not values.get("ordering"):
        if values.get("search") and connection.vendor == "postgresql":
            queryset = queryset.order_by("-rank", "title", "pk")
        else:
            queryset = queryset.order_by("title", "pk")
    return with_list_relations(queryset)


def _visible(public: bool) -> QuerySet[Programme]:
    return Programme.objects.published() if public else Programme.objects.all()


def with_list_relations(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """What a programme in a list shows besides its own fields (window, instrument, countries,
    themes), in a fixed number of queries: the site's list, the API's and the exports."""
    return queryset.select_related("instrument__window").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("name")),
        Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
    )


def with_money(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """What a programme card adds: its budget and spending per currency (one query)."""
    return queryset.prefetch_related(
        Prefetch("money", queryset=ProgrammeMoney.objects.order_by("currency"))
    )


def money_currencies(*, also: str) -> list[str]:
    """The currencies published programmes have money in (kept per change of the published
    portfolio), with ``also`` (the one chosen, or the default): what the list's money form
    offers."""
    kept = public_aggregate(
        "money-currencies",
        lambda: list(
            ProgrammeMoney.objects.filter(programme__in=_visible(True).values("pk"))
            .order_by("currency")
            .values_list("currency", flat=True)
            .distinct()
        ),
    )
    return sorted({*kept, also})


def programme_facets(*, filters: Mapping | None, selected: Mapping) -> dict[str, list[FacetValue]]:
    """Each facet's values with the number of published programmes each would give, counted
    with every other filter applied. A facet no other filter narrows reads the counts kept for
    the published portfolio (computed once per change of it)."""
    return facet_counts(
        facets=PROGRAMME_FACETS,
        vocabulary=programme_vocabulary(filters),
        base=_visible(True),
        selected=selected,
        unfiltered=lambda: public_aggregate(
            "programme-facets", lambda: count_together(PROGRAMME_FACETS, _visible(True))
        ),
    )


def programme_detail(*, slug: str, public: bool = True, prefetch=()) -> Programme:
    """One programme with everything its page shows, in a fixed number of queries; ``prefetch``
    adds what other apps show on it (the site's page adds outputs and lessons)."""
    return (
        _visible(public)
        .select_related("instrument__window", "parent")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("cities", queryset=City.objects.select_related("country").order_by("name")),
            Prefetch(
                "partners",
                queryset=ProgrammePartner.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            "activities",
            "dimensions",
            Prefetch(
                "children",
                queryset=Programme.objects.published().order_by("title"),
                to_attr="published_children",
            ),
            *prefetch,
        )
        .get(slug=slug)
    )


def programmes_of(*, limit: int | None = None, **lookup) -> QuerySet[Programme]:
    """Published programmes of a window, instrument, theme or country, as cards."""
    queryset = with_money(
        with_list_relations(Programme.objects.published().filter(**lookup).order_by("title", "pk"))
    )
    return queryset[:limit] if limit else queryset


def country_list() -> list[Country]:
    """Countries with at least one published programme, with their counts (kept per change of
    the published portfolio)."""
    return public_aggregate("country-list", _country_list)


def _country_list() -> list[Country]:
    published = Programme.objects.filter(published_condition()).values("pk")
    links = Programme.countries.through.objects.filter(programme__in=published)
    counts = dict(links.values_list("country").annotate(n=Count("pk")).order_by())
    cities = dict(
        City.objects.filter(country__in=counts)
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    countries = list(Country.objects.filter(pk__in=counts).order_by("name"))
    for country in countries:
        country.programme_count = counts[country.pk]
        country.city_count = cities.get(country.pk, 0)
    return countries


def country_detail(*, iso2: str) -> Country:
    return Country.objects.prefetch_related(
        Prefetch("cities", queryset=City.objects.order_by("name"))
    ).get(iso2=iso2.upper())
