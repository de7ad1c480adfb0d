"""Public pages of programmes and countries. Views stay thin: selectors do the reading."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .models import Country, Programme

PAGE_SIZE = 20


def can_preview(request, model) -> bool:
    """Staff who may view the model in the admin also see its drafts on the site."""
    user = request.user
    return (
        user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    )


def _filters(request) -> tuple[selectors.ProgrammeFilterForm, dict]:
    form = selectors.ProgrammeFilterForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data
    messages.warning(
        request,
        _("Some filters could not be used and were ignored: %(fields)s.")
        % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
    )
    valid = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    return form, valid


def programme_list(request):
    form, filters = _filters(request)
    queryset = selectors.programme_list(filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    selected = {name: request.GET.getlist(name) for name in form.FACETS}
    selected["country"] = [code.upper() for code in selected["country"]]
    context = {
        "form": form,
        "page": page,
        "facets": selectors.programme_facets(filters=filters, selected=selected),
        "facet_labels": {name: form.fields[name].label for name in form.FACETS},
        "sorts": [(key, label) for key, (label, _) in selectors.SORTS.items()],
        "query": filters.get("q", ""),
        "is_filtered": any(filters.get(name) for name in (*form.FACETS, "q")),
    }
    return render(request, "programmes/programme_list.html", context)


CSV_COLUMNS = [
    "title",
    "url",
    "iati_identifier",
    "window",
    "instrument",
    "activity_status",
    "start",
    "end",
    "budget",
    "currency",
    "themes",
    "countries",
    "cities",
    "summary",
]


class _Echo:
    def write(self, value):
        return value


def programme_export_csv(request):
    """Exactly the rows of the filtered list (all pages), streamed. A bad filter is a 400
    that names it: a download must never silently contain other rows than asked for."""
    form = selectors.ProgrammeFilterForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(
            _("Invalid filter parameters. %(problems)s") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    filters = form.cleaned_data
    queryset = selectors.programme_list(filters=filters).prefetch_related("cities")
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for programme in queryset.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    programme.title,
                    request.build_absolute_uri(programme.get_absolute_url()),
                    programme.iati_identifier,
                    programme.instrument.window.name,
                    programme.instrument.name,
                    programme.get_activity_status_display(),
                    programme.start_date or "",
                    programme.end_date or "",
                    programme.budget if programme.budget is not None else "",
                    programme.currency,
                    "; ".join(theme.name for theme in programme.themes.all()),
                    "; ".join(country.name for country in programme.countries.all()),
                    "; ".join(city.name for city in programme.cities.all()),
                    programme.summary,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cities-alliance-programmes.csv"'
    return response


def programme_detail(request, slug):
    preview = can_preview(request, Programme)
    try:
        programme = selectors.programme_detail(slug=slug, include_unpublished=preview)
    except Programme.DoesNotExist:
        raise Http404(_("No published programme here.")) from None
    partners_by_role = {}
    for partner in programme.partners.all():
        partners_by_role.setdefault(partner.get_role_display(), []).append(partner.organisation)
    activities_by_level = {}
    for activity in programme.activities.all():
        activities_by_level.setdefault(activity.get_level_display(), []).append(activity)
    parent = programme.parent
    if parent is not None and not parent.is_published:
        parent = None
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "parent": parent,
            "partners_by_role": partners_by_role,
            "activities_by_level": activities_by_level,
            "preview": not programme.is_published,
            "structured_data": _structured_data(request, programme, partners_by_role),
        },
    )


def _structured_data(request, programme, partners_by_role) -> dict:
    """schema.org description of the programme for search engines (rendered as JSON-LD)."""
    from .iati_codes import OrganisationRole

    funders = partners_by_role.get(OrganisationRole.FUNDING.label, [])
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": programme.title,
        "description": programme.summary,
        "url": request.build_absolute_uri(programme.get_absolute_url()),
        "identifier": programme.iati_identifier,
        "areaServed": [
            {"@type": "Country", "name": country.name} for country in programme.countries.all()
        ],
        "funder": [{"@type": "Organization", "name": org.name} for org in funders],
        "parentOrganization": {"@type": "Organization", "name": "Cities Alliance"},
    }
    if programme.start_date:
        data["foundingDate"] = programme.start_date.isoformat()
    if programme.end_date:
        data["dissolutionDate"] = programme.end_date.isoformat()
    return data


def country_list(request):
    return render(request, "programmes/country_list.html", {"countries": selectors.country_list()})


def country_detail(request, iso2):
    try:
        country = selectors.country_detail(iso2=iso2)
    except Country.DoesNotExist:
        raise Http404(_("No such country.")) from None
    programmes = country.programmes.all()
    if not programmes and not country.cities.all():
        raise Http404(_("No published programme in this country."))
    return render(
        request, "programmes/country_detail.html", {"country": country, "programmes": programmes}
    )
