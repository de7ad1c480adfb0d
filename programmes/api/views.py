from django.db.models import Prefetch

from programmes.models import City, Country, Organisation, Programme
from publishing.api.views import PortfolioViewSet
from windows.models import Theme

from .filters import OrganisationFilter, ProgrammeFilter
from .serializers import (
    CountrySerializer,
    OrganisationSerializer,
    ProgrammeDetailSerializer,
    ProgrammeListSerializer,
)


class CountryViewSet(PortfolioViewSet):
    """Countries, looked up by their ISO 3166-1 alpha-2 code."""

    model = Country
    queryset = Country.objects.order_by("name", "pk")
    serializer_class = CountrySerializer
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"
    csv_filename = "countries"

    def get_object(self):
        self.kwargs["iso2"] = self.kwargs["iso2"].upper()
        return super().get_object()


class OrganisationViewSet(PortfolioViewSet):
    """Member and partner organisations."""

    model = Organisation
    queryset = Organisation.objects.select_related("country").order_by("name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    csv_filename = "organisations"


class ProgrammeViewSet(PortfolioViewSet):
    """Programmes: country programmes, innovation calls and grants, global programmes."""

    model = Programme
    list_serializer_class = ProgrammeListSerializer
    detail_serializer_class = ProgrammeDetailSerializer
    filterset_class = ProgrammeFilter
    lookup_field = "slug"
    csv_filename = "programmes"

    def get_queryset(self):
        queryset = self.visible(Programme.objects.all())
        queryset = queryset.select_related("instrument__window").prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
        )
        if self.action != "list":
            queryset = queryset.select_related("parent").prefetch_related(
                Prefetch("cities", queryset=City.objects.select_related("country")),
                "partners__organisation",
                "activities",
                "dimensions",
                Prefetch(
                    "children",
                    queryset=self.visible(Programme.objects.all()).order_by("title"),
                    to_attr="visible_children",
                ),
            )
        return queryset.order_by("title", "pk")
