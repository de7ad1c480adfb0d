from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .feeds import OutputFeed
from .sitemaps import sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    path("how-we-work/", views.how_we_work, name="how-we-work"),
    path("windows/<slug:slug>/", views.window_detail, name="window-detail"),
    path("instruments/<slug:slug>/", views.instrument_detail, name="instrument-detail"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("countries/<str:iso2>/", views.country_detail, name="country-detail"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("documents/<slug:slug>/", views.document_download, name="document-download"),
    path("feeds/outputs/", OutputFeed(), name="feed-outputs"),
    # An index of sections, each in pages of at most 2,500 addresses (the protocol allows
    # 50,000), cached like every public page.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
