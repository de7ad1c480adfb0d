"""The files of public content (an output's file, a site document): where they are kept and how
they go out.

They live in private storage (``publishing.storage``), which no URL maps to. The only way out
is a view that has checked that the item is public, or that the user may preview it, and then
answers with ``file_response``. Who sends the bytes is ``PRIVATE_FILES_SERVER``: Django itself
(""), nginx after an ``X-Accel-Redirect`` ("nginx") or Apache's mod_xsendfile after an
``X-Sendfile`` ("apache").
"""

import functools
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .validators import UPLOAD_CONTENT_TYPES

# A file is never shown by the browser, only saved: even if it were, it could run nothing.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


class ContentFieldFile(FieldFile):
    @property
    def url(self):
        """The item's download view (``get_file_url``), which serves the file only to whoever
        may see the item: never a storage address."""
        self._require_file()
        return self.instance.get_file_url()


class ContentFileField(models.FileField):
    """The file of a publishable item, kept in private storage. Its ``url`` is the item's
    download view, so every link to it (the admin's included) goes through the check."""

    attr_class = ContentFieldFile


# -- serving ---------------------------------------------------------------------------------------


def content_type_for(name: str) -> str:
    extension = Path(name).suffix.lower().lstrip(".")
    return UPLOAD_CONTENT_TYPES.get(extension, "application/octet-stream")


def download_filename(name: str, title: str) -> str:
    """A readable name for the saved file: the item's title, with the stored file's extension."""
    return f"{slugify(title)[:80] or 'download'}{Path(name).suffix.lower()}"


def file_response(file: FieldFile, *, title: str, public: bool = True) -> HttpResponse:
    """``file`` as an attachment, once the caller has checked who may have it; ``public`` False
    for a draft shown to staff, which no shared cache may keep."""
    if not file:
        raise Http404(_("There is no file to download."))
    name, storage = file.name, file.storage
    filename = download_filename(name, title)
    content_type = content_type_for(name)
    server = settings.PRIVATE_FILES_SERVER
    if server:
        if not storage.exists(name):
            raise Http404(_("The file is missing."))
        # The web server sends the file; Content-Type and Content-Disposition are kept from
        # this answer (README: "Serving files").
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        if server == "nginx":
            response["X-Accel-Redirect"] = settings.PRIVATE_FILES_NGINX_PREFIX + quote(name)
        else:
            response["X-Sendfile"] = quote(storage.path(name))
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP  # django-csp leaves a set header alone
    if not public:
        patch_cache_control(response, private=True, no_store=True)
    return response


# -- which stored files belong to an item ----------------------------------------------------------


@functools.cache
def content_file_fields() -> tuple[tuple[type[models.Model], str], ...]:
    """Every (model, field name) of a content file."""
    from django.apps import apps

    return tuple(
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ContentFileField)
    )


def item_refers_to(obj: models.Model, field: str, name: str) -> bool:
    """Whether ``name`` is a file of ``obj``: its live one, one of a version in its history,
    or one a pending revision of it proposes (what staff may download in the admin)."""
    from .models import Revision, RevisionStatus

    if not name:
        return False
    if getattr(obj, field).name == name:
        return True
    history = getattr(type(obj), "history", None)
    if history is not None and history.filter(id=obj.pk, **{field: name}).exists():
        return True
    return (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            status=RevisionStatus.PENDING,
        )
        .filter(
            models.Q(**{f"proposed__fields__{field}": name})
            | models.Q(**{f"base__fields__{field}": name})
        )
        .exists()
    )
