from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from jwp.models import JointWorkProgramme, Output
from programmes.models import Country, Programme
from publishing.models import published_condition
from windows.models import FundingWindow, Instrument, Theme


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "how-we-work", "programme-list", "jwp-list", "country-list", "output-list"]

    def location(self, item):
        return reverse(item)


class PublicSitemap(Sitemap):
    """Only public items: the same ``.published()`` and ``.public()`` every public path uses.
    Pages of 10,000 addresses; only the fields the addresses need are read."""

    limit = 10_000

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.only("slug", "updated_at").order_by("pk")

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
        published = Programme.objects.filter(published_condition()).values("pk")
        linked = Programme.countries.through.objects.filter(programme__in=published)
        return Country.objects.filter(pk__in=linked.values("country")).order_by("pk")


sitemaps = {
    "pages": StaticSitemap,
    "programmes": PublicSitemap(Programme.objects.published()),
    "jwps": PublicSitemap(JointWorkProgramme.objects.published()),
    "outputs": PublicSitemap(Output.objects.public()),
    "countries": CountrySitemap,
    "windows": ReferenceSitemap(FundingWindow),
    "instruments": ReferenceSitemap(Instrument),
    "themes": ReferenceSitemap(Theme),
}
