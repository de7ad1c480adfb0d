"""The site's pages that bring several apps together: the home and how-we-work pages, the pages
of windows, instruments and themes, and the programme page (which shows outputs and lessons)."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from classifications import selectors as classification_selectors
from finances import selectors as money_selectors
from jwp import selectors as jwp_selectors
from programmes import selectors as programme_selectors
from programmes.iati_codes import OrganisationRole
from programmes.models import Country, Programme, ProgrammeCountry
from publishing.files import file_response
from publishing.models import Document
from publishing.preview import may_preview
from windows.models import FundingWindow, Instrument, Theme

from . import selectors

CARDS = 12  # programmes shown on a window, instrument, theme or country page, before "see all"


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": selectors.headline_figures(),
            "windows": selectors.windows_with_instruments(),
            "themes": selectors.themes(),
            "featured_jwps": selectors.featured_jwps(),
            "latest_outputs": jwp_selectors.latest_outputs(),
            "charts": selectors.portfolio_charts(),
            "spending": selectors.portfolio_spending(),
            "spending_intro": _(
                "What the published programmes and Joint Work Programmes committed, disbursed "
                "and spent, as their transactions record it."
            ),
            "spending_empty": _(
                "No commitment, disbursement or expenditure is recorded for the published "
                "programmes and Joint Work Programmes yet."
            ),
        },
    )


def how_we_work(request):
    return render(
        request,
        "portal/how_we_work.html",
        {
            "windows": selectors.windows_with_instruments(),
            "lessons": jwp_selectors.funnel_lessons(),
            "sop": Document.objects.published()
            .filter(slug="standard-operating-procedures")
            .first(),
        },
    )


def _cards(*, parameter: str, value: str, **lookup) -> dict:
    """The first programmes of a window, instrument or theme, their number and the link to all
    of them in the filtered programme list."""
    programmes = programme_selectors.programmes_of(**lookup)
    return {
        "programmes": programmes[:CARDS],
        "total": programmes.count(),
        "list_url": reverse("programme-list") + "?" + urlencode({parameter: value}),
    }


def window_detail(request, slug):
    window = get_object_or_404(FundingWindow.objects.prefetch_related("instruments"), slug=slug)
    return render(
        request,
        "portal/window_detail.html",
        {
            "window": window,
            **_cards(parameter="window", value=window.code, instrument__window=window),
        },
    )


def instrument_detail(request, slug):
    instrument = get_object_or_404(Instrument.objects.select_related("window"), slug=slug)
    jwps = jwp_selectors.jwp_list() if instrument.kind == "jwp" else []
    return render(
        request,
        "portal/instrument_detail.html",
        {
            "instrument": instrument,
            "jwps": jwps,
            **_cards(parameter="instrument", value=instrument.slug, instrument=instrument),
        },
    )


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    return render(
        request,
        "portal/theme_detail.html",
        {
            "theme": theme,
            "jwps": jwp_selectors.jwp_list().filter(themes=theme),
            "outputs": jwp_selectors.output_list(filters={"theme": theme.slug})[:12],
            **_cards(parameter="theme", value=theme.slug, themes=theme),
            "spending": selectors.theme_spending(theme),
            "spending_intro": _(
                "What the published programmes and Joint Work Programmes of this theme "
                "committed, disbursed and spent, as their transactions record it."
            ),
            "spending_empty": _(
                "No commitment, disbursement or expenditure is recorded for the published "
                "programmes and Joint Work Programmes of this theme yet."
            ),
        },
    )


def country_detail(request, iso2):
    """A country's programmes and cities, and their money. Here rather than in programmes/
    (whose country list stays there) because it shows money, which that app cannot read."""
    try:
        country = programme_selectors.country_detail(iso2=iso2)
    except Country.DoesNotExist:
        raise Http404(_("No such country.")) from None
    programmes = programme_selectors.programmes_of(countries=country)
    total = programmes.count()
    if not total and not country.cities.all():
        raise Http404(_("No published programme in this country."))
    return render(
        request,
        "programmes/country_detail.html",
        {
            "country": country,
            "programmes": programmes[:CARDS],
            "total": total,
            "spending": selectors.country_spending(country),
            "spending_intro": _(
                "What the published programmes in %(country)s committed, disbursed and "
                "spent, as their transactions record it (a programme in several countries "
                "counts in full in each)."
            )
            % {"country": country.name},
            "spending_empty": _(
                "No commitment, disbursement or expenditure is recorded for the published "
                "programmes in %(country)s yet."
            )
            % {"country": country.name},
        },
    )


def programme_detail(request, slug):
    try:
        programme = programme_selectors.programme_detail(
            slug=slug,
            public=not may_preview(request.user, Programme),
            prefetch=(
                jwp_selectors.programme_outputs(),
                jwp_selectors.programme_lessons(),
                *money_selectors.money_prefetches(),
                *classification_selectors.classification_prefetches(),
                Prefetch(
                    "recipient_countries",
                    queryset=ProgrammeCountry.objects.select_related("country"),
                ),
            ),
        )
    except Programme.DoesNotExist:
        raise Http404(_("No published programme here.")) from None
    partners_by_role = {}
    for partner in programme.partners.all():
        partners_by_role.setdefault(partner.get_role_display(), []).append(partner.organisation)
    activities_by_level = {}
    for activity in programme.activities.all():
        activities_by_level.setdefault(activity.get_level_display(), []).append(activity)
    money = money_selectors.activity_money(programme)
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
            "outputs": programme.public_outputs,
            "lessons": programme.public_lessons,
            "money": money,
            "money_charts": selectors.money_charts(money),
            "transactions_csv": reverse("v1:transaction-list")
            + "?"
            + urlencode({"programme": programme.slug, "format": "csv"}),
            "sectors": classification_selectors.reported_sectors(programme),
            "preview": not programme.is_published,
            "structured_data": _structured_data(request, programme, partners_by_role),
        },
    )


def _structured_data(request, programme, partners_by_role) -> dict:
    """schema.org description of the programme for search engines (rendered as JSON-LD)."""
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


@require_safe
def document_download(request, slug):
    """The document's file, when it is published (or to staff who may preview it)."""
    public = not may_preview(request.user, Document)
    documents = Document.objects.published() if public else Document.objects.all()
    try:
        document = documents.get(slug=slug)
    except Document.DoesNotExist:
        raise Http404(_("No published document here.")) from None
    return file_response(document.file, title=document.title, public=public)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /programmes/export.csv",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
