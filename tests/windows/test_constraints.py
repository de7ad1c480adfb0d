import pytest
from django.db import IntegrityError, transaction

from tests.factories import FundingWindowFactory, InstrumentFactory, ThemeFactory
from windows.models import FundingWindow

pytestmark = pytest.mark.django_db


def rejected(write) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_at_most_the_two_windows():
    FundingWindowFactory(code="country-city")
    FundingWindowFactory(code="global")
    assert "code" in rejected(
        lambda: FundingWindow.objects.create(code="global", name="Again", slug="again")
    )
    assert "window_code_valid" in rejected(
        lambda: FundingWindow.objects.create(code="regional", name="Regional", slug="regional")
    )


def test_instrument_needs_a_window_and_a_known_kind():
    assert "window_id" in rejected(lambda: InstrumentFactory(window=None))
    assert "instrument_kind_valid" in rejected(lambda: InstrumentFactory(kind="loan"))


def test_theme_dac_code_has_five_digits():
    ThemeFactory(dac_sector_code="")
    assert "theme_dac_sector_code_five_digits" in rejected(
        lambda: ThemeFactory(dac_sector_code="4303")
    )


def test_theme_and_instrument_slugs_unique():
    ThemeFactory(slug="same")
    assert "slug" in rejected(lambda: ThemeFactory(slug="same"))
    InstrumentFactory(slug="same")
    assert "slug" in rejected(lambda: InstrumentFactory(slug="same"))
