from django.urls import reverse
from rest_framework import serializers

from publishing.models import Document

from .views import PortfolioViewSet


class DocumentSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="document-detail", lookup_field="slug")
    file = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "url",
            "slug",
            "title",
            "summary",
            "language",
            "file",
            "published_at",
            "updated_at",
        ]

    def get_file(self, document) -> str:
        """Where to download the document."""
        return self.context["request"].build_absolute_uri(
            reverse("document-download", kwargs={"slug": document.slug})
        )


class DocumentViewSet(PortfolioViewSet):
    """Site documents such as the Standard Operating Procedures."""

    model = Document
    serializer_class = DocumentSerializer
    lookup_field = "slug"
    csv_filename = "documents"

    def get_queryset(self):
        return self.visible(Document.objects.all()).order_by("title", "pk")
