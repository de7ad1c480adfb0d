from django.http import Http404
from django.urls import path


def not_yet(request, **kwargs):
    raise Http404


urlpatterns = [
    path("windows/<slug:slug>/", not_yet, name="window-detail"),
    path("instruments/<slug:slug>/", not_yet, name="instrument-detail"),
    path("themes/<slug:slug>/", not_yet, name="theme-detail"),
    path("countries/<str:iso2>/", not_yet, name="country-detail"),
    path("programmes/<slug:slug>/", not_yet, name="programme-detail"),
    path("jwp/<slug:slug>/", not_yet, name="jwp-detail"),
    path("outputs/<slug:slug>/", not_yet, name="output-detail"),
    path("documents/<slug:slug>/", not_yet, name="document-download"),
]
