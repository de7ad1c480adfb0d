from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from . import checks, version  # noqa: F401 (checks registers itself)
        from .roles import sync_editorial_groups_after_migrate

        # After auth's own post_migrate handler, which creates the permissions.
        post_migrate.connect(sync_editorial_groups_after_migrate, sender=self)
        # After every app's migrations: every public table gets its version trigger.
        post_migrate.connect(version.install_triggers, sender=self)
        version.connect_signals()
