"""The publication version: one number that changes whenever what the public can see may change.

Cached public responses and aggregates are keyed by it (``publishing.cache``), so they are never
served after the content they show has changed. How it is kept exact:

- **In the database, in the same transaction.** Every table the public reads (the models of
  ``PUBLIC_CONTENT_APPS`` and their many-to-many tables) carries a trigger that raises
  ``publishing_publicationstate.version`` in the transaction that writes to it: a publish, an
  unpublish, an edit, a delete, an import, ``load_portfolio``, a change to reference data, and
  equally a ``QuerySet.update()``, a bulk insert or raw SQL. On PostgreSQL it is a deferred
  constraint trigger that runs once per transaction at commit, after the transaction's other
  locks, so it can never deadlock two editors; on SQLite a plain one.
- **In the cache, after the commit.** Readers take the version from the cache, which costs no
  query. Django's save, delete and many-to-many signals on those models queue a push for when
  the transaction commits: it reads the committed version and stores it, never lowering what
  is stored (a late push of an older commit cannot undo a newer one). Until then, the process
  that wrote keys its own reads apart, so it never caches what it is about to change.
- **Checked again.** Every ``PUBLICATION_VERSION_RECHECK`` seconds, after the cache was
  unreachable, and whenever the cache has lost the version, a process reads it from the
  database: a write that bypassed the signals (raw SQL) is picked up within that time.
- **Scheduled publications.** An item published with a future ``published_at`` becomes public
  without any write. The state kept with the version lists the next such moments, and the
  version readers use (``token()``) moves on as each one passes.
"""

import itertools
import json
import logging
import os
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Now

logger = logging.getLogger(__name__)

CACHE_KEY = "publication-version"
UPCOMING = 20  # scheduled publication moments kept with the version
TRIGGER = "publication_version"
FUNCTION = "publishing_publication_changed"


class CacheUnavailable(Exception):
    """The shared cache cannot be reached: serve without it."""


# -- the database side ---------------------------------------------------------------------------


def public_models() -> list:
    """Every model whose table the public reads, many-to-many tables included (history tables,
    the state row itself and pending revisions, which the public never reads, excluded)."""
    from .models import PublicationState, Revision

    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in settings.PUBLIC_CONTENT_APPS or model in (
            PublicationState,
            Revision,
        ):
            continue
        if meta.proxy or not meta.managed or any(f.name == "history_id" for f in meta.fields):
            continue
        found.append(model)
    return found


def install_triggers(*, using: str = "default", **kwargs) -> None:
    """(Re)creates the trigger on every public table; run after every ``migrate``, so a table a
    later migration adds is covered without anyone remembering to."""
    from django.db import connections

    db = connections[using]
    tables = [model._meta.db_table for model in public_models()]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTION)
            for table in tables:
                quoted = db.ops.quote_name(table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {quoted} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"EXECUTE FUNCTION {FUNCTION}()"
                )
        elif db.vendor == "sqlite":
            for table in tables:
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    name = db.ops.quote_name(f"{TRIGGER}_{table}_{operation.lower()}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {operation} ON {db.ops.quote_name(table)} "
                        f"BEGIN {_SQLITE_RAISE} END"
                    )


# The first version of a (re)created row is the time in microseconds, so a version never goes
# back even when the row is lost (a test database's flush) and made again.
_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION publishing_publication_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('publishing.version_raised', true) IS DISTINCT FROM txid_current()::text
    THEN
        PERFORM set_config('publishing.version_raised', txid_current()::text, true);
        INSERT INTO publishing_publicationstate (id, version, changed_at)
        VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, now())
        ON CONFLICT (id) DO UPDATE
        SET version = publishing_publicationstate.version + 1, changed_at = now();
    END IF;
    RETURN NULL;
END $$;
"""
_SQLITE_RAISE = """
    INSERT OR IGNORE INTO publishing_publicationstate (id, version, changed_at)
    VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), datetime('now'));
    UPDATE publishing_publicationstate
    SET version = version + 1, changed_at = datetime('now') WHERE id = 1;
"""


def read_database_state() -> dict:
    """The committed version, with the scheduled publication moments to come: the next
    ``UPCOMING`` of them (``up``) and the latest one already passed (``last``). Two queries,
    whatever the number of kinds of content."""
    from .models import PublicationState, PublicationStatus, Publishable

    kinds = [model for model in apps.get_models() if issubclass(model, Publishable)]
    published = [model.objects.filter(status=PublicationStatus.PUBLISHED) for model in kinds]
    latest = {
        f"last_{n}": Subquery(
            queryset.filter(published_at__lte=Now())
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        for n, queryset in enumerate(published)
    }
    row = (
        PublicationState.objects.filter(pk=1).annotate(**latest).values("version", *latest).first()
    ) or {"version": 0}
    lasts = [row.get(name) for name in latest]
    last = max((moment for moment in lasts if moment), default=None)
    scheduled = [
        # Without each model's own ordering: SQLite refuses ORDER BY inside a UNION's parts.
        queryset.filter(published_at__gt=Now()).order_by().values_list("published_at", flat=True)
        for queryset in published
    ]
    moments = list(
        scheduled[0].union(*scheduled[1:], all=True).order_by("published_at")[: UPCOMING + 1]
    )
    return {
        "v": row["version"] or 0,
        "last": last.timestamp() if last else 0,
        "up": [moment.timestamp() for moment in moments[:UPCOMING]],
        "more": len(moments) > UPCOMING,
    }


# -- the cache side ------------------------------------------------------------------------------

# Stores the state unless the cache holds a newer version already (Redis runs it atomically).
_STORE_NEWER = """
local current = redis.call('GET', KEYS[1])
if current then
    local ok, decoded = pcall(cjson.decode, current)
    if ok and type(decoded) == 'table' and tonumber(decoded['v'])
        and tonumber(decoded['v']) > tonumber(ARGV[2]) then
        return 0
    end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
_local_lock = threading.Lock()


_clients: dict[int, object] = {}


def redis_client(backend=None):
    """The redis-py client on the connection pool of Django's Redis cache (one per pool and
    process: Django makes a new client object for every call, which costs more than the
    round trip), or None for another backend."""
    from django.core.cache.backends.redis import RedisCache

    backend = backend or caches["default"]  # the backend itself: ``cache`` is a proxy
    if not isinstance(backend, RedisCache):
        return None
    pool = backend._cache._get_connection_pool(True)
    client = _clients.get(id(pool))
    if client is None:
        import redis

        client = _clients[id(pool)] = redis.Redis(connection_pool=pool)
    return client


def version_key(backend=None) -> str:
    return (backend or cache).make_and_validate_key(CACHE_KEY)


def decode(raw) -> dict | None:
    """The state as Redis holds it (JSON), or None (also for anything unreadable there: it is
    then read again from the database and overwritten)."""
    if not raw:
        return None
    try:
        current = json.loads(raw)
    except ValueError:
        return None
    return current if isinstance(current, dict) and "v" in current else None


def _cache_read(backend=None) -> dict | None:
    backend = backend or caches["default"]
    try:
        client = redis_client(backend)
        if client is None:
            return backend.get(CACHE_KEY)
        return decode(client.get(version_key(backend)))
    except Exception as error:  # any failure of the cache server
        raise CacheUnavailable(str(error)) from error


def _cache_store(state: dict, backend=None) -> None:
    backend = backend or caches["default"]
    try:
        client = redis_client(backend)
        if client is None:
            with _local_lock:
                current = backend.get(CACHE_KEY)
                if current is None or current["v"] <= state["v"]:
                    backend.set(CACHE_KEY, state, None)
            return
        client.eval(_STORE_NEWER, 1, version_key(backend), json.dumps(state), state["v"])
    except Exception as error:
        raise CacheUnavailable(str(error)) from error


class _Process:
    """What this process knows: when it last read the database, whether the cache failed, and
    writes of its own not yet committed."""

    checked_at = 0.0
    cache_failed = False
    pending = 0
    serial = itertools.count(1)


_process = _Process()


def note_cache_failure() -> None:
    """The cache failed this process: read the version from the database once it is back."""
    _process.cache_failed = True


def refresh() -> dict:
    """Reads the version from the database and stores it in the cache; returns the state."""
    state = read_database_state()
    _process.checked_at = time.monotonic()
    _cache_store(state)
    _process.cache_failed = False
    return state


_UNREAD = object()


def state(read=_UNREAD) -> dict:
    """The version state as the cache holds it (read again from the database when due).
    ``read``: the state already fetched from the cache by the caller (decoded, or None)."""
    recheck = settings.PUBLICATION_VERSION_RECHECK
    try:
        current = None if _process.cache_failed else _cache_read() if read is _UNREAD else read
        due = recheck and time.monotonic() - _process.checked_at > recheck
        if current is None or due:
            current = refresh()
    except CacheUnavailable:
        _process.cache_failed = True
        raise
    return current


def token(now: float | None = None, read=_UNREAD) -> str:
    """The version as cache keys and ETags use it. Raises CacheUnavailable when the cache is
    down (the caller then serves without it)."""
    current = state(read)
    now = time.time() if now is None else now
    passed = [moment for moment in current["up"] if moment <= now]
    if current["more"] and len(passed) == len(current["up"]):
        current = refresh()  # every scheduled moment we knew of has come: look further
        passed = [moment for moment in current["up"] if moment <= now]
    moment = max(passed) if passed else current["last"]
    value = f"{current['v']}.{int(moment * 1000)}"
    if _process.pending:
        value += f".{os.getpid()}.{_process.pending}"
    return value


# -- after a write -------------------------------------------------------------------------------


def publication_changed(**kwargs) -> None:
    """A public table was written to (a signal receiver, or called after a bulk write): until
    the commit this process keys its reads apart; after it, the cache gets the new version."""
    _process.pending = next(_process.serial)
    connection_ = transaction.get_connection()
    if connection_.in_atomic_block and any(
        callback is push for _sids, callback, _robust in connection_.run_on_commit
    ):
        return
    transaction.on_commit(push, robust=True)


def push() -> None:
    """Stores the committed version in the cache (a failure leaves it to the next check)."""
    try:
        refresh()
    except CacheUnavailable as error:
        _process.cache_failed = True
        logger.warning("publication version not stored in the cache: %s", error)
    except Exception:
        logger.exception("publication version not stored in the cache")
    else:
        _process.pending = 0


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in public_models():
        if model._meta.auto_created:
            m2m_changed.connect(publication_changed, sender=model, dispatch_uid=f"pv-m2m-{model}")
        else:
            post_save.connect(publication_changed, sender=model, dispatch_uid=f"pv-save-{model}")
            post_delete.connect(
                publication_changed, sender=model, dispatch_uid=f"pv-delete-{model}"
            )


def forget_process_state() -> None:
    """For tests: as if this process had just started."""
    _process.checked_at = 0.0
    _process.cache_failed = False
    _process.pending = 0
