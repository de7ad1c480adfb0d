"""The publication workflow and ``.published()``, for every publishable model."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jwp.models import JointWorkProgramme, Lesson, Output
from programmes.models import Country, Programme
from publishing import services
from publishing.models import Document, PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHABLE_FACTORIES = [
    factories.ProgrammeFactory,
    factories.JointWorkProgrammeFactory,
    factories.OutputFactory,
    factories.LessonFactory,
    factories.DocumentFactory,
]


@pytest.fixture
def editor():
    return factories.EditorFactory()


@pytest.fixture
def publisher():
    return factories.PublisherFactory()


@pytest.mark.parametrize("factory", PUBLISHABLE_FACTORIES)
def test_draft_to_review_to_published(factory, editor, publisher):
    obj = factory()
    assert obj.status == PublicationStatus.DRAFT

    services.publication_submit(obj=obj, user=editor)
    obj.refresh_from_db()
    assert obj.status == PublicationStatus.IN_REVIEW
    assert obj.submitted_by == editor
    assert obj.submitted_at is not None

    services.publication_publish(obj=obj, user=publisher)
    obj.refresh_from_db()
    assert obj.status == PublicationStatus.PUBLISHED
    assert obj.published_by == publisher
    assert obj.published_at <= timezone.now()
    assert type(obj).objects.published().filter(pk=obj.pk).exists()


@pytest.mark.parametrize("factory", PUBLISHABLE_FACTORIES)
def test_editor_cannot_publish_unpublish_or_send_back(factory, editor, publisher):
    obj = factory()
    with pytest.raises(PermissionDenied):
        services.publication_publish(obj=obj, user=editor)
    services.publication_submit(obj=obj, user=editor)
    with pytest.raises(PermissionDenied):
        services.publication_send_back(obj=obj, user=editor)
    services.publication_publish(obj=obj, user=publisher)
    with pytest.raises(PermissionDenied):
        services.publication_unpublish(obj=obj, user=editor)
    obj.refresh_from_db()
    assert obj.status == PublicationStatus.PUBLISHED


def test_anonymous_and_plain_staff_cannot_submit():
    programme = factories.ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        services.publication_submit(obj=programme, user=None)
    with pytest.raises(PermissionDenied):
        services.publication_submit(obj=programme, user=factories.UserFactory())


def test_send_back_and_unpublish(publisher, editor):
    output = factories.OutputFactory()
    services.publication_submit(obj=output, user=editor)
    services.publication_send_back(obj=output, user=publisher)
    output.refresh_from_db()
    assert output.status == PublicationStatus.DRAFT

    services.publication_publish(obj=output, user=publisher)
    first_published_at = output.published_at
    services.publication_unpublish(obj=output, user=publisher)
    assert not Output.objects.published().filter(pk=output.pk).exists()
    services.publication_publish(obj=output, user=publisher)
    output.refresh_from_db()
    assert output.published_at == first_published_at  # the first publication date is kept


def test_invalid_transitions_are_refused(publisher):
    programme = factories.ProgrammeFactory()
    with pytest.raises(ValidationError):
        services.publication_unpublish(obj=programme, user=publisher)
    with pytest.raises(ValidationError):
        services.publication_send_back(obj=programme, user=publisher)
    services.publication_publish(obj=programme, user=publisher)
    with pytest.raises(ValidationError):
        services.publication_publish(obj=programme, user=publisher)
    with pytest.raises(ValidationError):
        services.publication_submit(obj=programme, user=publisher)


def test_publishing_an_invalid_item_is_refused(publisher):
    lesson = factories.LessonFactory(
        programme=factories.ProgrammeFactory(
            instrument=factories.InstrumentFactory(
                window=factories.FundingWindowFactory(code="global")
            )
        )
    )
    with pytest.raises(ValidationError) as error:
        services.publication_publish(obj=lesson, user=publisher)
    assert "programme" in error.value.message_dict
    lesson.refresh_from_db()
    assert lesson.status == PublicationStatus.DRAFT


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Programme, factories.ProgrammeFactory),
        (JointWorkProgramme, factories.JointWorkProgrammeFactory),
        (Output, factories.OutputFactory),
        (Lesson, factories.LessonFactory),
        (Document, factories.DocumentFactory),
    ],
)
def test_published_queryset_shows_only_published_items_whose_time_has_come(model, factory):
    now = timezone.now()
    visible = factory(status="published", published_at=now - datetime.timedelta(minutes=1))
    factory(status="draft")
    factory(status="review")
    factory(status="published", published_at=now + datetime.timedelta(days=1))  # scheduled
    factory(status="draft", published_at=now - datetime.timedelta(days=3))  # withdrawn
    assert list(model.objects.published()) == [visible]


def test_scheduled_publication(publisher):
    programme = factories.ProgrammeFactory()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    services.publication_publish(obj=programme, user=publisher, at=tomorrow)
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert not Programme.objects.published().exists()


def test_each_transition_is_recorded_in_history_with_who_and_why(editor, publisher):
    programme = factories.ProgrammeFactory()
    services.publication_submit(obj=programme, user=editor)
    services.publication_publish(obj=programme, user=publisher)
    records = list(programme.history.order_by("history_date"))
    assert [(r.history_user, r.history_change_reason, r.status) for r in records[-2:]] == [
        (editor, "Submitted for review", "review"),
        (publisher, "Published", "published"),
    ]


def test_content_save_keeps_used_reference_data_for_publishers(editor, publisher):
    """The rule of the admin's reference lists holds in the services too, for every caller."""
    used = factories.CountryFactory(iso2="UG", name="Uganda")
    unused = factories.CountryFactory(iso2="TN", name="Tunisia")
    factories.ProgrammeFactory(published=True).countries.add(used)

    used.name = "Changed"
    with pytest.raises(PermissionDenied, match="only a Publisher"):
        services.content_save(used, user=editor)
    unused.name = "Tunisie"
    services.content_save(unused, user=editor)  # nothing public shows it yet
    services.content_save(used, user=publisher)

    assert Country.objects.get(iso2="UG").name == "Changed"
    assert Country.objects.get(iso2="TN").name == "Tunisie"


def test_content_save_refuses_a_live_change_outside_a_revision(editor):
    programme = factories.ProgrammeFactory(published=True, title="Live")
    programme.title = "Edited"
    with pytest.raises(PermissionDenied, match="revision"):
        services.content_save(programme, user=editor)
    assert Programme.objects.get(pk=programme.pk).title == "Live"
