"""The database itself refuses what breaks an invariant, whatever path writes the row.

Each test writes with ``QuerySet.update`` or ``Model.save`` (no ``full_clean``) so only
PostgreSQL stands between the bad value and the table.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    ActivityFactory,
    CityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
)

pytestmark = pytest.mark.django_db


def rejected(write) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_planned_end_before_start_is_rejected():
    programme = ProgrammeFactory()
    message = rejected(
        lambda: (
            type(programme)
            .objects.filter(pk=programme.pk)
            .update(planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2019, 1, 1))
        )
    )
    assert "programme_planned_end_after_start" in message


def test_actual_end_before_start_is_rejected():
    programme = ProgrammeFactory()
    message = rejected(
        lambda: (
            type(programme)
            .objects.filter(pk=programme.pk)
            .update(actual_start=datetime.date(2020, 1, 1), actual_end=datetime.date(2019, 12, 31))
        )
    )
    assert "programme_actual_end_after_start" in message


def test_end_on_the_start_day_is_accepted():
    ProgrammeFactory(planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2020, 1, 1))


def test_negative_budget_is_rejected():
    message = rejected(lambda: ProgrammeFactory(budget=Decimal("-1")))
    assert "programme_budget_not_negative" in message


def test_budget_without_currency_is_rejected():
    message = rejected(lambda: ProgrammeFactory(budget=Decimal("10"), currency=""))
    assert "programme_budget_has_currency" in message


def test_iati_identifier_is_unique():
    ProgrammeFactory(iati_identifier="XX-TEST-SAME")
    message = rejected(lambda: ProgrammeFactory(iati_identifier="XX-TEST-SAME"))
    assert "iati_identifier" in message


def test_programme_slug_is_unique():
    ProgrammeFactory(slug="same")
    message = rejected(lambda: ProgrammeFactory(slug="same"))
    assert "slug" in message


def test_programme_cannot_be_its_own_parent():
    programme = ProgrammeFactory()
    message = rejected(
        lambda: type(programme).objects.filter(pk=programme.pk).update(parent=programme)
    )
    assert "programme_not_own_parent" in message


def test_unknown_activity_status_is_rejected():
    message = rejected(lambda: ProgrammeFactory(activity_status="9"))
    assert "programme_activity_status_valid" in message


def test_unknown_publication_status_is_rejected():
    message = rejected(lambda: ProgrammeFactory(status="archived"))
    assert "status_valid" in message


def test_published_without_publication_time_is_rejected():
    message = rejected(lambda: ProgrammeFactory(status="published", published_at=None))
    assert "programmes_programme_published_has_date" in message


def test_city_coordinates_in_range_and_together():
    assert "city_latitude_range" in rejected(lambda: CityFactory(latitude=Decimal("91")))
    assert "city_longitude_range" in rejected(lambda: CityFactory(longitude=Decimal("-181")))
    assert "city_coordinates_together" in rejected(lambda: CityFactory(longitude=None))


def test_country_codes_are_upper_case_letters():
    from tests.factories import CountryFactory

    assert "country_iso2" in rejected(lambda: CountryFactory(iso2="u1"))
    assert "country_iso3" in rejected(lambda: CountryFactory(iso3="ug"))


def test_organisation_iati_ref_unique_when_given():
    OrganisationFactory(iati_ref="")
    OrganisationFactory(iati_ref="")  # several organisations without a reference are fine
    OrganisationFactory(iati_ref="GB-GOV-1")
    message = rejected(lambda: OrganisationFactory(iati_ref="GB-GOV-1"))
    assert "organisation_iati_ref_unique" in message


def test_organisation_type_must_be_an_iati_code():
    assert "organisation_type_valid" in rejected(lambda: OrganisationFactory(org_type="99"))


def test_partner_role_unique_and_valid():
    partner = ProgrammePartnerFactory(role="1")
    message = rejected(
        lambda: ProgrammePartnerFactory(
            programme=partner.programme, organisation=partner.organisation, role="1"
        )
    )
    assert "programme_partner_unique_role" in message
    # the same organisation in another role is allowed
    ProgrammePartnerFactory(
        programme=partner.programme, organisation=partner.organisation, role="4"
    )
    assert "programme_partner_role_valid" in rejected(lambda: ProgrammePartnerFactory(role="7"))


def test_activity_level_must_be_known():
    assert "activity_level_valid" in rejected(lambda: ActivityFactory(level="global"))
