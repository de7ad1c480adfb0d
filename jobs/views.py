"""The nightly files of the whole published portfolio, at stable addresses the site links to."""

from django.http import FileResponse, Http404
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from .models import PUBLIC_FILENAMES, PublicFile

KINDS = {filename: kind for kind, filename in PUBLIC_FILENAMES.items()}
CONTENT_TYPES = {".xml": "application/xml; charset=utf-8", ".csv": "text/csv; charset=utf-8"}


def _public_file(filename: str) -> PublicFile:
    kind = KINDS.get(filename)
    public = PublicFile.objects.filter(kind=kind).first() if kind else None
    if public is None or not public.file:
        raise Http404("This file has not been generated yet.")
    return public


def _last_modified(request, filename):
    try:
        return _public_file(filename).generated_at
    except Http404:
        return None


@require_safe
@condition(last_modified_func=_last_modified)
def public_file(request, filename):
    public = _public_file(filename)
    response = FileResponse(
        public.file.open("rb"),
        filename=filename,
        content_type=CONTENT_TYPES[filename[filename.rfind(".") :]],
    )
    response["Last-Modified"] = http_date(public.generated_at.timestamp())
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
