"""The link check: whether each output's link and file still work, recorded on the output.

Links are editors' input, and the check runs on the server: it must never become a way to
probe the server's own network. Every host is resolved here, and the check connects only to
an address that is global (not loopback, private, link-local, the cloud metadata range,
shared or reserved), to the address it checked, again on every redirect; redirects stay on
the link's own host. ``LINK_CHECK_ALLOW_PRIVATE`` lifts the address rule (tests that run a
local server); it is off by default.
"""

import http.client
import ipaddress
import socket
import ssl
import urllib.request
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import LinkStatus, Output

LINK_CHECK_USER_AGENT = "CitiesAlliancePortfolio-LinkCheck/1.0 (+{site})"
DEFAULT_PORTS = {"http": 80, "https": 443}


class _RefusedAddress(OSError):
    def __init__(self, host: str, address: str):
        super().__init__(f"{host} is at {address}, not a public address")
        self.host, self.address = host, address


def is_public_address(address: str) -> bool:
    """Whether ``address`` (IPv4 or IPv6, an IPv4-mapped IPv6 as its IPv4) is on the public
    internet: not loopback, private, link-local (the 169.254.169.254 metadata service), shared
    (100.64/10), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connect(host: str, port: int, timeout, source_address=None) -> socket.socket:
    """A socket connected to an address of ``host`` that may be checked."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    allowed = [
        info for info in infos if settings.LINK_CHECK_ALLOW_PRIVATE or is_public_address(info[4][0])
    ]
    if not allowed:
        raise _RefusedAddress(host, infos[0][4][0] if infos else "no address")
    error: OSError | None = None
    for family, kind, proto, _name, address in allowed:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)  # the address that was checked, not the name again
            return sock
        except OSError as failure:
            error = failure
            sock.close()
    raise error


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = _connect(self.host, self.port, self.timeout, self.source_address)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        sock = _connect(self.host, self.port, self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=ssl.create_default_context())


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
    # Only the handlers http(s) needs: no file:, ftp: or data: handler that a link could reach,
    # and no proxy, which would connect on the check's behalf to an address not checked here.
    opener = urllib.request.OpenerDirector()
    for handler in (
        _CheckedHTTPHandler(),
        _CheckedHTTPSHandler(),
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
    except _RefusedAddress as refused:
        return f"refused: {refused.host} is not a public address ({refused.address})"
    except HTTPError as error:
        if 300 <= error.code < 400:
            return f"HTTP {error.code}: too many redirects, or a redirect without a target"
        return f"HTTP {error.code}"
    except TimeoutError:
        return "timed out"
    except URLError as error:
        if isinstance(error.reason, _RefusedAddress):
            refused = error.reason
            return f"refused: {refused.host} is not a public address ({refused.address})"
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
