"""E-mail notices of the publication workflow: who gets them, what they say, what a repeated
run of the task does, and that a mail server's failure never undoes the editor's action.

Mail goes to Django's local-memory outbox (``mailoutbox``). Transactions only commit in
``django_capture_on_commit_callbacks(execute=True)``: a transition made outside it sends
nothing, which the tests use to set up the history of an item quietly.
"""

import datetime
import logging
import smtplib

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from rest_framework.test import APIClient

from citiesalliance import celery_app
from publishing import services
from publishing.models import PublicationStatus
from publishing.notifications import (
    PUBLISHED,
    SENT_BACK,
    SUBJECT_PREFIX,
    SUBMITTED,
    notification_send,
)
from publishing.tasks import send_workflow_notification
from tests import factories

pytestmark = pytest.mark.django_db

SITE_URL = "https://portfolio.example.org"
REFUSED_ADDRESS = "refused@example.org"

PUBLISHABLE_FACTORIES = [
    factories.ProgrammeFactory,
    factories.JointWorkProgrammeFactory,
    factories.OutputFactory,
    factories.LessonFactory,
    factories.DocumentFactory,
]


class FailingBackend(BaseEmailBackend):
    """Stands in for a mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 Service not available")


class RefusingOneAddressBackend(LocmemBackend):
    """Stands in for a mail server that delivers, but refuses ``REFUSED_ADDRESS``."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED_ADDRESS in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED_ADDRESS: (450, b"Mailbox busy")})
            super().send_messages([message])
        return len(messages)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def editor():
    return factories.EditorFactory(first_name="Amina", last_name="Diallo")


@pytest.fixture
def publisher():
    return factories.PublisherFactory(first_name="Jonas", last_name="Berg")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what would follow the commit of the transitions inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def admin_link(obj) -> str:
    opts = obj._meta
    return SITE_URL + reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def notice(event: str, obj, actor) -> dict:
    """The arguments of the task and of ``notification_send`` for a transition."""
    return {
        "event": event,
        "content_type_id": ContentType.objects.get_for_model(obj).pk,
        "object_id": obj.pk,
        "actor_id": actor.pk,
    }


# --- who is told ------------------------------------------------------------------------


def test_submitting_emails_everyone_who_may_publish_but_the_submitter(committed, mailoutbox):
    publishers = [factories.PublisherFactory(), factories.PublisherFactory()]
    submitter = factories.PublisherFactory()  # a publisher may submit, and is not told
    factories.PublisherFactory(email="")
    factories.PublisherFactory(is_active=False)
    factories.EditorFactory()
    factories.UserFactory(is_superuser=True)  # not a publisher: not told
    granted = factories.UserFactory()
    granted.user_permissions.add(Permission.objects.get(codename="publish_programme"))
    publishes_outputs_only = factories.UserFactory()
    publishes_outputs_only.user_permissions.add(Permission.objects.get(codename="publish_output"))
    programme = factories.ProgrammeFactory()

    with committed():
        services.publication_submit(obj=programme, user=submitter)

    assert sorted(message.to for message in mailoutbox) == sorted(
        [[user.email] for user in [*publishers, granted]]
    )


def test_submitting_tells_each_publisher_in_a_message_of_their_own(committed, mailoutbox, editor):
    first, second = factories.PublisherFactory(), factories.PublisherFactory()
    programme = factories.ProgrammeFactory()

    with committed():
        services.publication_submit(obj=programme, user=editor)

    assert [message.to for message in mailoutbox] == [[first.email], [second.email]]
    assert not any(message.cc or message.bcc for message in mailoutbox)


def test_publishing_emails_the_submitter_with_the_public_link(
    committed, mailoutbox, editor, publisher
):
    programme = factories.ProgrammeFactory(title="Secondary Cities of Ghana")
    services.publication_submit(obj=programme, user=editor)

    with committed():
        services.publication_publish(obj=programme, user=publisher)

    [message] = mailoutbox
    assert message.to == [editor.email]
    assert message.subject == f"{SUBJECT_PREFIX} Programme published: Secondary Cities of Ghana"
    assert "Hello Amina Diallo," in message.body
    assert "Jonas Berg published the programme “Secondary Cities of Ghana”" in message.body
    assert f"{SITE_URL}/programmes/{programme.slug}/" in message.body
    assert admin_link(programme) in message.body


def test_sending_back_emails_the_submitter(committed, mailoutbox, editor, publisher):
    output = factories.OutputFactory(title="Migration and the City")
    services.publication_submit(obj=output, user=editor)

    with committed():
        services.publication_send_back(obj=output, user=publisher)

    [message] = mailoutbox
    assert message.to == [editor.email]
    assert message.subject == f"{SUBJECT_PREFIX} Output sent back to draft: Migration and the City"
    assert "Jonas Berg sent the output “Migration and the City” back to draft" in message.body
    assert admin_link(output) in message.body


@pytest.mark.parametrize(
    "submitter_change",
    [{"is_active": False}, {"email": ""}],
    ids=["inactive", "without-address"],
)
def test_a_submitter_who_cannot_be_reached_is_not_emailed(
    committed, mailoutbox, editor, publisher, submitter_change
):
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=editor)
    for field, value in submitter_change.items():
        setattr(editor, field, value)
    editor.save()

    with committed():
        services.publication_send_back(obj=programme, user=publisher)

    assert mailoutbox == []


def test_publishing_ones_own_submission_emails_nobody(committed, mailoutbox, publisher):
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=publisher)

    with committed():
        services.publication_publish(obj=programme, user=publisher)

    assert mailoutbox == []


def test_publishing_an_item_never_submitted_emails_nobody(committed, mailoutbox, publisher):
    programme = factories.ProgrammeFactory()

    with committed():
        services.publication_publish(obj=programme, user=publisher)

    assert programme.submitted_by is None
    assert mailoutbox == []


def test_unpublishing_and_the_operators_publication_send_nothing(
    committed, mailoutbox, editor, publisher
):
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=editor)
    services.publication_publish(obj=programme, user=publisher)

    with committed():
        services.publication_unpublish(obj=programme, user=publisher)
    with committed():
        services.publication_publish_system(obj=programme)

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert mailoutbox == []


def test_a_transition_that_rolls_back_sends_nothing(committed, mailoutbox, editor, publisher):
    programme = factories.ProgrammeFactory()

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.publication_submit(obj=programme, user=editor)
        raise RuntimeError("the surrounding work fails")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT
    assert mailoutbox == []


# --- what the message says --------------------------------------------------------------


@pytest.mark.parametrize("factory", PUBLISHABLE_FACTORIES)
def test_every_kind_of_item_gets_every_notice(committed, mailoutbox, editor, publisher, factory):
    item = factory()
    kind = item._meta.verbose_name

    with committed():
        services.publication_submit(obj=item, user=editor)
    with committed():
        services.publication_send_back(obj=item, user=publisher)
    with committed():  # a new submission is a new notice
        services.publication_submit(obj=item, user=editor)
    with committed():
        services.publication_publish(obj=item, user=publisher)

    assert [message.to for message in mailoutbox] == [
        [publisher.email],
        [editor.email],
        [publisher.email],
        [editor.email],
    ]
    submitted, sent_back, _submitted_again, published = mailoutbox
    for message, verb in [
        (submitted, "submitted for review"),
        (sent_back, "sent back to draft"),
        (published, "published"),
    ]:
        assert message.subject == f"{SUBJECT_PREFIX} {kind[0].upper()}{kind[1:]} {verb}: {item}"
        assert admin_link(item) in message.body
        assert f"the {kind} “{item}”" in message.body
    public_link = SITE_URL + item.get_absolute_url() if hasattr(item, "get_absolute_url") else None
    if public_link:
        assert public_link in published.body
    else:
        assert "public site" not in published.body


def test_the_submission_notice_names_the_submitter_and_links_to_the_admin(
    committed, mailoutbox, editor, publisher
):
    jwp = factories.JointWorkProgrammeFactory(title="Cities & Migration")

    with committed():
        services.publication_submit(obj=jwp, user=editor)

    [message] = mailoutbox
    assert message.subject == (
        "[Cities Alliance Portfolio] Joint Work Programme submitted for review: Cities & Migration"
    )
    assert message.body.startswith("Hello Jonas Berg,\n\n")
    assert (
        "Amina Diallo submitted the Joint Work Programme “Cities & Migration” for review."
        in message.body
    )
    assert f"\n{admin_link(jwp)}\n" in message.body
    assert admin_link(jwp).startswith(f"{SITE_URL}/admin/jwp/jointworkprogramme/")
    assert "&amp;" not in message.body


def test_a_subject_is_one_line_whatever_the_title(committed, mailoutbox, editor, publisher):
    programme = factories.ProgrammeFactory(title='Slums "Upgrading"\tand <Tenure>')

    with committed():
        services.publication_submit(obj=programme, user=editor)

    [message] = mailoutbox
    assert message.subject == (
        f'{SUBJECT_PREFIX} Programme submitted for review: Slums "Upgrading" and <Tenure>'
    )


def test_a_scheduled_publication_says_when_it_goes_public(committed, mailoutbox, editor, publisher):
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=editor)
    at = timezone.now() + datetime.timedelta(days=3)

    with committed():
        services.publication_publish(obj=programme, user=publisher, at=at)

    [message] = mailoutbox
    day = dateformat.format(timezone.localtime(at), "j F Y")
    assert f"the public will see it from {day}," in message.body


# --- repeated runs ----------------------------------------------------------------------
#
# The rule: a notice goes out only while the item is still in the state its event left it in,
# and at most once to each recipient for each transition. Running the task again for the same
# transition therefore sends nothing; a retry after a partial failure sends only the rest.


def _make_transition(event, item, *, editor, publisher, committed):
    """Moves ``item`` through ``event`` (committed); returns who acted."""
    if event == SUBMITTED:
        with committed():
            services.publication_submit(obj=item, user=editor)
        return editor
    services.publication_submit(obj=item, user=editor)
    with committed():
        if event == PUBLISHED:
            services.publication_publish(obj=item, user=publisher)
        else:
            services.publication_send_back(obj=item, user=publisher)
    return publisher


@pytest.mark.parametrize("event", [SUBMITTED, PUBLISHED, SENT_BACK])
def test_running_the_task_again_for_the_same_transition_sends_nothing(
    committed, mailoutbox, editor, publisher, event
):
    factories.PublisherFactory()
    programme = factories.ProgrammeFactory()
    actor = _make_transition(
        event, programme, editor=editor, publisher=publisher, committed=committed
    )
    sent = len(mailoutbox)
    assert sent >= 1

    result = send_workflow_notification.delay(**notice(event, programme, actor))

    assert result.get() == 0
    assert len(mailoutbox) == sent


def test_a_notice_overtaken_by_a_later_transition_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox, editor, publisher
):
    programme = factories.ProgrammeFactory()
    with django_capture_on_commit_callbacks() as queued:
        services.publication_submit(obj=programme, user=editor)
    services.publication_send_back(obj=programme, user=publisher)

    for callback in queued:  # the submission's notice reaches a worker only now
        callback()

    assert len(queued) == 1
    assert mailoutbox == []
    assert notification_send(**notice(SUBMITTED, programme, editor)) == 0


def test_a_notice_for_a_deleted_item_sends_nothing(mailoutbox, editor, publisher):
    document = factories.DocumentFactory()
    services.publication_submit(obj=document, user=editor)
    submitted = notice(SUBMITTED, document, editor)
    document.delete()

    assert notification_send(**submitted) == 0
    assert mailoutbox == []


def test_a_retry_after_a_partial_failure_reaches_only_the_rest(mailoutbox, editor, settings):
    first = factories.PublisherFactory()
    refused = factories.PublisherFactory(email=REFUSED_ADDRESS)
    last = factories.PublisherFactory()
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=editor)  # its own notice is never run
    submitted = notice(SUBMITTED, programme, editor)

    settings.EMAIL_BACKEND = f"{__name__}.RefusingOneAddressBackend"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        notification_send(**submitted)
    assert [message.to for message in mailoutbox] == [[first.email]]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send(**submitted) == 2
    assert [message.to for message in mailoutbox] == [[first.email], [refused.email], [last.email]]


# --- failures and wiring ----------------------------------------------------------------


def test_a_mail_server_failure_does_not_undo_the_submission(
    committed, mailoutbox, editor, publisher, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    programme = factories.ProgrammeFactory()

    with caplog.at_level(logging.ERROR, logger="publishing.services"), committed():
        returned = services.publication_submit(obj=programme, user=editor)

    assert returned.status == PublicationStatus.IN_REVIEW
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.IN_REVIEW
    assert programme.submitted_by == editor
    [record] = [r for r in caplog.records if r.name == "publishing.services"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    # Tasks run inline here: Celery reports the refusal as a retry it cannot schedule.
    assert "421 Service not available" in caplog.text
    assert mailoutbox == []


def test_the_task_is_registered_on_the_projects_celery_app():
    assert send_workflow_notification.app is celery_app
    assert send_workflow_notification.name in celery_app.tasks
    assert send_workflow_notification.name == "publishing.tasks.send_workflow_notification"


def test_submitting_through_the_api_emails_the_publishers(committed, mailoutbox, editor, publisher):
    programme = factories.ProgrammeFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(editor)}")

    with committed():
        response = client.post(f"/api/v1/programmes/{programme.slug}/submit/")

    assert response.status_code == 200, response.content
    [message] = mailoutbox
    assert message.to == [publisher.email]
    assert message.subject == f"{SUBJECT_PREFIX} Programme submitted for review: {programme.title}"
