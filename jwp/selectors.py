"""Read queries for JWPs, outputs and lessons, shared by the site, feeds and the API."""

from django import forms
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme
from windows.models import Theme

from .models import JointWorkProgramme, Lesson, Membership, Output, OutputKind, Phase


def jwp_list() -> QuerySet[JointWorkProgramme]:
    published_outputs = Output.objects.published()
    return (
        JointWorkProgramme.objects.published()
        .annotate(
            output_count=Count("outputs", filter=Q(outputs__in=published_outputs), distinct=True)
        )
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


def jwp_detail(*, slug: str, include_unpublished: bool = False) -> JointWorkProgramme:
    base = (
        JointWorkProgramme.objects.all()
        if include_unpublished
        else (JointWorkProgramme.objects.published())
    )
    outputs = Output.objects.published().order_by("-date", "title")
    return base.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
        Prefetch("phases", queryset=Phase.objects.prefetch_related(Prefetch("outputs", outputs))),
        Prefetch("outputs", queryset=outputs, to_attr="published_outputs"),
        Prefetch(
            "lessons",
            queryset=Lesson.objects.published()
            .filter(programme__in=Programme.objects.published())
            .select_related("programme__instrument")
            .prefetch_related("programme__countries"),
        ),
    ).get(slug=slug)


class OutputFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.MultipleChoiceField(choices=OutputKind.choices, required=False, label=_("Kind"))
    theme = forms.ModelMultipleChoiceField(
        Theme.objects.all(), to_field_name="slug", required=False, label=_("Theme")
    )
    year = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label=_("Year"),
        choices=[(str(year), str(year)) for year in range(1999, 2100)],
    )
    jwp = forms.ModelMultipleChoiceField(
        JointWorkProgramme.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Joint Work Programme"),
    )
    programme = forms.ModelMultipleChoiceField(
        Programme.objects.all(), to_field_name="slug", required=False, label=_("Programme")
    )

    FACETS = ("kind", "theme", "year", "jwp", "programme")


def output_list(*, filters: dict) -> QuerySet[Output]:
    queryset = Output.objects.published().filter(
        Q(jwp__isnull=True) | Q(jwp__in=JointWorkProgramme.objects.published()),
        Q(programme__isnull=True) | Q(programme__in=Programme.objects.published()),
    )
    lookups = {
        "kind": "kind__in",
        "theme": "themes__in",
        "year": "date__year__in",
        "jwp": "jwp__in",
        "programme": "programme__in",
    }
    for name, lookup in lookups.items():
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})
    text = (filters.get("q") or "").strip()
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    return (
        Output.objects.filter(pk__in=queryset.values("pk"))
        .select_related("jwp", "programme", "phase")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "name")))
        .order_by("-date", "title")
    )


def output_facets(*, selected: dict) -> dict[str, list[tuple[str, str, int, bool]]]:
    """Values of each output facet with the number of published outputs (one query each)."""
    published = output_list(filters={})
    facets = {}
    specs = {
        "kind": ("kind", None),
        "theme": ("themes__slug", "themes__name"),
        "year": ("date__year", None),
        "jwp": ("jwp__slug", "jwp__title"),
        "programme": ("programme__slug", "programme__title"),
    }
    kinds = dict(OutputKind.choices)
    for name, (value_path, label_path) in specs.items():
        paths = [value_path] + ([label_path] if label_path else [])
        rows = (
            published.exclude(**{f"{value_path}__isnull": True})
            .values(*paths)
            .annotate(n=Count("pk", distinct=True))
            .order_by(*(["-" + value_path] if name == "year" else [label_path or value_path]))
        )
        chosen = {str(value) for value in selected.get(name, [])}
        facets[name] = [
            (
                str(row[value_path]),
                str(row[label_path])
                if label_path
                else str(kinds.get(row[value_path], row[value_path])),
                row["n"],
                str(row[value_path]) in chosen,
            )
            for row in rows
        ]
    return facets


def output_detail(*, slug: str, include_unpublished: bool = False) -> Output:
    base = Output.objects.all() if include_unpublished else output_list(filters={})
    return (
        base.select_related("jwp", "programme", "phase").prefetch_related("themes").get(slug=slug)
    )


def latest_outputs(limit: int = 6) -> QuerySet[Output]:
    return output_list(filters={})[:limit]
