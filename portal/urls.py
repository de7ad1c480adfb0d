from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_page

from . import views
from .feeds import OutputFeed
from .sitemaps import sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    path("how-we-work/", views.how_we_work, name="how-we-work"),
    path("windows/<slug:slug>/", views.window_detail, name="window-detail"),
    path("instruments/<slug:slug>/", views.instrument_detail, name="instrument-detail"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("documents/<slug:slug>/", views.document_download, name="document-download"),
    path("feeds/outputs/", OutputFeed(), name="feed-outputs"),
    path(
        "sitemap.xml",
        cache_page(60 * 15)(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
