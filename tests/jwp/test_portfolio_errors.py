"""``load_portfolio`` with bad content: the entry is named and nothing is written."""

import pytest
from django.core.management import CommandError, call_command

from jwp.portfolio import PortfolioError, portfolio_load, read_portfolio
from programmes.models import Programme
from windows.models import FundingWindow, Theme

pytestmark = pytest.mark.django_db


def test_a_bad_reference_names_the_entry_and_writes_nothing():
    data = read_portfolio()
    data["programmes"][-1]["instrument"] = "no-such-instrument"
    with pytest.raises(PortfolioError, match="no-such-instrument"):
        portfolio_load(data=data)
    assert Programme.objects.count() == 0
    assert FundingWindow.objects.count() == 0


def test_an_invalid_value_fails_with_the_field_and_writes_nothing():
    data = read_portfolio()
    data["programmes"][0]["budget"] = -5
    data["programmes"][0]["currency"] = "USD"
    with pytest.raises(PortfolioError, match="budget"):
        portfolio_load(data=data)
    assert Theme.objects.count() == 0


def test_the_command_reports_a_broken_file_and_exits_non_zero(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[programmes]]\nslug = \n")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_portfolio", "--file", str(broken))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_portfolio", "--file", str(tmp_path / "missing.toml"))
