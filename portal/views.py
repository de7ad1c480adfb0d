from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jwp.views import file_download
from programmes.selectors import published_programmes
from publishing.models import Document
from windows.models import FundingWindow, Instrument, Theme

from . import selectors


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": selectors.headline_figures(),
            "windows": selectors.windows_with_instruments(),
            "themes": selectors.themes(),
            "featured_jwps": selectors.featured_jwps(),
            "latest_outputs": selectors.latest_outputs(),
            "charts": selectors.portfolio_charts(),
        },
    )


def how_we_work(request):
    return render(
        request,
        "portal/how_we_work.html",
        {
            "windows": selectors.windows_with_instruments(),
            "lessons": selectors.funnel_lessons(),
            "sop": Document.objects.published()
            .filter(slug="standard-operating-procedures")
            .first(),
        },
    )


def _programmes_of(**lookup):
    return (
        published_programmes()
        .filter(**lookup)
        .select_related("instrument")
        .prefetch_related("countries")
        .order_by("title")
        .distinct()
    )


def window_detail(request, slug):
    window = get_object_or_404(FundingWindow.objects.prefetch_related("instruments"), slug=slug)
    return render(
        request,
        "portal/window_detail.html",
        {"window": window, "programmes": _programmes_of(instrument__window=window)},
    )


def instrument_detail(request, slug):
    instrument = get_object_or_404(Instrument.objects.select_related("window"), slug=slug)
    from jwp.selectors import jwp_list

    jwps = jwp_list() if instrument.kind == "jwp" else []
    return render(
        request,
        "portal/instrument_detail.html",
        {
            "instrument": instrument,
            "programmes": _programmes_of(instrument=instrument),
            "jwps": jwps,
        },
    )


def theme_detail(request, slug):
    from jwp.selectors import jwp_list, output_list

    theme = get_object_or_404(Theme, slug=slug)
    return render(
        request,
        "portal/theme_detail.html",
        {
            "theme": theme,
            "programmes": _programmes_of(themes=theme),
            "jwps": jwp_list().filter(themes=theme),
            "outputs": output_list(filters={"theme": [theme]})[:12],
        },
    )


def document_download(request, slug):
    try:
        document = Document.objects.published().get(slug=slug)
    except Document.DoesNotExist:
        raise Http404(_("No published document here.")) from None
    return file_download(document.file, document.title)


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
