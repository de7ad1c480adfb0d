"""Files of outputs and site documents: kept in private storage, out only through views that
check publication (or that the user may preview), with headers that keep a browser from running
them; handed to nginx or Apache when configured; moved out of MEDIA_ROOT by a migration."""

import importlib
import os
import subprocess
import sys

import factory
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from jwp.models import Output
from publishing import files, services
from publishing.models import Revision, RevisionStatus
from publishing.storage import files_move, private_storage
from tests import factories

pytestmark = pytest.mark.django_db

BODY = b"%PDF-1.4 the report\n%%EOF\n"
SANDBOX = "sandbox; default-src 'none'"


def a_file(name="report.pdf", body=BODY):
    return factory.django.FileField(filename=name, data=body)


def stored(name: str) -> bytes:
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def draft():
    return factories.OutputFactory(title="Draft toolkit", jwp__published=True, file=a_file())


@pytest.fixture
def published():
    return factories.OutputFactory(
        title="Toolkit for Cities", published=True, jwp__published=True, file=a_file()
    )


@pytest.fixture
def editor():
    return factories.EditorFactory()


@pytest.fixture
def publisher():
    return factories.PublisherFactory()


# -- where files are kept ----------------------------------------------------------------------


@pytest.mark.urls("tests.publishing.urls_serving_media")
def test_a_draft_file_is_not_found_at_its_view_nor_under_media_url(client, settings, draft):
    name = draft.file.name
    assert (settings.PRIVATE_MEDIA_ROOT / name).is_file()
    assert not (settings.MEDIA_ROOT / name).exists()

    response = client.get(f"/outputs/{draft.slug}/download/")
    unknown = client.get("/outputs/no-such-output/download/")
    assert response.status_code == unknown.status_code == 404
    assert response.content == unknown.content.replace(b"no-such-output", draft.slug.encode())
    media_url = "/" + settings.MEDIA_URL.lstrip("/")
    assert client.get(f"{media_url}{name}").status_code == 404
    # The media route does serve what is in MEDIA_ROOT: the 404 above is the file's absence.
    default_storage.save("elsewhere.txt", ContentFile(b"public"))
    assert client.get(f"{media_url}elsewhere.txt").status_code == 200


def test_an_output_of_a_draft_jwp_and_a_draft_document_are_not_found(client):
    hidden = factories.OutputFactory(published=True, file=a_file())  # its JWP is a draft
    document = factories.DocumentFactory(slug="draft-document")
    assert client.get(f"/outputs/{hidden.slug}/download/").status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404
    assert private_storage.exists(hidden.file.name) and private_storage.exists(document.file.name)


def test_a_published_file_downloads_as_an_attachment_that_cannot_run(client, published):
    response = client.get(f"/outputs/{published.slug}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="toolkit-for-cities.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert body_of(response) == BODY


def test_a_published_document_downloads_with_its_type_and_headers(client):
    document = factories.DocumentFactory(
        published=True, title="Rules of the road", file=a_file("rules.docx", b"PK\x03\x04 doc")
    )
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == files.UPLOAD_CONTENT_TYPES["docx"]
    assert response["Content-Disposition"] == 'attachment; filename="rules-of-the-road.docx"'
    assert response["Content-Security-Policy"] == SANDBOX
    assert body_of(response) == b"PK\x03\x04 doc"


def test_only_get_and_head_reach_a_download(client, published):
    url = f"/outputs/{published.slug}/download/"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


# -- handing the bytes to the web server -------------------------------------------------------


def test_nginx_gets_an_internal_redirect_and_no_body(client, settings, published):
    settings.PRIVATE_FILES_SERVER = "nginx"
    settings.PRIVATE_FILES_NGINX_PREFIX = "/internal-files/"
    response = client.get(f"/outputs/{published.slug}/download/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-files/{published.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="toolkit-for-cities.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX


def test_apache_gets_the_absolute_path_and_no_body(client, settings, published):
    settings.PRIVATE_FILES_SERVER = "apache"
    response = client.get(f"/outputs/{published.slug}/download/")
    assert response.status_code == 200
    assert response["X-Sendfile"] == str(settings.PRIVATE_MEDIA_ROOT / published.file.name)
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="toolkit-for-cities.pdf"'


def test_the_web_server_is_never_sent_a_draft_or_a_missing_file(client, settings, published):
    settings.PRIVATE_FILES_SERVER = "nginx"
    draft = factories.OutputFactory(jwp=published.jwp, file=a_file())
    response = client.get(f"/outputs/{draft.slug}/download/")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    private_storage.delete(published.file.name)
    response = client.get(f"/outputs/{published.slug}/download/")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_names_reach_the_web_server_percent_encoded(client, settings):
    settings.PRIVATE_FILES_SERVER = "nginx"
    output = factories.OutputFactory(
        published=True, jwp__published=True, file=a_file("étude urbaine.pdf")
    )
    header = client.get(f"/outputs/{output.slug}/download/")["X-Accel-Redirect"]
    assert header == "/private-files/outputs/%C3%A9tude_urbaine.pdf"


# -- staff see drafts --------------------------------------------------------------------------


def test_staff_who_may_preview_download_a_draft_which_no_cache_keeps(client, draft, editor):
    client.force_login(editor)
    response = client.get(f"/outputs/{draft.slug}/download/")
    assert response.status_code == 200 and body_of(response) == BODY
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    document = factories.DocumentFactory(slug="draft-sop")
    assert client.get(document.get_absolute_url()).status_code == 200


def test_a_signed_in_user_without_the_view_permission_gets_a_404(client, draft):
    client.force_login(factories.UserFactory(is_staff=True))  # staff, no group
    assert client.get(f"/outputs/{draft.slug}/download/").status_code == 404
    client.force_login(factories.UserFactory(is_staff=False))
    assert client.get(f"/outputs/{draft.slug}/download/").status_code == 404


def test_the_admin_serves_a_draft_and_an_old_version_to_staff_only(
    client, draft, publisher, django_capture_on_commit_callbacks
):
    first = draft.file.name
    draft.file = ContentFile(b"%PDF-1.4 second", name="second.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_save(draft, user=publisher)
    url = reverse("admin:jwp_output_file", args=[draft.pk, "file"])

    assert client.get(url).status_code == 302  # to the login
    client.force_login(factories.EditorFactory())
    response = client.get(url)
    assert response.status_code == 200 and body_of(response) == b"%PDF-1.4 second"
    assert response["Content-Security-Policy"] == SANDBOX
    assert body_of(client.get(url, {"name": first})) == BODY  # a version in the history
    other = factories.OutputFactory(file=a_file("other.pdf"))
    assert client.get(url, {"name": other.file.name}).status_code == 404  # not this item's
    assert client.get(url, {"name": "../settings.py"}).status_code == 404
    no_field = reverse("admin:jwp_output_file", args=[draft.pk, "title"])
    assert client.get(no_field).status_code == 404
    with pytest.raises(NoReverseMatch):  # only models with a file have the route
        reverse("admin:jwp_jointworkprogramme_file", args=[draft.jwp.pk, "file"])
    client.force_login(factories.UserFactory(is_staff=True))  # staff, but may not view outputs
    assert client.get(url).status_code == 404


def test_admin_forms_link_the_file_through_the_admin_never_to_storage(client, draft):
    client.force_login(factories.EditorFactory())
    page = client.get(reverse("admin:jwp_output_change", args=[draft.pk])).content.decode()
    link = reverse("admin:jwp_output_file", args=[draft.pk, "file"])
    assert f'href="{link}?name=outputs%2F' in page
    assert "/media/" not in page and "private-media" not in page
    # Someone who may only read sees the file as a link too (Django's read-only display).
    reader = factories.UserFactory(is_staff=True)
    reader.user_permissions.add(*_permissions("view_output", "view_jointworkprogramme"))
    client.force_login(reader)
    page = client.get(reverse("admin:jwp_output_change", args=[draft.pk]))
    assert page.status_code == 200
    assert f'href="/outputs/{draft.slug}/download/"' in page.content.decode()


def test_an_old_versions_page_links_that_versions_file(client, draft, publisher):
    first = draft.file.name
    oldest = draft.history.earliest()
    draft.file = ContentFile(b"%PDF-1.4 second", name="second.pdf")
    services.content_save(draft, user=publisher)
    client.force_login(publisher)
    page = client.get(
        reverse("admin:jwp_output_simple_history", args=[draft.pk, oldest.history_id])
    )
    assert page.status_code == 200
    link = reverse("admin:jwp_output_file", args=[draft.pk, "file"])
    assert f'href="{link}?name={first.replace("/", "%2F")}"' in page.content.decode()


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)


# -- pending revisions -------------------------------------------------------------------------


def test_an_editors_upload_to_a_published_output_waits_unseen_for_review(
    client, published, editor, publisher, django_capture_on_commit_callbacks
):
    url = reverse("admin:jwp_output_change", args=[published.pk])
    client.force_login(editor)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "file"}
    data |= {"themes": [], "file": SimpleUploadedFile("new.pdf", b"%PDF-1.4 proposed")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    proposed = revision.proposed["fields"]["file"]
    published.refresh_from_db()
    assert proposed != published.file.name and stored(proposed) == b"%PDF-1.4 proposed"
    assert stored(published.file.name) == BODY  # the live file is kept

    client.logout()
    assert body_of(client.get(f"/outputs/{published.slug}/download/")) == BODY

    client.force_login(publisher)
    review = client.get(reverse("admin:publishing_revision_change", args=[revision.pk]))
    link = reverse("admin:jwp_output_file", args=[published.pk, "file"])
    assert f"{link}?name={proposed.replace('/', '%2F')}" in review.content.decode()
    assert body_of(client.get(link, {"name": proposed})) == b"%PDF-1.4 proposed"

    with django_capture_on_commit_callbacks(execute=True):
        services.revision_approve(revision=revision, user=publisher)
    client.logout()
    assert body_of(client.get(f"/outputs/{published.slug}/download/")) == b"%PDF-1.4 proposed"


# -- moving the files of an older installation -------------------------------------------------


def test_the_migration_moves_every_file_the_rows_name_out_of_media_root(settings):
    output = factories.OutputFactory(file=a_file("kept.pdf"))
    name = output.file.name
    older = "outputs/an-old-version.pdf"
    Output.history.filter(id=output.pk).update(file=older)
    for each, body in ((name, BODY), (older, b"%PDF-1.4 old"), ("outputs/sub/stray.pdf", b"s")):
        default_storage.save(each, ContentFile(body))
    private_storage.delete(name)  # as before this change: the file was under MEDIA_ROOT only

    migration = importlib.import_module("jwp.migrations.0004_content_files_private")
    migration.forwards(apps, None)

    assert stored(name) == BODY and stored(older) == b"%PDF-1.4 old"
    assert stored("outputs/sub/stray.pdf") == b"s"
    assert not (settings.MEDIA_ROOT / name).exists()
    migration.forwards(apps, None)  # again: nothing left to move, nothing lost
    assert stored(name) == BODY
    migration.backwards(apps, None)
    assert (settings.MEDIA_ROOT / name).read_bytes() == BODY
    assert not private_storage.exists(name)


def test_a_move_never_overwrites_a_different_file(settings):
    default_storage.save("outputs/a.pdf", ContentFile(b"ours"))
    private_storage.save("outputs/a.pdf", ContentFile(b"theirs"))
    default_storage.save("outputs/b.pdf", ContentFile(b"same"))
    private_storage.save("outputs/b.pdf", ContentFile(b"same"))
    moved = files_move(
        names=["outputs/a.pdf", "outputs/b.pdf"], source=default_storage, target=private_storage
    )
    assert moved == ["outputs/b.pdf"]
    assert (settings.MEDIA_ROOT / "outputs/a.pdf").read_bytes() == b"ours"
    assert stored("outputs/a.pdf") == b"theirs"
    assert not (settings.MEDIA_ROOT / "outputs/b.pdf").exists()


# -- every link goes through the views ---------------------------------------------------------


def test_pages_the_api_and_the_iati_file_link_the_views(client, published):
    download = f"/outputs/{published.slug}/download/"
    document = factories.DocumentFactory(published=True, slug="standard-operating-procedures")
    assert f'href="{download}"' in client.get(published.get_absolute_url()).content.decode()
    footer = client.get("/").content.decode()
    assert 'href="/documents/standard-operating-procedures/"' in footer

    api = APIClient()
    assert api.get(f"/api/v1/outputs/{published.slug}/").json()["file"].endswith(download)
    assert (
        api.get(f"/api/v1/documents/{document.slug}/")
        .json()["file"]
        .endswith("/documents/standard-operating-procedures/")
    )
    # The IATI file's document-link: tests/iati/test_export.py (test_generated_edge_cases_...).
    for body in (footer, client.get(published.get_absolute_url()).content.decode()):
        assert "/media/" not in body and "private-media" not in body
    assert body_of(client.get(download)) == BODY


# -- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "starts"), [("nginx", True), ("lighttpd", False)])
def test_an_unknown_private_files_server_stops_the_process(value, starts):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRIVATE_"))}
    env |= {"DEBUG": "true", "DJANGO_READ_DOT_ENV": "false", "PRIVATE_FILES_SERVER": value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "PRIVATE_FILES_SERVER must be" in result.stderr
