"""Public pages of programmes and countries (a country's own page is portal's: it shows
money). Views stay thin: selectors do the reading."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.csv import csv_lines
from publishing.paging import ListPaginator

from . import rows, selectors
from .filters import ProgrammeFilter, money_currency

PAGE_SIZE = 20

# The site's own words for three parameters of the vocabulary.
SITE_NAMES = {"q": "search", "sort": "ordering", "partner": "organisation"}
LABELS = {
    "search": gettext_lazy("Search"),
    "window": gettext_lazy("Window"),
    "instrument": gettext_lazy("Instrument"),
    "theme": gettext_lazy("Theme"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "status": gettext_lazy("Status"),
    "organisation": gettext_lazy("Partner"),
    "year": gettext_lazy("Start year"),
    "ordering": gettext_lazy("Sort by"),
    "currency": gettext_lazy("Currency"),
    "budget_min": gettext_lazy("Budget from"),
    "budget_max": gettext_lazy("Budget up to"),
    "spent_min": gettext_lazy("Disbursed and spent from"),
    "spent_max": gettext_lazy("Disbursed and spent up to"),
}
# The money form of the list: the currency, then the ranges in it.
MONEY_PARAMETERS = ("currency", "budget_min", "budget_max", "spent_min", "spent_max")


def site_filters(query: QueryDict) -> QueryDict:
    """The vocabulary's parameters in the site's query string (``q``, ``sort`` and ``partner``
    are the site's names for ``search``, ``ordering`` and ``organisation``). Parameters that are
    not filters (``page``, a campaign tag) are left out."""
    data = QueryDict(mutable=True)
    for name, values in query.lists():
        target = SITE_NAMES.get(name, name)
        if target not in ProgrammeFilter.base_filters:
            continue
        if name == "sort":
            values = [
                selectors.SORTS[value][1] if value in selectors.SORTS else value for value in values
            ]
        data.setlist(target, [*data.getlist(target), *values])
    return data


def _usable_filters(request) -> QueryDict:
    """The filters of the query string; the bad ones are named in a message and left out."""
    data = site_filters(request.GET)
    try:
        selectors.programme_vocabulary(data)
    except ValidationError as error:
        bad = list(error.message_dict)
        messages.warning(
            request,
            _("Some filters could not be used and were ignored: %(fields)s.")
            % {"fields": ", ".join(str(LABELS.get(name, name)) for name in bad)},
        )
        for name in bad:
            data.pop(name, None)
    return data


def _selected(data: QueryDict) -> dict[str, list[str]]:
    return {
        name: [item.strip() for value in data.getlist(name) for item in value.split(",")]
        for name in data
    } | {"country": [code.upper() for code in ",".join(data.getlist("country")).split(",")]}


def programme_list(request):
    data = _usable_filters(request)
    queryset = selectors.with_money(selectors.programme_list(filters=data))
    page = ListPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = selectors.programme_facets(filters=data, selected=_selected(data))
    context = {
        "page": page,
        "facets": facets,
        "facet_labels": LABELS,
        "sorts": [(key, label) for key, (label, _ordering) in selectors.SORTS.items()],
        "query": data.get("search", ""),
        "is_filtered": any(name not in ProgrammeFilter.not_narrowing for name in data),
        "money": {
            "parameters": MONEY_PARAMETERS,
            "currency": money_currency(data),
            "currencies": selectors.money_currencies(also=money_currency(data)),
            **{name: data.get(name, "") for name in MONEY_PARAMETERS[1:]},
        },
    }
    return render(request, "programmes/programme_list.html", context)


def programme_export_csv(request):
    """Exactly the rows of the filtered list (all pages), streamed. A bad filter is a 400
    that names it: a download must never silently contain other rows than asked for."""
    data = site_filters(request.GET)
    try:
        queryset = selectors.programme_list(filters=data)
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()
        )
        return HttpResponseBadRequest(
            _("Invalid filter parameters. %(problems)s") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        csv_lines(rows.COLUMN_NAMES, rows.programme_rows(queryset, base_url=base_url)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="cities-alliance-programmes.csv"'
    return response


def country_list(request):
    return render(request, "programmes/country_list.html", {"countries": selectors.country_list()})
