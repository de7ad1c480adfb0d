"""Stored files of outputs and documents go once nothing refers to them: not the live item,
not a version in its history (a revert needs it), not a pending revision. The write path removes
what a write left behind at once; the nightly sweep catches the rest."""

import datetime
import os
from io import StringIO

import factory
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from jwp.models import Output
from publishing import files, services
from publishing.models import Document
from publishing.storage import private_storage
from tests import factories

pytestmark = pytest.mark.django_db

BODY = b"%PDF-1.4 the report\n%%EOF\n"
NO_GRACE = datetime.timedelta(0)


def stored(name: str) -> bytes:
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def a_file():
    return factory.django.FileField(filename="report.pdf", data=BODY)


@pytest.fixture
def draft():
    return factories.OutputFactory(jwp__published=True, file=a_file())


@pytest.fixture
def published():
    return factories.OutputFactory(published=True, jwp__published=True, file=a_file())


@pytest.fixture
def editor():
    return factories.EditorFactory()


@pytest.fixture
def publisher():
    return factories.PublisherFactory()


# -- pending revisions -------------------------------------------------------------------------


def propose_file(output, user, name, body):
    def write():
        fresh = Output.objects.get(pk=output.pk)
        fresh.file = ContentFile(body, name=name)
        services.content_save(fresh, user=user)

    return services.edit(obj=output, user=user, write=write)


def test_a_rejected_or_replaced_proposal_takes_its_file_with_it(
    published, editor, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = propose_file(published, editor, "first.pdf", b"%PDF-1.4 first")
    first_name = first.proposed["fields"]["file"]
    assert files.files_prune(grace=NO_GRACE) == []  # a pending revision needs it
    assert private_storage.exists(first_name)

    with django_capture_on_commit_callbacks(execute=True):
        second = propose_file(published, editor, "second.pdf", b"%PDF-1.4 second")
    second_name = second.proposed["fields"]["file"]
    assert second.pk == first.pk
    assert not private_storage.exists(first_name)  # replaced: nothing refers to it
    assert private_storage.exists(second_name)

    with django_capture_on_commit_callbacks(execute=True):
        services.revision_reject(revision=second, user=publisher, comment="Not this file.")
    assert not private_storage.exists(second_name)
    assert stored(published.file.name) == BODY


# -- removing what nothing refers to -----------------------------------------------------------


def test_a_replaced_file_stays_while_the_history_refers_to_it(
    draft, publisher, django_capture_on_commit_callbacks
):
    old = draft.file.name
    draft.file = ContentFile(b"%PDF-1.4 new", name="new.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_save(draft, user=publisher)
    assert private_storage.exists(old)  # a revert would need it
    assert files.files_prune(grace=NO_GRACE) == []

    Output.history.filter(file=old).delete()  # as clean_old_history does
    assert files.files_prune(grace=NO_GRACE) == [old]
    assert not private_storage.exists(old)
    assert stored(draft.file.name) == b"%PDF-1.4 new"


def test_the_write_path_removes_a_replaced_file_nothing_refers_to(
    draft, publisher, django_capture_on_commit_callbacks
):
    """History switched off for a save (simple-history's ``skip_history_when_saving``): the
    replaced file has no reference left, and goes as the save commits."""
    old = draft.file.name
    Output.history.all().delete()
    draft.file = ContentFile(b"%PDF-1.4 new", name="new.pdf")
    draft.skip_history_when_saving = True
    with django_capture_on_commit_callbacks(execute=True):
        services.content_save(draft, user=publisher)
    assert not private_storage.exists(old)
    assert private_storage.exists(draft.file.name)


def test_a_deleted_items_file_goes_with_its_last_reference(
    publisher, django_capture_on_commit_callbacks
):
    document = factories.DocumentFactory()
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.content_delete(document, user=publisher)
    assert private_storage.exists(name)  # the history's deletion entry names it
    Document.history.all().delete()
    assert files.files_prune(grace=NO_GRACE) == [name]


def test_the_sweep_spares_young_files_and_files_of_other_folders(draft):
    orphan = private_storage.save("outputs/orphan.pdf", ContentFile(b"%PDF-1.4 orphan"))
    export = private_storage.save("exports/2026/12/export.csv", ContentFile(b"a,b\n"))
    assert files.files_prune() == []  # younger than a day: its row may not be committed yet
    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=1)
    out = StringIO()
    call_command("prune_files", "--dry-run", "--hours", "0", stdout=out)
    assert f"would remove {orphan}" in out.getvalue() and private_storage.exists(orphan)
    assert files.files_prune(now=tomorrow) == [orphan]
    assert private_storage.exists(export) and private_storage.exists(draft.file.name)


def test_the_nightly_task_removes_an_old_orphan(draft, settings):
    from publishing.tasks import prune_files

    orphan = private_storage.save("documents/left-behind.pdf", ContentFile(b"%PDF-1.4"))
    two_days_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    for name in (orphan, draft.file.name):
        os.utime(settings.PRIVATE_MEDIA_ROOT / name, (two_days_ago, two_days_ago))
    assert prune_files.apply().get() == 1
    assert not private_storage.exists(orphan) and private_storage.exists(draft.file.name)
