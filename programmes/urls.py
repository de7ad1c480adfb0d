from django.urls import path

from . import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/export.csv", views.programme_export_csv, name="programme-export-csv"),
    path("countries/", views.country_list, name="country-list"),
]
