"""Our choices are exactly the active codes of the official IATI codelists."""

import pytest
from lxml import etree

from programmes import iati_codes
from tests.iati import codelist_dir


def active_codes(name: str) -> set[str]:
    root = etree.parse(str(codelist_dir() / f"{name}.xml"))
    return {
        item.findtext("code")
        for item in root.iter("codelist-item")
        if item.get("status") != "withdrawn"
    }


@pytest.mark.parametrize(
    "name",
    [
        "ActivityStatus",
        "OrganisationRole",
        "OrganisationType",
        "Region",
        "Currency",
        "TransactionType",
        "BudgetType",
        "BudgetStatus",
        "FlowType",
        "TiedStatus",
        "FinanceType",
        "AidType",
        "SectorVocabulary",
        "PolicyMarkerVocabulary",
        "PolicyMarker",
        "PolicySignificance",
        "ActivityScope",
        "CollaborationType",
        "ContactType",
        "DescriptionType",
    ],
)
def test_choices_match_the_active_codelist(name):
    assert set(getattr(iati_codes, name).values) == active_codes(name)
