"""The IATI export: valid against the official 2.03 schema, every code from the official
codelists and never a withdrawn one, published items only, nothing emitted half-made."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from iati.export import activities_document, jwps_for_export, programmes_for_export
from iati.schema import ORGANISATIONS, schema_errors
from programmes.models import Programme, ProgrammeCountry
from tests import factories
from tests.iati import codelist_dir, rulesets_path, schema_dir

pytestmark = pytest.mark.django_db

# attribute of an element -> the codelist its values come from
CODED = {
    ("reporting-org", "type"): "OrganisationType",
    ("participating-org", "role"): "OrganisationRole",
    ("participating-org", "type"): "OrganisationType",
    ("description", "type"): "DescriptionType",
    ("activity-status", "code"): "ActivityStatus",
    ("activity-date", "type"): "ActivityDateType",
    ("activity-scope", "code"): "ActivityScope",
    ("recipient-country", "code"): "Country",
    ("recipient-region", "code"): "Region",
    ("sector", "vocabulary"): "SectorVocabulary",
    ("budget", "type"): "BudgetType",
    ("budget", "status"): "BudgetStatus",
    ("value", "currency"): "Currency",
    ("iati-activity", "default-currency"): "Currency",
    ("category", "code"): "DocumentCategory",
    ("language", "code"): "Language",
}
# sector/@vocabulary -> the codelist of its codes
SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory", "7": "UNSDG-Goals", "8": "UNSDG-Targets"}


@pytest.fixture(autouse=True)
def _schemas(settings):
    settings.IATI_SCHEMA_DIR = str(schema_dir())


def codelist(name: str) -> tuple[set[str], set[str]]:
    """(active codes, withdrawn codes) of an official codelist."""
    root = etree.parse(str(codelist_dir() / f"{name}.xml"))
    active, withdrawn = set(), set()
    for item in root.iter("codelist-item"):
        (withdrawn if item.get("status") == "withdrawn" else active).add(item.findtext("code"))
    return active, withdrawn


def export(skipped=None) -> etree._Element:
    body = b"".join(
        activities_document(
            programmes=programmes_for_export(),
            jwps=jwps_for_export(),
            base_url="https://portfolio.example.org",
            skipped=skipped,
        )
    )
    return etree.fromstring(body)


def assert_valid(document):
    errors = schema_errors(document)
    assert not errors, "\n".join(f"line {line}: {message}" for line, message in errors[:20])
    lists = {}
    for (tag, attribute), name in CODED.items():
        active, withdrawn = lists.setdefault(name, codelist(name))
        for element in document.iter(tag):
            value = element.get(attribute)
            if value is None:
                continue
            assert value not in withdrawn, f"{tag}/@{attribute}={value} is withdrawn"
            assert value in active, f"{tag}/@{attribute}={value} is not in {name}"
    for element in document.iter("related-activity"):
        assert element.get("type") in {"1", "2", "3", "4", "5"}
    for element in document.iter("sector"):
        name = SECTOR_CODELISTS[element.get("vocabulary", "1")]
        active, _withdrawn = lists.setdefault(name, codelist(name))
        assert element.get("code") in active, f"sector {element.get('code')} is not in {name}"


def percentages(activity, tag) -> list[Decimal]:
    return [Decimal(element.get("percentage")) for element in activity.findall(tag)]


def test_the_loaded_portfolio_exports_valid_iati(settings):
    call_command("load_portfolio", stdout=StringIO())
    skipped = []
    document = export(skipped)
    assert document.get("version") == "2.03"
    assert document.get("generated-datetime")
    assert_valid(document)
    identifiers = {a.findtext("iati-identifier") for a in document.iter("iati-activity")}
    # Future Cities Africa works in three countries whose shares nobody has given: it waits
    # outside the file, named with what is missing, rather than with invented percentages.
    fca = Programme.objects.get(slug="future-cities-africa")
    assert fca.iati_identifier not in identifiers
    [fca_skipped] = [item for item in skipped if item.identifier == fca.iati_identifier]
    assert "recipient countries without their percentages" in fca_skipped.problems
    assert Programme.objects.get(slug="ghana").iati_identifier in identifiers
    assert "XX-PLACEHOLDER-CA-JWP-CGA" in identifiers or any("JWP" in i for i in identifiers)
    # every published programme and JWP is either exported or listed with its problems
    published = (
        Programme.objects.published().count()
        + factories.JointWorkProgrammeFactory._meta.model.objects.published().count()
    )
    assert len(identifiers) + len(skipped) == published
    assert all(item.problems for item in skipped)
    for activity in document.iter("iati-activity"):
        reporting = activity.find("reporting-org")
        assert reporting.get("ref") == settings.IATI_REPORTING_ORG_REF
        for tag in ("recipient-country", "sector"):
            shares = percentages(activity, tag) if len(activity.findall(tag)) > 1 else []
            assert not shares or sum(shares) == 100, (activity.findtext("iati-identifier"), tag)


COUNTRY_SHARES = {1: [None], 2: [60, 40], 3: [50, 30, 20], 4: [40, 30, 20, 10]}
SECTOR_SHARES = {2: [70, 30], 3: ["50.5", "29.5", 20]}


def _edge_case_programmes():
    """Many programmes built to hit the corners of the mapping."""
    themes = [factories.ThemeFactory(dac_sector_code=code) for code in ("43030", "15170", "15190")]
    shared_code = factories.ThemeFactory(dac_sector_code="43030")
    no_code = factories.ThemeFactory(dac_sector_code="")
    countries = [
        factories.CountryFactory(iso2=iso2, iso3=iso3)
        for iso2, iso3 in (("UG", "UGA"), ("GH", "GHA"), ("TN", "TUN"), ("BF", "BFA"))
    ]
    partner_types = ["10", "11", "21", "40", "60", "80"]
    made = []
    for index in range(24):
        programme = factories.ProgrammeFactory(
            published=True,
            title=[
                "Ouagadougou — Bobo-Dioulasso",
                "São Tomé & Príncipe <pilot>",
                "北京 城市",
                "مدينتنا",
            ][index % 4]
            + f" {index}",
            summary="Résumé: “quotes”, ampersands & angle <brackets>." if index % 3 else "x",
            description=("Long text. " * 900) if index % 5 == 0 else "",
            budget=None if index % 4 == 0 else Decimal("1234567.89"),
            currency="" if index % 4 == 0 else ["USD", "EUR", "CHF"][index % 3],
            planned_start=datetime.date(2010 + index % 10, 1, 1),
            planned_end=None if index % 6 == 0 else datetime.date(2021 + index % 4, 12, 31),
            actual_start=datetime.date(2011, 3, 1) if index % 2 else None,
        )
        # The shares an editor entered: unequal, never a computed split.
        chosen = countries[: 1 + index % 4]
        for country, share in zip(chosen, COUNTRY_SHARES[len(chosen)], strict=True):
            ProgrammeCountry.objects.create(programme=programme, country=country, percentage=share)
        chosen = themes[: 1 + index % 3]
        programme.themes.add(*chosen)
        if len(chosen) > 1:
            for theme, share in zip(chosen, SECTOR_SHARES[len(chosen)], strict=True):
                factories.SectorFactory(
                    programme=programme, code=theme.dac_sector_code, percentage=share
                )
        if index % 7 == 0:
            programme.themes.add(shared_code, no_code)
        if index % 5 == 1:  # a sector of another vocabulary, alone in it: no percentage
            factories.SectorFactory(programme=programme, vocabulary="7", code="11")
        if index % 6 == 2:
            factories.PolicyMarkerFactory(programme=programme)
            factories.PolicyMarkerFactory(
                programme=programme, vocabulary="99", code="CA-1", significance="", name="Ours"
            )
            factories.ContactFactory(programme=programme, person_name="A. Person")
            programme.objectives = "To plan the city <with> its people."
            programme.target_groups = "Residents of informal settlements."
            programme.activity_scope = "4"
            programme.collaboration_type = "2"
            programme.default_flow_type = "10"
            programme.default_finance_type = "110"
            programme.default_aid_type = "C01"
            programme.default_tied_status = "5"
            programme.humanitarian = index % 4 == 2
            programme.save()
        factories.ProgrammePartnerFactory(
            programme=programme,
            role=str(1 + index % 4),
            organisation=factories.OrganisationFactory(
                org_type=partner_types[index % 6], iati_ref=f"XM-TEST-{index}" if index % 2 else ""
            ),
        )
        made.append(programme)
    made[1].parent = made[0]
    made[1].save()
    output = factories.OutputFactory(published=True, jwp=None, programme=made[0], kind="toolkit")
    output.file.save("toolkit.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    factories.OutputFactory(
        published=True,
        jwp=None,
        programme=made[0],
        url="https://example.org/brief",
        kind="policy-brief",
        language="fr",
        date=None,
    )
    factories.OutputFactory(jwp=None, programme=made[0], url="https://example.org/draft")
    return made


def test_generated_edge_cases_are_valid(settings):
    made = _edge_case_programmes()
    undated = factories.ProgrammeFactory(published=True, planned_start=None, planned_end=None)
    undated.countries.add(made[0].countries.first())
    undated.themes.add(made[0].themes.first())
    factories.ProgrammePartnerFactory(programme=undated)
    nowhere = factories.ProgrammeFactory(published=True)
    nowhere.themes.add(made[0].themes.first())
    factories.ProgrammePartnerFactory(programme=nowhere)
    factories.ProgrammeFactory(title="A draft")  # never exported
    # Shares nobody has entered yet: never invented, the programme waits outside the file.
    unshared = factories.ProgrammeFactory(published=True)
    unshared.countries.add(*made[3].countries.all()[:2])
    unshared.themes.add(*made[2].themes.all())
    factories.ProgrammePartnerFactory(programme=unshared)

    skipped = []
    document = export(skipped)
    assert_valid(document)
    activities = {a.findtext("iati-identifier"): a for a in document.iter("iati-activity")}
    assert set(activities) == {p.iati_identifier for p in made}
    assert {item.identifier: item.problems for item in skipped} == {
        undated.iati_identifier: ("no start date",),
        nowhere.iati_identifier: ("no recipient country",),
        unshared.iati_identifier: (
            "recipient countries without their percentages",
            "sectors without their percentages (vocabulary 1)",
        ),
    }
    first = activities[made[0].iati_identifier]
    links = first.findall("document-link")
    assert [link.get("format") for link in links] == ["application/pdf", "text/html"] or [
        link.get("format") for link in links
    ] == ["text/html", "application/pdf"]
    pdf = next(link for link in links if link.get("format") == "application/pdf")
    assert pdf.get("url") == "https://portfolio.example.org" + reverse(
        "output-download", kwargs={"slug": made[0].outputs.get(kind="toolkit").slug}
    )
    assert "draft" not in etree.tostring(first).decode()
    assert activities[made[1].iati_identifier].get("hierarchy") == "2"
    related = first.findall("related-activity")
    assert (made[1].iati_identifier, "2") in {(r.get("ref"), r.get("type")) for r in related}
    four_countries = activities[made[3].iati_identifier]
    assert sum(percentages(four_countries, "recipient-country")) == 100
    assert len(four_countries.findall("recipient-country")) == 4
    shared = activities[made[7].iati_identifier]
    codes = [sector.get("code") for sector in shared.findall("sector")]
    assert len(codes) == len(set(codes))  # two themes with one DAC code make one sector
    assert sum(percentages(shared, "sector")) == 100
    classified = activities[made[2].iati_identifier]
    assert [
        (s.get("vocabulary"), s.get("code"), s.get("percentage"))
        for s in classified.findall("sector")
    ] == [
        ("1", "15170", "29.5"),
        ("1", "15190", "20"),
        ("1", "43030", "50.5"),
    ]
    assert [
        (m.get("vocabulary"), m.get("code"), m.get("significance"))
        for m in classified.findall("policy-marker")
    ] == [("1", "1", "1"), ("99", "CA-1", None)]
    assert classified.find("policy-marker[@vocabulary='99']/narrative").text == "Ours"
    assert [d.get("type") for d in classified.findall("description")] == ["1", "2", "3"]
    assert classified.find("description[@type='2']/narrative").text == (
        "To plan the city <with> its people."
    )
    contact = classified.find("contact-info")
    assert contact.get("type") == "1"
    assert contact.findtext("person-name/narrative") == "A. Person"
    assert contact.findtext("email") == "info@example.org"
    assert classified.find("activity-scope").get("code") == "4"
    assert classified.find("collaboration-type").get("code") == "2"
    assert classified.find("default-aid-type").attrib == {"code": "C01", "vocabulary": "1"}
    assert classified.get("humanitarian") == "1"
    sdg = activities[made[1].iati_identifier].find("sector[@vocabulary='7']")
    assert sdg.get("code") == "11" and sdg.get("percentage") is None
    one_country = activities[made[0].iati_identifier].find("recipient-country")
    assert one_country.get("percentage") is None  # one country alone: no share to give
    no_budget = activities[made[0].iati_identifier]
    assert no_budget.find("budget") is None
    # A total over 2011-2021 is not one budget: IATI's budgets are a year long at most (7.5.3).
    budgeted = activities[made[1].iati_identifier]
    assert budgeted.find("budget") is None
    assert made[2].title in etree.tostring(activities[made[2].iati_identifier], encoding="unicode")


def test_queries_do_not_grow_with_the_number_of_activities():
    """n+1 risk: partners, countries, themes, outputs and lessons read per activity."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            export()
        return len(queries)

    _edge_case_programmes()
    few = count()
    for _ in range(3):
        programme = factories.ProgrammeFactory(published=True)
        programme.countries.add(factories.CountryFactory())
        programme.themes.add(factories.ThemeFactory())
        factories.ProgrammePartnerFactory(programme=programme)
    assert count() == few


def test_the_endpoint_streams_xml_and_takes_the_programme_filters(client):
    made = _edge_case_programmes()
    response = client.get("/api/v1/iati/activities.xml")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(b"".join(response.streaming_content))
    assert len(document) == len(made)
    theme = made[0].themes.order_by("pk").first()
    filtered = client.get(f"/api/v1/iati/activities.xml?theme={theme.slug}&country=UG")
    document = etree.fromstring(b"".join(filtered.streaming_content))
    expected = Programme.objects.filter(themes=theme, countries__iso2="UG").distinct().count()
    assert len(document) == expected
    bad = client.get("/api/v1/iati/activities.xml?theme=nope")
    assert bad.status_code == 400
    assert "theme" in bad.json()["errors"]


def test_nothing_exportable_is_a_404_that_says_why_never_an_invalid_document(client, tmp_path):
    """The schema wants at least one iati-activity."""
    factories.ProgrammeFactory(published=True)  # no partner, no country: not exportable
    response = client.get("/api/v1/iati/activities.xml")
    assert response.status_code == 404
    assert "exported validly" in response.json()["detail"]
    target = tmp_path / "activities.xml"
    with pytest.raises(CommandError, match="exported validly"):
        call_command("export_iati", str(target), stdout=StringIO())
    assert not target.exists()

    made = _edge_case_programmes()
    theme = made[0].themes.order_by("pk").first()
    assert client.get(f"/api/v1/iati/activities.xml?theme={theme.slug}").status_code == 200
    other = factories.ThemeFactory()
    assert client.get(f"/api/v1/iati/activities.xml?theme={other.slug}").status_code == 404


def test_the_organisation_file_is_valid(client):
    response = client.get("/api/v1/iati/organisation.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert not schema_errors(document, ORGANISATIONS)


def test_export_command_writes_the_file_and_strict_names_what_is_left_out(tmp_path):
    made = _edge_case_programmes()
    target = tmp_path / "activities.xml"
    out = StringIO()
    call_command("export_iati", str(target), stdout=out)
    assert f"{len(made)} activities written." in out.getvalue()
    assert "IATI rulesets" not in out.getvalue()  # checked on request only
    assert len(etree.parse(str(target)).getroot()) == len(made)

    broken = factories.ProgrammeFactory(published=True, title="No partner")
    with pytest.raises(CommandError, match=broken.iati_identifier):
        call_command("export_iati", str(target), "--strict", stdout=StringIO())


def _exportable_programme(**fields):
    programme = factories.ProgrammeFactory(published=True, **fields)
    programme.countries.add(factories.CountryFactory())
    programme.themes.add(factories.ThemeFactory())
    factories.ProgrammePartnerFactory(programme=programme)
    return programme


def test_export_command_checks_the_rulesets_and_strict_fails_on_an_error(settings, tmp_path):
    settings.IATI_RULESETS_PATH = str(rulesets_path())
    settings.IATI_REPORTING_ORG_REF = "XX-TEST"  # the factories' identifiers start with it
    a_year = {
        "planned_start": datetime.date(2024, 1, 1),
        "planned_end": datetime.date(2024, 12, 31),
    }
    _exportable_programme(**a_year)
    target = tmp_path / "activities.xml"
    out = StringIO()
    call_command("export_iati", str(target), "--strict", stdout=out)
    assert "IATI rulesets: 0 error(s), 0 warning(s); not checked" in out.getvalue()
    assert "1.14.8" in out.getvalue()  # needs the IATI Registry

    # Our export breaks no rule the Standard has: a ruleset of our own that it does break
    # shows how a finding is reported and that --strict fails on it.
    stricter = tmp_path / "stricter.json"
    stricter.write_text(
        json.dumps(
            {
                "/iati-activities/iati-activity/budget[value/@currency = 'EUR']": {
                    "atleast_one": {
                        "cases": [
                            {
                                "paths": ["@never-there"],
                                "ruleInfo": {"id": "T.1", "severity": "error", "message": "x"},
                            }
                        ]
                    }
                }
            }
        )
    )
    settings.IATI_RULESETS_PATH = str(stricter)
    budgeted = _exportable_programme(**a_year)
    factories.BudgetFactory(
        programme=budgeted,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        currency="EUR",
    )
    out = StringIO()
    call_command("export_iati", str(target), "--rules", stdout=out)  # reports, does not fail
    assert "IATI rulesets: 1 error(s), 0 warning(s)" in out.getvalue()
    [reported] = [line for line in out.getvalue().splitlines() if line.startswith("Ruleset ")]
    assert "T.1 error at line " in reported and budgeted.iati_identifier in reported
    line = int(reported.split(" at line ")[1].split()[0])
    assert "<budget" in target.read_text().splitlines()[line - 1]
    with pytest.raises(CommandError, match=f"T.1 in {budgeted.iati_identifier}"):
        call_command("export_iati", str(target), "--strict", stdout=StringIO())
    settings.IATI_RULESETS_PATH = str(tmp_path / "missing.json")
    with pytest.raises(CommandError, match="IATI_RULESETS_PATH"):
        call_command("export_iati", str(target), "--rules", stdout=StringIO())


def test_the_admin_shows_the_iati_warning(client):
    client.force_login(factories.PublisherFactory())
    broken = factories.ProgrammeFactory(title="No partner")
    page = client.get(reverse("admin:programmes_programme_change", args=[broken.pk]))
    content = page.content.decode()
    assert "no participating organisation" in content
    assert "no recipient country" in content
    listing = client.get(reverse("admin:programmes_programme_changelist")).content.decode()
    assert "Left out of the IATI export" in listing
