"""Read queries for JWPs, outputs and lessons, shared by the site, the feeds, the API and the
IATI file. What is public comes from ``.published()`` and ``.public()``, nowhere else."""

from collections.abc import Mapping

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from publishing.cache import public_aggregate
from publishing.facets import Facet, FacetValue, count_together, facet_counts
from publishing.models import published_condition
from windows.models import Theme

from .filters import OutputFilter
from .models import JointWorkProgramme, Lesson, Membership, Output, OutputKind, Phase

OUTPUT_FACETS = (
    Facet("kind", "kind", labels=dict(OutputKind.choices)),
    Facet("theme", "themes__slug", "themes__name"),
    Facet("year", ExtractYear("date"), order="-value"),
    Facet("jwp", "jwp__slug", "jwp__title"),
    Facet("programme", "programme__slug", "programme__title"),
)


def jwp_list() -> QuerySet[JointWorkProgramme]:
    return (
        JointWorkProgramme.objects.published()
        .annotate(output_count=Count("outputs", filter=_public_output_of_jwp(), distinct=True))
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_lead=True).select_related("organisation"),
                to_attr="leads",
            ),
            "phases",
        )
        .order_by("-activity_status", "title")
    )


def _public_output_of_jwp() -> Q:
    """An output of the (published) JWP being counted that is public itself."""
    return published_condition("outputs__") & (
        Q(outputs__programme__isnull=True) | published_condition("outputs__programme__")
    )


def jwp_detail(*, slug: str, public: bool = True) -> JointWorkProgramme:
    base = JointWorkProgramme.objects.published() if public else JointWorkProgramme.objects
    outputs = Output.objects.public().order_by("-date", "title")
    return base.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
        Prefetch("phases", queryset=Phase.objects.prefetch_related(Prefetch("outputs", outputs))),
        Prefetch("outputs", queryset=outputs, to_attr="published_outputs"),
        Prefetch(
            "lessons",
            queryset=Lesson.objects.public()
            .select_related("programme__instrument")
            .prefetch_related("programme__countries"),
        ),
    ).get(slug=slug)


def output_vocabulary(filters: Mapping | None) -> OutputFilter:
    return OutputFilter.checked(filters)


def output_list(*, filters: Mapping | None = None, public: bool = True) -> QuerySet[Output]:
    """Outputs matching ``filters`` (``OutputFilter``), public ones only unless ``public`` is
    False; newest first unless ``ordering`` says otherwise."""
    vocabulary = output_vocabulary(filters)
    queryset = vocabulary.apply(Output.objects.public() if public else Output.objects.all())
    if not vocabulary.cleaned().get("ordering"):
        queryset = queryset.order_by("-date", "title", "pk")
    return with_output_relations(queryset)


def with_output_relations(queryset: QuerySet[Output]) -> QuerySet[Output]:
    return queryset.select_related("jwp", "programme", "phase").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("order", "name"))
    )


def output_facets(*, filters: Mapping | None, selected: Mapping) -> dict[str, list[FacetValue]]:
    """The knowledge library's facets, counted as the programme list's are."""
    return facet_counts(
        facets=OUTPUT_FACETS,
        vocabulary=output_vocabulary(filters),
        base=Output.objects.public(),
        selected=selected,
        unfiltered=lambda: public_aggregate(
            "output-facets", lambda: count_together(OUTPUT_FACETS, Output.objects.public())
        ),
    )


def output_detail(*, slug: str, public: bool = True) -> Output:
    base = Output.objects.public() if public else Output.objects.all()
    return (
        base.select_related("jwp", "programme", "phase").prefetch_related("themes").get(slug=slug)
    )


def latest_outputs(limit: int = 6) -> QuerySet[Output]:
    return with_output_relations(Output.objects.public().order_by("-date", "title", "pk"))[:limit]


def programme_outputs() -> Prefetch:
    """The public outputs a programme's page lists (for ``programme_detail(prefetch=...)``)."""
    return Prefetch(
        "outputs",
        queryset=with_output_relations(Output.objects.public().order_by("-date", "title")),
        to_attr="public_outputs",
    )


def programme_lessons() -> Prefetch:
    return Prefetch(
        "lessons",
        queryset=Lesson.objects.public().select_related("jwp").order_by("title"),
        to_attr="public_lessons",
    )


def funnel_lessons() -> QuerySet[Lesson]:
    return (
        Lesson.objects.public().select_related("programme", "jwp").order_by("jwp__title", "title")
    )
