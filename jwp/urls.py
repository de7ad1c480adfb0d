from django.urls import path

from . import views

urlpatterns = [
    path("jwp/", views.jwp_list, name="jwp-list"),
    path("jwp/<slug:slug>/", views.jwp_detail, name="jwp-detail"),
    path("outputs/", views.output_list, name="output-list"),
    path("outputs/<slug:slug>/", views.output_detail, name="output-detail"),
    path("outputs/<slug:slug>/download/", views.output_download, name="output-download"),
]
