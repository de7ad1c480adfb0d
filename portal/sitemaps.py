from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from jwp.models import JointWorkProgramme
from jwp.selectors import output_list
from programmes.models import Programme
from programmes.selectors import country_list
from windows.models import FundingWindow, Instrument, Theme


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "how-we-work", "programme-list", "jwp-list", "country-list", "output-list"]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    """Only published items: the same ``.published()`` every public path uses."""

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset

    def lastmod(self, obj):
        return obj.updated_at


class ReferenceSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")


class CountrySitemap(Sitemap):
    """Countries with at least one published programme."""

    def items(self):
        return country_list()


sitemaps = {
    "pages": StaticSitemap,
    "programmes": PublishedSitemap(Programme.objects.published().order_by("pk")),
    "jwps": PublishedSitemap(JointWorkProgramme.objects.published().order_by("pk")),
    "outputs": PublishedSitemap(output_list(filters={}).order_by("pk")),
    "countries": CountrySitemap,
    "windows": ReferenceSitemap(FundingWindow),
    "instruments": ReferenceSitemap(Instrument),
    "themes": ReferenceSitemap(Theme),
}
