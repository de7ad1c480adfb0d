"""Where files that are not public by themselves live: outputs' and site documents' files (public
only once their item is), export and import files and the nightly downloads. A folder outside
MEDIA_ROOT that no URL maps to, so every file goes out through a view that checks who asks
(``publishing.files``; production can point this at a private bucket)."""

import logging
import os
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    # Read on every use rather than cached, so a changed setting (as in tests) takes effect.
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def deconstruct(self):
        return ("publishing.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()


def _stored_under(storage, folder: str):
    if not storage.exists(folder):
        return
    folders, names = storage.listdir(folder)
    for name in names:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_under(storage, f"{folder}/{sub}")


def _same_bytes(a, b) -> bool:
    while True:
        left, right = a.read(1 << 16), b.read(1 << 16)
        if left != right:
            return False
        if not left:
            return True


def files_move(*, names: Iterable[str], folders: Iterable[str] = (), source, target) -> list[str]:
    """Moves each stored file of ``names`` and of ``folders`` from ``source`` to ``target``
    storage under the same name (what the migrations that made content files private do,
    and undo); returns the names moved. A name ``target`` already holds with other bytes is
    left where it is, with a warning: nothing is overwritten. Safe to run again."""
    location = getattr(source, "location", None)
    if location is not None and location == getattr(target, "location", None):
        return []  # one folder (MEDIA_ROOT set to PRIVATE_MEDIA_ROOT): nothing to move
    wanted = {name for name in names if name}
    for folder in folders:
        wanted.update(_stored_under(source, folder))
    moved = []
    for name in sorted(wanted):
        if not source.exists(name):
            continue
        if target.exists(name):
            with source.open(name, "rb") as ours, target.open(name, "rb") as theirs:
                same = _same_bytes(ours, theirs)
            if not same:
                logger.warning("%s: a different file has this name already; left in place", name)
                continue
        else:
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:  # the storage renamed it: the rows would not find it
                target.delete(saved)
                logger.warning("%s: could not be stored under its name; left in place", name)
                continue
        source.delete(name)
        moved.append(name)
    return moved
