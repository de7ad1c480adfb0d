from rest_framework import serializers
from rest_framework.reverse import reverse

from jobs.models import ExportFormat, ExportJob
from programmes.filters import ProgrammeFilter
from publishing.api.workflow import WriteSerializer


def _filter_fields() -> dict[str, serializers.Field]:
    """One optional string per filter of /api/v1/programmes/, documented as it is there."""
    return {
        name: serializers.CharField(
            required=False,
            max_length=500,
            help_text=str(filter_.extra.get("help_text") or filter_.label or name),
        )
        for name, filter_ in ProgrammeFilter.base_filters.items()
    }


ExportFiltersSerializer = type(
    "ExportFiltersSerializer",
    (WriteSerializer,),
    {
        **_filter_fields(),
        "__doc__": "The filters of /api/v1/programmes/, with the same values as there "
        "(several values comma-separated: `gender,migration`).",
    },
)


class ExportJobCreateSerializer(WriteSerializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = ExportFiltersSerializer(required=False)


class ExportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="Where to fetch the file once the job is done; null before, and after the "
        "file has been removed (see expires_at)."
    )
    expired = serializers.SerializerMethodField(
        help_text="True when the finished file has been removed after the retention time."
    )
    includes_drafts = serializers.BooleanField(source="include_unpublished", read_only=True)

    class Meta:
        model = ExportJob
        fields = [
            "url",
            "id",
            "format",
            "filters",
            "includes_drafts",
            "state",
            "progress",
            "rows",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "expired",
            "download_url",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return reverse("exportjob-detail", kwargs={"pk": job.pk}, request=self.context["request"])

    def get_download_url(self, job) -> str | None:
        if job.state != "done" or not job.file:
            return None
        return reverse("exportjob-download", kwargs={"pk": job.pk}, request=self.context["request"])

    def get_expired(self, job) -> bool:
        return job.state == "done" and not job.file
