"""The keys of DRF's old ``authtoken`` table move into the hashed tokens: every partner's key
goes on working, and no plain key is left in the database."""

import datetime
import hashlib
import importlib
import secrets

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens.models import APIToken
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apitokens.migrations.0002_move_authtoken_keys")


def old_table_with(rows: list[tuple[str, int, datetime.datetime]]) -> None:
    """``authtoken_token`` as rest_framework.authtoken's migrations left it, with its rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, "
            "user_id integer NOT NULL UNIQUE REFERENCES auth_user (id))"
        )
        for row in rows:
            cursor.execute(
                "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)", row
            )
    content_type = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=content_type, codename="add_token", name="Can add")
    MigrationRecorder(connection).record_applied("authtoken", "0001_initial")


def run_migration() -> None:
    with connection.schema_editor() as schema_editor:
        migration.move_authtoken_keys(apps, schema_editor)


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


def test_old_keys_move_hashed_and_go_on_working(settings):
    settings.API_TOKEN_DAYS = 90
    partner = factories.UserFactory(username="old-partner", is_staff=False)
    other = factories.UserFactory(is_staff=False)
    key, other_key = secrets.token_hex(20), secrets.token_hex(20)  # DRF's 40 hex characters
    made = timezone.now() - datetime.timedelta(days=800)
    old_table_with([(key, partner.pk, made), (other_key, other.pk, made)])
    before = timezone.now()

    run_migration()

    token = APIToken.objects.get(user=partner)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert (token.prefix, token.created, token.name) == (key[:8], made, migration.NAME)
    # Counted from the move: nobody is cut off by the deploy.
    assert before + datetime.timedelta(days=90) <= token.expires
    assert token.expires <= timezone.now() + datetime.timedelta(days=90)
    assert APIToken.objects.count() == 2
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/programmes/")
    assert response.status_code == 200
    assert response.wsgi_request.user == partner


def test_no_plain_key_and_no_trace_of_the_old_app_is_left():
    partner = factories.UserFactory(is_staff=False)
    key = secrets.token_hex(20)
    old_table_with([(key, partner.pk, timezone.now())])

    run_migration()

    assert not table_exists("authtoken_token")
    assert not MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="add_token").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM apitokens_apitoken")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_a_database_that_never_had_the_old_table_is_left_alone():
    factories.issue_token(factories.UserFactory(is_staff=False))
    run_migration()
    assert APIToken.objects.count() == 1
    assert not table_exists("authtoken_token")
