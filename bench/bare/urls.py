"""One view for every URL: the recorded response of the portal, looked up by path and query."""

import json
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.urls import re_path


def _load() -> dict[str, tuple[bytes, str, int]]:
    folder = Path(settings.BARE_RESPONSES)
    index = json.loads((folder / "index.json").read_text())
    return {
        url: ((folder / entry["file"]).read_bytes(), entry["content_type"], entry["status"])
        for url, entry in index.items()
    }


RESPONSES = _load()


def recorded(request):
    url = request.get_full_path()
    if url not in RESPONSES:
        return HttpResponseNotFound(b"not recorded")
    body, content_type, status = RESPONSES[url]
    return HttpResponse(body, content_type=content_type, status=status)


urlpatterns = [re_path(r"", recorded)]
