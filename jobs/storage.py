"""Kept for the migrations that name ``jobs.storage.PrivateStorage``: the storage lives in
``publishing.storage``, beside the content files that use it too."""

from publishing.storage import PrivateStorage, private_storage

__all__ = ["PrivateStorage", "private_storage"]
