"""Root URLs: the staff admin and the public site. No URL serves MEDIA_ROOT or the private
folder: every file goes out through a view that checks who asks (``publishing.files``)."""

from django.contrib import admin
from django.urls import include, path

from publishing.admin import review_desk

urlpatterns = [
    # Before the admin's own URLs, which would take "review/" for an app's name.
    path("admin/review/", admin.site.admin_view(review_desk), name="review-desk"),
    path("admin/", admin.site.urls),
    path("", include("citiesalliance.api")),
    path("", include("portal.urls")),
    path("", include("programmes.urls")),
    path("", include("jwp.urls")),
    path("", include("jobs.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
