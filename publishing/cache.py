"""Public responses and aggregates, cached in the shared cache (Redis in production) under the
publication version (``publishing.version``), which changes with anything the public can see.

- ``PublicCacheMiddleware`` keeps whole responses to anonymous GETs of the site and the API.
  The key holds the scheme and host, the path and query, the negotiated format (``Accept``),
  the language and the version. The ETag is made from the key, so a matching
  ``If-None-Match`` is answered 304 before any view runs, and it changes with the version.
  A request with a session cookie, a messages cookie or an ``Authorization`` header (staff,
  partners with a token) is never served from this cache, and what it is served is never
  stored: drafts cannot enter a cache that anonymous readers share.
- ``public_aggregate`` keeps a figure computed from published content (home charts, stats,
  the country list, facet counts of the whole portfolio) once per version.

When the cache cannot be reached, both work without it: pages are computed on each request,
never answered with an error, and the cache is used again once it answers.
"""

import hashlib
import logging
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

from . import version
from .version import CacheUnavailable

logger = logging.getLogger(__name__)

CACHEABLE_STATUS = {200, 301, 404, 410}
# A request with none of these gets the stored response as it is (If-None-Match is answered
# before, from the key and version alone).
_CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_NONE_MATCH"}
)
# Headers a stored response keeps (the outer middlewares add their own on every response).
_DROPPED_HEADERS = {"set-cookie", "content-length", "date"}
_warned_at = 0.0


def _warn(error: Exception) -> None:
    """Logs a cache outage at most once a minute per process, not once per request."""
    global _warned_at
    if time.monotonic() - _warned_at > 60:
        _warned_at = time.monotonic()
        logger.warning("shared cache unavailable, serving without it: %s", error)


def public_aggregate(name: str, compute: Callable):
    """``compute()`` once per publication version (pickled into the cache); computed directly
    when the cache is down. Only for figures of published content."""
    try:
        key = f"aggregate:{version.token()}:{name}"
        value = cache.get(key)
    except Exception as error:
        _warn(error)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, settings.PUBLIC_CACHE_TIMEOUT)
        except Exception as error:
            _warn(error)
    return value


def is_shared_request(request) -> bool:
    """Anonymous, no session: what every anonymous reader of this URL would get."""
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not request.path_info.startswith(settings.PUBLIC_CACHE_EXCLUDE)


def _key(request) -> str:
    """The response's identity, all but the version (which the stored entry carries)."""
    accept = request.META.get("HTTP_ACCEPT", "") if request.path_info.startswith("/api/") else ""
    language = (
        settings.LANGUAGE_CODE
        if len(settings.LANGUAGES) == 1
        else translation.get_language_from_request(request)
    )
    parts = (request.scheme, request.get_host(), request.get_full_path(), accept, language)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _Local:
    """A copy of recent entries in this process, up to PUBLIC_CACHE_LOCAL_BYTES, so a hot page
    is not carried from Redis on every request: Redis still answers, on every request, which
    version is current and which version its entry was made under, and a copy is served only
    when both are the one it holds."""

    def __init__(self):
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0

    def get(self, key: str):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: tuple) -> None:
        limit = settings.PUBLIC_CACHE_LOCAL_BYTES
        weight = len(entry[3])
        if weight > limit:
            return
        self.drop(key)
        self.entries[key] = entry
        self.size += weight
        while self.size > limit:
            _old, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped[3])

    def drop(self, key: str) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old[3])


_local = _Local()


def _redis_keys(key: str) -> tuple[str, str]:
    """The entry, and the version it was made under (read without the entry)."""
    return (
        cache.make_and_validate_key(f"page:{key}"),
        cache.make_and_validate_key(f"page-version:{key}"),
    )


def _read(key: str) -> tuple[str, tuple | None]:
    """(the current version, the stored entry if it was made under it). On Redis one round
    trip answers both versions; the entry itself comes from this process's copy when it is
    the current one, and otherwise in a second round trip."""
    client = version.redis_client()
    if client is None:
        token = version.token()
        entry = cache.get(f"page:{key}")
    else:
        entry_key, version_of_entry = _redis_keys(key)
        try:
            raw_state, stored = client.mget(version.version_key(), version_of_entry)
            token = version.token(read=version.decode(raw_state))
            entry = None
            if stored is not None and stored.decode() == token:
                entry = _local.get(key)
                if entry is None or entry[0] != token:
                    raw = client.get(entry_key)
                    entry = pickle.loads(raw) if raw else None  # noqa: S301 - our own entries
                    if entry is not None:
                        _local.put(key, entry)
        except CacheUnavailable:
            raise
        except Exception as error:
            version.note_cache_failure()
            raise CacheUnavailable(str(error)) from error
    if entry is not None and entry[0] != token:
        entry = None
    return token, entry


def _store(key: str, entry: tuple) -> None:
    client = version.redis_client()
    if client is None:
        cache.set(f"page:{key}", entry, settings.PUBLIC_CACHE_TIMEOUT)
        return
    entry_key, version_of_entry = _redis_keys(key)
    timeout = settings.PUBLIC_CACHE_TIMEOUT
    pipe = client.pipeline(transaction=True)  # both, or neither
    pipe.set(entry_key, pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), ex=timeout)
    pipe.set(version_of_entry, entry[0], ex=timeout)
    pipe.execute()
    _local.put(key, entry)


def _storable(request, response) -> bool:
    """Whether the response may be shared (its size is checked as it is stored)."""
    if response.status_code not in CACHEABLE_STATUS:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)  # no session cookie, yet signed in


def _stored_while_streamed(chunks, store):
    """Passes a streamed body on chunk by chunk and stores it whole once it is complete, unless
    it grew beyond PUBLIC_CACHE_MAX_BYTES (a filtered CSV is kept, the whole portfolio not)."""
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= settings.PUBLIC_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        store(b"".join(kept))


def _from_entry(entry) -> HttpResponse:
    _token, status, headers, body = entry
    response = HttpResponse(body, status=status)
    # The headers were checked when the response was first made; set as stored, without
    # encoding each again (a tenth of a cached request's time went there).
    for name, value in headers:
        response[name] = value
    return response


class PublicCacheMiddleware:
    """See the module's docstring. Sits below the middlewares that add headers to every
    response (security, CORS) and above those that need a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PUBLIC_CACHE_ENABLED or not is_shared_request(request):
            return self.get_response(request)
        try:
            key = _key(request)
        except Exception as error:  # DisallowedHost and the like: let Django answer them
            logger.debug("not cached: %s", error)
            return self.get_response(request)
        try:
            token, entry = _read(key)
        except CacheUnavailable as error:
            _warn(error)
            return self.get_response(request)
        etag = '"' + hashlib.sha256(f"{key}{token}".encode()).hexdigest()[:32] + '"'
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            return self._not_modified(etag)
        if entry is not None:
            response = _from_entry(entry)
            if not _CONDITIONAL_HEADERS.isdisjoint(request.META):
                response = get_conditional_response(
                    request, etag=etag, last_modified=_last_modified(response), response=response
                )
            return response
        response = self.get_response(request)
        if response.status_code not in CACHEABLE_STATUS:
            return response
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ("Cookie", "Authorization"))
        if not _storable(request, response):
            return response
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _DROPPED_HEADERS
        ]

        def store(body: bytes) -> None:
            try:
                _store(key, (token, response.status_code, headers, body))
            except Exception as error:
                _warn(error)

        if response.streaming:
            response.streaming_content = _stored_while_streamed(response.streaming_content, store)
        elif len(response.content) <= settings.PUBLIC_CACHE_MAX_BYTES:
            store(response.content)
        return response

    @staticmethod
    def _not_modified(etag: str) -> HttpResponse:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


def _last_modified(response) -> int | None:
    value = response.get("Last-Modified")
    return parse_http_date_safe(value) if value else None
