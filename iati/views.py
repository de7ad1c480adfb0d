"""IATI 2.03 files over HTTP: /api/v1/iati/activities.xml and /api/v1/iati/organisation.xml."""

import itertools

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from jwp.models import JointWorkProgramme
from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from programmes.selectors import programme_list
from publishing.api.filters import StrictFilterBackend, filter_parameters

from .export import (
    NothingToExport,
    activities_document,
    jwps_for_export,
    organisation_document,
    programmes_for_export,
)


class _AnyAccept(BaseContentNegotiation):
    """The body is always XML; errors are always JSON, whatever the client accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class ActivitiesXMLView(generics.GenericAPIView):
    """Every published programme and Joint Work Programme as one IATI 2.03 `iati-activities`
    document, streamed. Takes the filters of `/api/v1/programmes/`; when any filter is given
    the document holds the matching programmes only (filters describe programmes). Items that
    cannot be exported validly are left out and listed in the admin."""

    queryset = Programme.objects.none()
    filterset_class = ProgrammeFilter  # the vocabulary: documents the parameters
    filtered_by_selector = True
    filter_backends = [StrictFilterBackend]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept
    pagination_class = None

    def get_queryset(self):
        return programme_list(filters=filter_parameters(self.request))

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="IATI XML"),
            400: OpenApiResponse(description="A parameter is unknown or malformed."),
            404: OpenApiResponse(
                description="Nothing matching the filters can be exported validly to IATI "
                "(an IATI document needs at least one activity)."
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        programmes = self.filter_queryset(self.get_queryset())
        filtered = bool(set(request.query_params) - {"format"})
        jwps = JointWorkProgramme.objects.none() if filtered else None
        body = activities_document(
            programmes=programmes_for_export(programmes),
            jwps=jwps_for_export(jwps),
            base_url=_base_url(request),
        )
        try:
            first = next(body)
        except NothingToExport as error:
            raise NotFound(str(error)) from None
        response = StreamingHttpResponse(
            itertools.chain([first], body), content_type="application/xml; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="cities-alliance-activities.xml"'
        return response


class OrganisationXMLView(generics.GenericAPIView):
    """Cities Alliance as an IATI 2.03 `iati-organisations` file."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept
    filter_backends = [StrictFilterBackend]
    queryset = Programme.objects.none()
    pagination_class = None

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="IATI XML")
        },
    )
    def get(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # unknown parameters are a 400
        return HttpResponse(
            organisation_document(base_url=_base_url(request)),
            content_type="application/xml; charset=utf-8",
        )
