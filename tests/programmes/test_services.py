"""programme_create / programme_update: permissions, validation, drafts, history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes.models import Programme
from programmes.services import programme_create, programme_update
from publishing import services as publishing
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return factories.EditorFactory()


def programme_data(**overrides) -> dict:
    data = {
        "instrument": factories.InstrumentFactory(),
        "iati_identifier": "XX-TEST-NEW-1",
        "title": "Secondary Cities Programme",
        "slug": "secondary-cities",
        "summary": "Built through the service.",
    }
    return {**data, **overrides}


def test_create_sets_every_field_and_starts_as_a_draft(editor):
    themes = factories.ThemeFactory.create_batch(2)
    country = factories.CountryFactory()
    city = factories.CityFactory(country=country)
    parent = factories.ProgrammeFactory()
    data = programme_data(
        description="Long text.",
        activity_status="3",
        planned_start=datetime.date(2020, 1, 1),
        planned_end=datetime.date(2022, 12, 31),
        actual_start=datetime.date(2020, 3, 1),
        actual_end=datetime.date(2023, 6, 30),
        budget=Decimal("250000.50"),
        currency="EUR",
        themes=themes,
        countries=[country],
        cities=[city],
        parent=parent,
        notes="Dates from the grant letter.",
    )

    programme = programme_create(user=editor, data=data)

    programme = Programme.objects.get(pk=programme.pk)
    assert programme.status == PublicationStatus.DRAFT
    assert programme.published_at is None
    assert programme.instrument == data["instrument"]
    assert programme.budget == Decimal("250000.50")
    assert programme.actual_end == datetime.date(2023, 6, 30)
    assert programme.parent == parent
    assert programme.notes == "Dates from the grant letter."
    assert set(programme.themes.all()) == set(themes)
    assert list(programme.countries.all()) == [country]
    assert list(programme.cities.all()) == [city]
    assert programme.history.get().history_user == editor


@pytest.mark.parametrize("user_factory", [None, factories.UserFactory])
def test_create_needs_the_add_permission(user_factory):
    user = user_factory() if user_factory else None
    with pytest.raises(PermissionDenied):
        programme_create(user=user, data=programme_data())
    assert not Programme.objects.exists()


def test_update_needs_the_change_permission():
    programme = factories.ProgrammeFactory(title="Before")
    with pytest.raises(PermissionDenied):
        programme_update(user=factories.UserFactory(), programme=programme, data={"title": "X"})
    programme.refresh_from_db()
    assert programme.title == "Before"


@pytest.mark.parametrize(
    "field", ["status", "published_at", "published_by", "submitted_by", "submitted_at", "foo"]
)
def test_workflow_and_unknown_fields_are_refused(editor, field):
    with pytest.raises(ValidationError) as error:
        programme_create(user=editor, data=programme_data(**{field: "published"}))
    assert field in error.value.message_dict
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"planned_start": datetime.date(2020, 1, 1), "planned_end": datetime.date(2019, 1, 1)},
            "planned_end",
        ),
        (
            {"actual_start": datetime.date(2020, 1, 1), "actual_end": datetime.date(2019, 1, 1)},
            "actual_end",
        ),
        ({"budget": Decimal("-1"), "currency": "USD"}, "budget"),
        ({"budget": Decimal("10")}, "currency"),
        ({"iati_identifier": "has spaces/slash"}, "iati_identifier"),
        ({"activity_status": "9"}, "activity_status"),
        ({"slug": "taken"}, "slug"),
        ({"iati_identifier": "XX-TAKEN"}, "iati_identifier"),
    ],
)
def test_create_validation_errors_name_the_field(editor, overrides, field):
    factories.ProgrammeFactory(slug="taken", iati_identifier="XX-TAKEN")
    with pytest.raises(ValidationError) as error:
        programme_create(user=editor, data=programme_data(**overrides))
    assert field in error.value.message_dict
    assert Programme.objects.count() == 1


def test_update_changes_only_the_given_fields(editor):
    theme = factories.ThemeFactory()
    country = factories.CountryFactory()
    programme = factories.ProgrammeFactory(description="Kept")
    programme.themes.add(theme)
    programme.countries.add(country)

    updated = programme_update(user=editor, programme=programme, data={"title": "New title"})

    updated = Programme.objects.get(pk=programme.pk)
    assert updated.title == "New title"
    assert updated.description == "Kept"
    assert updated.budget == Decimal("1000000")
    assert list(updated.themes.all()) == [theme]
    assert list(updated.countries.all()) == [country]
    assert updated.history.first().history_user == editor


def test_update_replaces_many_to_many_fields_when_given(editor):
    old, new = factories.ThemeFactory.create_batch(2)
    programme = factories.ProgrammeFactory()
    programme.themes.add(old)
    programme_update(user=editor, programme=programme, data={"themes": [new], "cities": []})
    assert list(programme.themes.all()) == [new]


def test_update_never_changes_the_publication_state():
    """The caller's copy was loaded before a publisher published the programme: saving it must
    not put the draft state back."""
    programme = factories.ProgrammeFactory()
    stale = Programme.objects.get(pk=programme.pk)
    publisher = factories.PublisherFactory()
    publishing.publication_publish(obj=programme, user=publisher)

    updated = programme_update(user=publisher, programme=stale, data={"title": "Edited"})

    assert updated.status == PublicationStatus.PUBLISHED
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert programme.title == "Edited"


def test_update_refuses_workflow_fields(editor):
    programme = factories.ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        programme_update(user=editor, programme=programme, data={"status": "published"})
    assert "status" in error.value.message_dict
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_update_validates_against_the_stored_values(editor):
    programme = factories.ProgrammeFactory(
        planned_start=datetime.date(2016, 1, 1), planned_end=datetime.date(2019, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        programme_update(
            user=editor, programme=programme, data={"planned_start": datetime.date(2020, 1, 1)}
        )
    assert "planned_end" in error.value.message_dict


def test_a_programme_cannot_sit_below_its_own_child(editor):
    parent = factories.ProgrammeFactory()
    child = factories.ProgrammeFactory(parent=parent)
    with pytest.raises(ValidationError) as error:
        programme_update(user=editor, programme=parent, data={"parent": child})
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        programme_update(user=editor, programme=parent, data={"parent": parent})
    assert "parent" in error.value.message_dict
