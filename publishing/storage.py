"""Where export and download files live: a folder outside MEDIA_ROOT that no URL maps to, so
every file goes out through a view that checks who asks (production can point this at a
private bucket). Here, at the bottom of the layers, so that content apps may keep files in it
too."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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

