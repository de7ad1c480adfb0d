from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("downloads/<str:filename>", views.public_file, name="public-file"),
]
