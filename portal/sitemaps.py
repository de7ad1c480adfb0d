import functools

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
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
    Pages of 2,500 addresses (rendering costs more than reading), read as (slug, updated_at)
    rows; each address is the item's page with its slug put in (reversed once)."""

    limit = 2_500

    def __init__(self, queryset, url_name: str):
        self.queryset, self.url_name = queryset, url_name

    def items(self):
        return self.queryset.order_by("pk").values_list("slug", "updated_at")

    def location(self, item):
        return self._path().replace("__slug__", item[0])

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        """For the index: one aggregate, not every item read."""
        return self.queryset.aggregate(latest=Max("updated_at"))["latest"]

    @functools.cache  # noqa: B019 - three instances, made once at import
    def _path(self):
        return reverse(self.url_name, kwargs={"slug": "__slug__"})


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
    "programmes": PublicSitemap(Programme.objects.published(), "programme-detail"),
    "jwps": PublicSitemap(JointWorkProgramme.objects.published(), "jwp-detail"),
    "outputs": PublicSitemap(Output.objects.public(), "output-detail"),
    "countries": CountrySitemap,
    "windows": ReferenceSitemap(FundingWindow),
    "instruments": ReferenceSitemap(Instrument),
    "themes": ReferenceSitemap(Theme),
}
