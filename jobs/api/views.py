"""Exports as jobs: ``POST /api/v1/exports/`` answers 202 with the job's URL; the job shows its
state and progress, and a download URL when done."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from jobs import services
from jobs.models import ExportJob, JobState
from programmes.models import Programme
from publishing.api.throttles import ScopedRateThrottle
from publishing.preview import may_preview

from .serializers import ExportJobCreateSerializer, ExportJobSerializer

UNAUTHENTICATED = OpenApiResponse(description="No or an invalid token: exports need an account.")
NOT_FOUND = OpenApiResponse(description="No such job, or a job someone else asked for.")


class IsAuthenticated(permissions.IsAuthenticated):
    message = "Exports need an account: send `Authorization: Token <key>`."


class FileRenderer(JSONRenderer):
    """Lets a client that accepts only the file's type reach the download (errors stay JSON)."""

    media_type = "*/*"
    format = "file"


@extend_schema_view(
    list=extend_schema(
        summary="Your export jobs, newest first",
        responses={200: ExportJobSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="An export job: state, progress, and the download URL when done",
        responses={200: ExportJobSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
)
class ExportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Exports of programmes to CSV, XLSX or IATI XML, made in the background.

    Partners' exports hold published programmes only; staff who may see drafts get them too
    (IATI files are always published-only). Files are kept for `EXPORT_RETENTION_DAYS`."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()
    throttle_scope = "exports"

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(IsAuthenticated.message)
        super().permission_denied(request, message, code)

    def get_queryset(self):
        return ExportJob.objects.filter(requested_by=self.request.user).order_by(
            "-created_at", "pk"
        )

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(ScopedRateThrottle())
        return throttles

    @extend_schema(
        summary="Ask for an export",
        request=ExportJobCreateSerializer,
        responses={
            202: ExportJobSerializer,
            400: OpenApiResponse(description="Unknown format, filter or filter value."),
            401: UNAUTHENTICATED,
            429: OpenApiResponse(description="Too many exports asked for; try again later."),
        },
    )
    def create(self, request, *args, **kwargs):
        body = ExportJobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job = services.export_job_create(
                user=request.user,
                format=body.validated_data["format"],
                filters=body.validated_data.get("filters", {}),
                include_unpublished=may_preview(request.user, Programme),
            )
        except services.InvalidFilters as error:
            raise exceptions.ValidationError({"filters": error.message_dict}) from None
        job.refresh_from_db()  # eager tasks (no broker configured) have already run
        data = ExportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if response.data["state"] in (JobState.QUEUED, JobState.RUNNING):
            response["Retry-After"] = "2"
        return response

    @extend_schema(
        summary="Download the finished file",
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The job is not done (yet), or it failed."),
            410: OpenApiResponse(description="The file was removed after the retention time."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, FileRenderer])
    def download(self, request, *args, **kwargs):
        job = self.get_object()
        if job.state != JobState.DONE:
            raise Conflict(f"The export is {job.get_state_display().lower()}, not done.")
        if not job.file:
            raise Gone("The file was removed after the retention time; ask for a new export.")
        return services.export_job_file_response(job)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"
