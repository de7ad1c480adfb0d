"""The keys of DRF's ``rest_framework.authtoken`` (plain text in ``authtoken_token``) moved into
``apitokens`` as hashes, so every partner's key goes on working; then the old table, its
migration records and its content types and permissions are removed, so no plain key is left
in the database. On a database that never had the old table, nothing happens.

Self-contained on purpose (no import of the app's code): the hash is the one
``apitokens.services.key_digest`` computes, and must stay so."""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

OLD_TABLE = "authtoken_token"
OLD_APP = "authtoken"
NAME = "Token from before tokens were hashed"
PREFIX_LENGTH = 8


def move_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    alias = connection.alias
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(OLD_TABLE)}"
        )
        rows = cursor.fetchall()
    APIToken = apps.get_model("apitokens", "APIToken")
    now = timezone.now()
    # Counted from the move, not from when the key was made: nobody is cut off by a deploy.
    expires = None
    if settings.API_TOKEN_DAYS is not None:
        expires = now + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    tokens = []
    for key, user_id, created in rows:
        if timezone.is_naive(created):  # SQLite
            created = timezone.make_aware(created, datetime.UTC)
        tokens.append(
            APIToken(
                user_id=user_id,
                name=NAME,
                prefix=key[:PREFIX_LENGTH],
                digest=hashlib.sha256(key.encode()).hexdigest(),
                created=min(created, now),
                expires=expires,
            )
        )
    APIToken.objects.using(alias).bulk_create(tokens)
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")
    # The old app is gone from INSTALLED_APPS: forget it was migrated (adding it back would
    # create its table afresh) and drop its stale permissions.
    MigrationRecorder(connection).migration_qs.filter(app=OLD_APP).delete()
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(alias).filter(app_label=OLD_APP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("apitokens", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Irreversible: the plain keys are gone, only their hashes are left.
    operations = [migrations.RunPython(move_authtoken_keys)]
