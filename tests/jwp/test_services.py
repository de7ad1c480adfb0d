"""output_create / output_update: permissions, validation, drafts, history."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from jwp.models import Output, OutputKind
from jwp.services import output_create, output_update
from publishing import services as publishing
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return factories.EditorFactory()


def output_data(**overrides) -> dict:
    data = {"title": "City diagnostics toolkit", "slug": "toolkit", "kind": OutputKind.TOOLKIT}
    if "jwp" not in overrides and "programme" not in overrides:
        data["jwp"] = factories.JointWorkProgrammeFactory()
    return {**data, **overrides}


def test_create_sets_every_field_and_starts_as_a_draft(editor):
    phase = factories.PhaseFactory()
    programme = factories.ProgrammeFactory()
    theme = factories.ThemeFactory()

    output = output_create(
        user=editor,
        data=output_data(
            date=datetime.date(2021, 5, 1),
            summary="How to.",
            url="https://example.org/toolkit",
            language="fr",
            themes=[theme],
            jwp=phase.jwp,
            phase=phase,
            programme=programme,
        ),
    )

    output = Output.objects.get(pk=output.pk)
    assert output.status == PublicationStatus.DRAFT
    assert output.published_at is None
    assert (output.jwp, output.phase, output.programme) == (phase.jwp, phase, programme)
    assert output.url == "https://example.org/toolkit"
    assert output.language == "fr"
    assert list(output.themes.all()) == [theme]
    assert output.history.get().history_user == editor


@pytest.mark.parametrize("user_factory", [None, factories.UserFactory])
def test_create_needs_the_add_permission(user_factory):
    user = user_factory() if user_factory else None
    with pytest.raises(PermissionDenied):
        output_create(user=user, data=output_data())
    assert not Output.objects.exists()


def test_update_needs_the_change_permission():
    output = factories.OutputFactory(title="Before")
    with pytest.raises(PermissionDenied):
        output_update(user=factories.UserFactory(), output=output, data={"title": "After"})
    output.refresh_from_db()
    assert output.title == "Before"


@pytest.mark.parametrize("field", ["status", "published_at", "file", "link"])
def test_workflow_file_and_unknown_fields_are_refused(editor, field):
    with pytest.raises(ValidationError) as error:
        output_create(user=editor, data=output_data(**{field: "x"}))
    assert field in error.value.message_dict
    assert not Output.objects.exists()


def test_a_phase_of_another_jwp_is_refused(editor):
    phase = factories.PhaseFactory()
    with pytest.raises(ValidationError) as error:
        output_create(user=editor, data=output_data(phase=phase))
    assert "phase" in error.value.message_dict


def test_a_phase_needs_its_jwp(editor):
    phase = factories.PhaseFactory()
    with pytest.raises(ValidationError) as error:
        output_create(
            user=editor,
            data=output_data(programme=factories.ProgrammeFactory(), phase=phase),
        )
    assert "phase" in error.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"jwp": None}, NON_FIELD_ERRORS),
        ({"kind": "novel"}, "kind"),
        ({"url": "not a link"}, "url"),
        ({"slug": "taken"}, "slug"),
        ({"language": "xx"}, "language"),
    ],
)
def test_create_validation_errors_name_the_field(editor, overrides, field):
    factories.OutputFactory(slug="taken")
    with pytest.raises(ValidationError) as error:
        output_create(user=editor, data=output_data(**overrides))
    assert field in error.value.message_dict
    assert Output.objects.count() == 1


def test_moving_to_another_jwp_keeps_the_old_phase_and_is_refused(editor):
    phase = factories.PhaseFactory()
    output = factories.OutputFactory(jwp=phase.jwp, phase=phase)
    with pytest.raises(ValidationError) as error:
        output_update(
            user=editor, output=output, data={"jwp": factories.JointWorkProgrammeFactory()}
        )
    assert "phase" in error.value.message_dict
    output.refresh_from_db()
    assert output.jwp == phase.jwp


def test_update_changes_only_the_given_fields_and_never_the_state(editor):
    theme = factories.ThemeFactory()
    output = factories.OutputFactory(summary="Kept")
    output.themes.add(theme)
    stale = Output.objects.get(pk=output.pk)
    publisher = factories.PublisherFactory()
    publishing.publication_publish(obj=output, user=publisher)

    output_update(user=publisher, output=stale, data={"title": "Edited"})

    updated = Output.objects.get(pk=output.pk)
    assert updated.title == "Edited"
    assert updated.summary == "Kept"
    assert list(updated.themes.all()) == [theme]
    assert updated.status == PublicationStatus.PUBLISHED
    assert updated.history.first().history_user == publisher


def test_an_editor_cannot_write_a_published_output_directly_only_propose(editor):
    output = factories.OutputFactory(title="Live")
    publishing.publication_publish(obj=output, user=factories.PublisherFactory())

    with pytest.raises(PermissionDenied, match="revision"):
        output_update(user=editor, output=output, data={"title": "Edited"})
    assert Output.objects.get(pk=output.pk).title == "Live"

    revision = publishing.edit(
        obj=output,
        user=editor,
        write=lambda: output_update(user=editor, output=output, data={"title": "Edited"}),
    )

    assert revision is not None
    assert Output.objects.get(pk=output.pk).title == "Live"
    assert publishing.pending_revision(output) == revision
