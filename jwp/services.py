"""Writes for outputs: the API's write views call these, and importers and admin actions may;
and the link check, which records whether each output's link and file still work.

The publication state is never set here: new outputs are drafts, and only
``publishing.services`` moves them through the workflow. Files are attached in the staff admin.
"""

import urllib.request
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programmes.services import require_permission, save_validated, split_fields
from publishing.models import PublicationStatus

from .models import LinkStatus, Output

OUTPUT_FIELDS = frozenset(
    {"title", "slug", "kind", "date", "summary", "url", "language", "jwp", "phase", "programme"}
)
OUTPUT_M2M_FIELDS = frozenset({"themes"})

# Check constraints that are about one field: their message is reported under that field.
OUTPUT_CONSTRAINT_FIELDS = {
    "output_phase_needs_jwp": "phase",
    "output_kind_valid": "kind",
}


def _save(output: Output, *, user, m2m) -> Output:
    return save_validated(output, user=user, m2m=m2m, constraint_fields=OUTPUT_CONSTRAINT_FIELDS)


@transaction.atomic
def output_create(*, user, data: dict) -> Output:
    """A new output, always a draft. ``data`` holds model values (a ``JointWorkProgramme``, a
    ``Phase`` of that JWP, a ``Programme``, a list of ``Theme``), not slugs."""
    require_permission(user, "jwp.add_output")
    plain, m2m = split_fields(data, fields=OUTPUT_FIELDS, m2m_fields=OUTPUT_M2M_FIELDS)
    output = Output(**plain, status=PublicationStatus.DRAFT, published_at=None)
    return _save(output, user=user, m2m=m2m)


@transaction.atomic
def output_update(*, user, output: Output, data: dict) -> Output:
    """Changes the fields in ``data``; the others, and ``themes`` when not in ``data``, stay
    as they are. Returns the saved output.

    The row is read again under a lock, so the workflow state saved is the one in the
    database, even when ``output`` was loaded before someone published it.
    """
    require_permission(user, "jwp.change_output")
    plain, m2m = split_fields(data, fields=OUTPUT_FIELDS, m2m_fields=OUTPUT_M2M_FIELDS)
    output = Output.objects.select_for_update().get(pk=output.pk)
    link_before = (output.url, output.file.name)
    for name, value in plain.items():
        setattr(output, name, value)
    if (output.url, output.file.name) != link_before:
        output_link_forget(output)
    return _save(output, user=user, m2m=m2m)


def output_link_forget(output: Output) -> None:
    """A new link or file: the last check said nothing about it (a broken link that an editor
    fixed must not stay flagged until the next weekly check). Call before saving."""
    output.link_status = LinkStatus.UNCHECKED
    output.link_error = ""
    output.link_checked_at = None


# --- Link check ------------------------------------------------------------------------------
#
# The result of a check is written with ``QuerySet.update()``, not ``save()``: no history entry
# (it would be authored by whoever happens to be logged in, or by nobody, and read as an edit)
# and no ``updated_at`` bump. The partner change feed (portal/api/changes.py) lists every output
# whose ``updated_at`` or history moved after ``since``, so a saved check would make every
# output look changed to partners each week. The fields are operational: there is nothing for
# ``full_clean()`` to validate, and no transaction is held open while the network is waited on.
# Error messages are stored, so they are plain English whoever runs the check.

LINK_CHECK_USER_AGENT = "CitiesAlliancePortfolio-LinkCheck/1.0 (+{site})"
DEFAULT_PORTS = {"http": 80, "https": 443}


class _RefusedRedirect(Exception):
    def __init__(self, location: str):
        super().__init__(location)
        self.host = urlsplit(location).hostname or location


def is_same_host(url: str, target: str) -> bool:
    """Whether a redirect from ``url`` to ``target`` stays on the same server: the same host
    name and port, or http ↔ https on the default ports of the same host name."""
    old, new = urlsplit(url), urlsplit(target)
    old_scheme, new_scheme = old.scheme.lower(), new.scheme.lower()
    if new_scheme not in DEFAULT_PORTS or old_scheme not in DEFAULT_PORTS:
        return False
    if (old.hostname or "").lower() != (new.hostname or "").lower():
        return False
    old_port = old.port or DEFAULT_PORTS[old_scheme]
    new_port = new.port or DEFAULT_PORTS[new_scheme]
    both_default = old_port == DEFAULT_PORTS[old_scheme] and new_port == DEFAULT_PORTS[new_scheme]
    return old_port == new_port or both_default


class _SameHostRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the output's own host; any other is refused before the
    other host is contacted."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_same_host(req.full_url, newurl):
            fp.close()
            raise _RefusedRedirect(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        new.method = req.get_method()  # urllib would follow a HEAD's redirect with a GET
        return new


def _opener() -> urllib.request.OpenerDirector:
    # Only the handlers http(s) needs: no file:, ftp: or data: handler that a link could reach.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _SameHostRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request(url: str, *, method: str, timeout: float, headers: dict | None = None) -> None:
    """Sends one request, following same-host redirects, and reads no body. Raises
    ``HTTPError`` (4xx, 5xx, a redirect loop), ``_RefusedRedirect`` or another ``OSError``."""
    user_agent = LINK_CHECK_USER_AGENT.format(site=settings.SITE_URL)
    # The caller allows only http(s) URLs, and the opener has no handler for anything else.
    request = urllib.request.Request(  # noqa: S310
        url, method=method, headers={"User-Agent": user_agent, **(headers or {})}
    )
    try:
        with _opener().open(request, timeout=timeout):
            pass
    except HTTPError as error:
        error.close()  # the error holds the response open
        raise


def _url_error(url: str, *, timeout: float) -> str:
    """Why ``url`` does not work, or "" when it does."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return "not an http or https link"
    try:
        try:
            _request(url, method="HEAD", timeout=timeout)
        except HTTPError as error:
            if error.code not in (405, 501):
                raise
            # The server does not do HEAD (405 Method Not Allowed, 501 Not Implemented), which
            # says nothing about the document: ask once more with a GET for its first byte only
            # and close the response unread. Its answer decides.
            _request(url, method="GET", timeout=timeout, headers={"Range": "bytes=0-0"})
    except _RefusedRedirect as refused:
        return f"refused: redirect to another host ({refused.host})"
    except HTTPError as error:
        if 300 <= error.code < 400:
            return f"HTTP {error.code}: too many redirects, or a redirect without a target"
        return f"HTTP {error.code}"
    except TimeoutError:
        return "timed out"
    except URLError as error:
        if isinstance(error.reason, TimeoutError):
            return "timed out"
        return f"cannot connect: {getattr(error.reason, 'strerror', None) or error.reason}"
    except (OSError, HTTPException) as error:
        return f"cannot connect: {error or type(error).__name__}"
    except ValueError:
        return "not a valid link"
    return ""


def _file_error(output: Output) -> str:
    """Why the output's file cannot be served, or "" when it can."""
    try:
        if output.file.storage.exists(output.file.name):
            return ""
    except OSError as error:
        return f"storage error: {error}"
    return "file missing from storage"


def outputs_to_link_check():
    """Outputs with a file or a link, whatever their publication state (editors fix drafts
    too), and those with neither that still show an earlier result, which is cleared."""
    return Output.objects.filter(
        ~Q(url="") | ~Q(file="") | ~Q(link_status=LinkStatus.UNCHECKED)
    ).order_by("pk")


def _check_and_store(output: Output, *, timeout: float | None) -> str:
    timeout = timeout or settings.LINK_CHECK_TIMEOUT
    errors = []
    if output.url:
        errors.append(_url_error(output.url, timeout=timeout))
    if output.file:
        errors.append(_file_error(output))
    if errors:
        error = "; ".join(message for message in errors if message)
        status = LinkStatus.BROKEN if error else LinkStatus.OK
        checked_at = timezone.now()
    else:
        status, error, checked_at = LinkStatus.UNCHECKED, "", None
    Output.objects.filter(pk=output.pk).update(
        link_status=status, link_error=error[:500], link_checked_at=checked_at
    )
    return status


def output_check_link(*, output_id: int, timeout: float | None = None) -> str:
    """Checks the output's link (a HEAD request) and file (in storage), stores the result and
    returns the ``LinkStatus``: broken when either is. An output with neither goes back to
    unchecked. ``timeout`` (seconds per request) defaults to ``LINK_CHECK_TIMEOUT``. Raises
    ``Output.DoesNotExist``."""
    output = Output.objects.only("pk", "url", "file").get(pk=output_id)
    return _check_and_store(output, timeout=timeout)


def output_check_links(*, timeout: float | None = None) -> dict[str, int]:
    """Checks every output of ``outputs_to_link_check()`` in turn; returns how many are
    ``{"ok": n, "broken": n}`` (cleared ones are not counted)."""
    counts = {LinkStatus.OK.value: 0, LinkStatus.BROKEN.value: 0}
    for output in outputs_to_link_check().only("pk", "url", "file").iterator():
        status = _check_and_store(output, timeout=timeout)
        if status in counts:
            counts[status] += 1
    return counts
