"""The partner API at /api/v1/: the router of every app's viewsets, plus stats, changes and
the OpenAPI description."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.decorators import api_view, permission_classes, renderer_classes, schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from finances.api.views import (
    BudgetViewSet,
    JointWorkProgrammeViewSet,
    PlannedDisbursementViewSet,
    ProgrammeViewSet,
    TransactionViewSet,
)
from iati.views import ActivitiesXMLView, OrganisationXMLView
from jobs.api.views import ExportJobViewSet
from jwp.api.views import LessonViewSet, OutputViewSet
from portal.api.changes import ChangesView
from portal.api.stats import StatsView
from programmes.api.views import CountryViewSet, OrganisationViewSet
from publishing.api.documents import DocumentViewSet
from windows.api.views import InstrumentViewSet, ThemeViewSet, WindowViewSet


@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
@schema(None)
def api_not_found(request, *args, **kwargs):
    """Anything under /api/v1/ that matches no endpoint: a JSON 404, not the site's page."""
    raise NotFound("No such endpoint. The list of endpoints is at /api/v1/.")


class PortfolioRouter(routers.DefaultRouter):
    """The root lists every endpoint, including the ones that are not viewsets."""

    def get_api_root_view(self, api_urls=None):
        endpoints = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
        endpoints.update(
            {
                "stats": "stats",
                "changes": "changes",
                "iati-activities": "iati-activities",
                "iati-organisation": "iati-organisation",
                "schema": "schema",
                "docs": "docs",
            }
        )
        return self.APIRootView.as_view(api_root_dict=endpoints)


router = PortfolioRouter()
router.register("windows", WindowViewSet, basename="window")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("themes", ThemeViewSet, basename="theme")
router.register("countries", CountryViewSet, basename="country")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("jwps", JointWorkProgrammeViewSet, basename="jwp")
router.register("outputs", OutputViewSet, basename="output")
router.register("lessons", LessonViewSet, basename="lesson")
router.register("documents", DocumentViewSet, basename="document")
router.register("budgets", BudgetViewSet, basename="budget")
router.register(
    "planned-disbursements", PlannedDisbursementViewSet, basename="planned-disbursement"
)
router.register("transactions", TransactionViewSet, basename="transaction")
router.register("exports", ExportJobViewSet, basename="exportjob")

api_v1 = [
    path("stats/", StatsView.as_view(), name="stats"),
    path("iati/activities.xml", ActivitiesXMLView.as_view(), name="iati-activities"),
    path("iati/organisation.xml", OrganisationXMLView.as_view(), name="iati-organisation"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="v1:schema", template_name="api/docs.html"),
        name="docs",
    ),
    path("", include(router.urls)),
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [path("api/v1/", include((api_v1, "v1"), namespace="v1"))]
