"""The site's URLs, plus MEDIA_ROOT served at MEDIA_URL as a careless web server (or DEBUG's
``static()``) would: a content file must not be reachable there even then."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from citiesalliance.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request (tests)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
