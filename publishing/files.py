"""The files of public content (an output's file, a site document): where they are kept, how
they go out, and when a stored file may go.

They live in private storage (``publishing.storage``), which no URL maps to. The only way out
is a view that has checked that the item is public, or that the user may preview it, and then
answers with ``file_response``. Who sends the bytes is ``PRIVATE_FILES_SERVER``: Django itself
(""), nginx after an ``X-Accel-Redirect`` ("nginx") or Apache's mod_xsendfile after an
``X-Sendfile`` ("apache").

A stored file stays as long as something may still need it: the live item, any version in its
history (a revert brings the file back) or a pending revision that proposes it. The write path
hands the names a write left behind to ``files_forget``, which removes those nothing refers to
any more (a rejected revision's upload, say); ``files_prune`` sweeps the folders for files
nothing refers to (history cleaned with ``clean_old_history``, a write that failed after its
upload was stored).
"""

import datetime
import functools
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .storage import private_storage
from .validators import UPLOAD_CONTENT_TYPES

# A file is never shown by the browser, only saved: even if it were, it could run nothing.
DOWNLOAD_CSP = "sandbox; default-src 'none'"
# A stored file nothing refers to is left alone this long: the upload of a write that has not
# committed yet is in storage before its row is in the database.
PRUNE_GRACE = datetime.timedelta(days=1)


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


# -- which stored files are still needed -----------------------------------------------------------


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


def names_in_use(names: Iterable[str] | None = None) -> set[str]:
    """The stored names (of ``names``, or all) that something refers to: a live row, a row of
    its history, or the base or proposal of a pending revision."""
    from .models import Revision, RevisionStatus

    wanted = None if names is None else {name for name in names if name}
    if wanted is not None and not wanted:
        return set()

    def values(queryset, lookup):
        if wanted is not None:
            queryset = queryset.filter(**{f"{lookup}__in": wanted})
        return set(queryset.values_list(lookup, flat=True).distinct())

    used = set()
    for model, field in content_file_fields():
        used |= values(model._base_manager.all(), field)
        if hasattr(model, "history"):
            used |= values(model.history.model._default_manager.all(), field)
        pending = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(model), status=RevisionStatus.PENDING
        )
        for state in ("base", "proposed"):
            used |= values(pending, f"{state}__fields__{field}")
    used.discard("")
    used.discard(None)
    return used


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


def files_forget(names: Iterable[str]) -> list[str]:
    """Removes from storage each of ``names`` that nothing refers to any more; returns those
    removed. Called once the write that left them behind has committed."""
    names = {name for name in names if name}
    gone = sorted(names - names_in_use(names))
    for name in gone:
        private_storage.delete(name)
    return gone


def _stored(folder: str):
    if not private_storage.exists(folder):
        return
    folders, files = private_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored(f"{folder}/{sub}")


def files_prune(
    *, now=None, grace: datetime.timedelta = PRUNE_GRACE, dry_run: bool = False
) -> list[str]:
    """Removes every stored content file that nothing refers to and that is older than
    ``grace``; returns the names removed (only lists them with ``dry_run``). Nightly
    (``CELERY_BEAT_SCHEDULE``) and ``manage.py prune_files``."""
    cutoff = (now or timezone.now()) - grace
    folders = {
        str(model._meta.get_field(field).upload_to).split("%", 1)[0].strip("/")
        for model, field in content_file_fields()
    }
    candidates = {
        name
        for folder in sorted(folders)
        for name in _stored(folder)
        if private_storage.get_modified_time(name) <= cutoff
    }
    gone = sorted(candidates - names_in_use())
    if not dry_run:
        for name in gone:
            private_storage.delete(name)
    return gone


def stored_names(obj: models.Model) -> dict[str, str]:
    """{field: stored name} of ``obj``'s content files as the database holds them now."""
    fields = [field for model, field in content_file_fields() if isinstance(obj, model)]
    if not fields or obj.pk is None:
        return {}
    row = type(obj)._base_manager.filter(pk=obj.pk).values(*fields).first() or {}
    return {field: name for field, name in row.items() if name}
