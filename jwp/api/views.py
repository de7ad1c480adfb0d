from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view

from jwp import services
from jwp.filters import JWPFilter, OutputFilter
from jwp.models import JointWorkProgramme, Lesson, Membership, Output
from publishing.api.views import PortfolioViewSet
from publishing.api.workflow import StaffWriteMixin, WorkflowActionsMixin, staff_write_schemas

from .serializers import (
    JWPDetailSerializer,
    JWPListSerializer,
    LessonSerializer,
    OutputSerializer,
    OutputWriteSerializer,
)


class JointWorkProgrammeViewSet(PortfolioViewSet):
    """Joint Work Programmes, with members and phases in the detail."""

    model = JointWorkProgramme
    list_serializer_class = JWPListSerializer
    detail_serializer_class = JWPDetailSerializer
    filterset_class = JWPFilter
    lookup_field = "slug"
    csv_filename = "jwps"

    def get_queryset(self):
        queryset = self.visible(JointWorkProgramme.objects.all()).prefetch_related("themes")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "phases",
                Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            )
        return queryset.order_by("title", "pk")


@extend_schema_view(
    **staff_write_schemas(
        noun="output",
        write_serializer=OutputWriteSerializer,
        detail_serializer=OutputSerializer,
        notes="Files are not uploaded through the API: attach them in the staff admin.",
    )
)
class OutputViewSet(WorkflowActionsMixin, StaffWriteMixin, PortfolioViewSet):
    """Knowledge products: studies, toolkits, briefs, reports, datasets.

    Staff with a token also create and change outputs (not their files), and move them
    through the publication workflow."""

    model = Output
    serializer_class = OutputSerializer
    write_serializer_class = OutputWriteSerializer
    filterset_class = OutputFilter
    lookup_field = "slug"
    csv_filename = "outputs"

    def get_queryset(self):
        queryset = self.visible(Output.objects.all())
        return (
            queryset.select_related("jwp", "programme", "phase")
            .prefetch_related("themes")
            .order_by("-date", "title", "pk")
        )

    def create_item(self, data):
        return services.output_create(user=self.request.user, data=data)

    def update_item(self, instance, data):
        return services.output_update(user=self.request.user, output=instance, data=data)


class LessonViewSet(PortfolioViewSet):
    """Lessons from Country/City programmes taken up by Joint Work Programmes."""

    model = Lesson
    serializer_class = LessonSerializer
    lookup_field = "slug"
    csv_filename = "lessons"

    def get_queryset(self):
        return (
            self.visible(Lesson.objects.all())
            .select_related("jwp", "programme")
            .order_by("title", "pk")
        )
