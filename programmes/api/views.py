from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view

from programmes import rows, selectors, services
from programmes.filters import OrganisationFilter, ProgrammeFilter
from programmes.models import City, Country, Organisation, Programme, ProgrammeCountry
from publishing.api.filters import filter_parameters
from publishing.api.views import PortfolioViewSet
from publishing.api.workflow import StaffWriteMixin, WorkflowActionsMixin, staff_write_schemas

from .serializers import (
    CountrySerializer,
    OrganisationSerializer,
    ProgrammeDetailSerializer,
    ProgrammeListSerializer,
    ProgrammeWriteSerializer,
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


@extend_schema_view(
    **staff_write_schemas(
        noun="programme",
        write_serializer=ProgrammeWriteSerializer,
        detail_serializer=ProgrammeDetailSerializer,
    )
)
class ProgrammeViewSet(WorkflowActionsMixin, StaffWriteMixin, PortfolioViewSet):
    """Programmes: country programmes, innovation calls and grants, global programmes.

    Staff with a token also create and change programmes, and move them through the
    publication workflow."""

    model = Programme
    list_serializer_class = ProgrammeListSerializer
    detail_serializer_class = ProgrammeDetailSerializer
    write_serializer_class = ProgrammeWriteSerializer
    filterset_class = ProgrammeFilter  # the vocabulary: documents the parameters
    filtered_by_selector = True
    lookup_field = "slug"
    csv_filename = "programmes"

    def get_queryset(self):
        public = not (self.may_preview or self.writing)
        if self.action == "list":
            return selectors.programme_list(filters=filter_parameters(self.request), public=public)
        queryset = selectors.with_list_relations(
            Programme.objects.published() if public else Programme.objects.all()
        )
        return queryset.select_related("parent").prefetch_related(
            Prefetch("cities", queryset=City.objects.select_related("country")),
            "partners__organisation",
            Prefetch(
                "recipient_countries",
                queryset=ProgrammeCountry.objects.select_related("country"),
            ),
            "activities",
            "dimensions",
            Prefetch(
                "children",
                queryset=self.visible(Programme.objects.all()).order_by("title"),
                to_attr="visible_children",
            ),
        )

    def _stream_csv(self):
        """The programme table (``programmes.rows``), as the site's CSV and the exports."""
        queryset = self.filter_queryset(self.get_queryset())
        base_url = self.request.build_absolute_uri("/").rstrip("/")
        return self.csv_response(
            rows.COLUMN_NAMES, rows.programme_rows(queryset, base_url=base_url)
        )

    def create_item(self, data):
        return services.programme_create(user=self.request.user, data=data)

    def update_item(self, instance, data):
        return services.programme_update(user=self.request.user, programme=instance, data=data)
