"""The IATI import: another publisher's file maps onto programmes, re-imports update rather than
duplicate, hostile or broken files are refused before anything is written, and our own export
survives a round trip through the import."""

import datetime
import difflib
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from lxml import etree

from iati.export import activities_document, jwps_for_export, programmes_for_export
from iati.importer import IatiImportError, iati_import, summary_from
from jwp.models import JointWorkProgramme, Lesson, Membership, Output
from programmes.models import Organisation, Programme, ProgrammePartner
from publishing import services as publishing
from publishing.models import PublicationStatus
from tests import factories
from tests.iati import schema_dir
from windows.models import InstrumentKind, WindowCode

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
OTHER = FILES / "other_publisher.xml"
CHILD, PARENT = "GB-GOV-1-300123-101", "GB-GOV-1-300123"


@pytest.fixture
def schemas(settings):
    """The official schemas. Files refused before validation are tested without them."""
    settings.IATI_SCHEMA_DIR = str(schema_dir())


@pytest.fixture
def world():
    """What the other publisher's file refers to: two of its three countries, two of its
    sector codes, one of its organisations known by its ref and one by its name."""
    window = factories.FundingWindowFactory(code=WindowCode.GLOBAL)
    instrument = factories.InstrumentFactory(
        window=window, kind=InstrumentKind.GLOBAL_INITIATIVE, slug="global-programmes"
    )
    return {
        "instrument": instrument,
        "KE": factories.CountryFactory(iso2="KE", iso3="KEN", name="Kenya"),
        "UG": factories.CountryFactory(iso2="UG", iso3="UGA", name="Uganda"),
        "resilience": factories.ThemeFactory(slug="resilience", dac_sector_code="43060"),
        "gender": factories.ThemeFactory(slug="gender", dac_sector_code="15170"),
        "growth": factories.ThemeFactory(slug="growth", dac_sector_code="43030"),
        "unicef": factories.OrganisationFactory(
            name="United Nations Children's Fund", iati_ref="XM-DAC-41122", org_type="40"
        ),
        "sdi": factories.OrganisationFactory(name="Slum Dwellers International", org_type="21"),
    }


def counts() -> dict[str, int]:
    return {
        "programmes": Programme.objects.count(),
        "organisations": Organisation.objects.count(),
        "partners": ProgrammePartner.objects.count(),
    }


def import_error(source, instrument_slug=None) -> str:
    with pytest.raises(IatiImportError) as caught:
        iati_import(source=source, instrument_slug=instrument_slug)
    return str(caught.value)


# -- mapping --------------------------------------------------------------------------------


@pytest.mark.usefixtures("schemas")
def test_another_publishers_file_maps_onto_draft_programmes(world):
    report = iati_import(source=OTHER, instrument_slug=None)

    assert sorted(report.created) == [PARENT, CHILD]
    assert (report.updated, report.unchanged) == ([], [])
    child = Programme.objects.get(iati_identifier=CHILD)
    assert child.status == PublicationStatus.DRAFT
    assert child.published_at is None
    assert child.instrument == world["instrument"]  # the only global-initiative instrument
    # The narrative without a language in an English activity, whitespace made plain.
    assert child.title == "Resilient secondary cities in East Africa"
    assert child.slug == "resilient-secondary-cities-in-east-africa"
    # Description type 1 (not the objectives of type 2), in English, paragraphs kept.
    assert child.description.startswith("The programme helps secondary cities in Kenya")
    assert child.description.endswith(
        "communities.\n\nSecond paragraph: the programme also works with national ministries."
    )
    assert child.summary == (
        "The programme helps secondary cities in Kenya and Uganda plan for floods and heat, "
        "e.g. through risk maps. Municipal engineers are trained in both countries."
    )
    assert child.activity_status == "2"
    assert child.planned_start == datetime.date(2021, 1, 1)
    assert child.actual_start == datetime.date(2021, 3, 15)
    assert child.planned_end == datetime.date(2024, 12, 31)
    assert child.actual_end is None
    # TZ is not a country here: the others keep no share, which would no longer add up.
    assert {(c.country.iso2, c.percentage) for c in child.recipient_countries.all()} == {
        ("KE", None),
        ("UG", None),
    }
    assert set(child.themes.all()) == {world["resilience"], world["gender"]}
    # Every sector, of every vocabulary, with the share the file gives.
    assert {(s.vocabulary, s.code, s.percentage) for s in child.sectors.all()} == {
        ("1", "43060", Decimal("50.00")),
        ("1", "15170", Decimal("50.00")),
        ("2", "430", Decimal("100.00")),
        ("99", "URB-7", Decimal("100.00")),
    }
    # Budgets by period (one through default-currency), never added into one figure.
    assert child.budget is None and child.currency == "GBP"
    assert [(b.period_start.year, b.value, b.currency, b.status) for b in child.budgets.all()] == [
        (2021, Decimal("100000.00"), "GBP", "2"),
        (2022, Decimal("150000.50"), "GBP", "2"),
    ]
    [commitment] = child.transactions.all()
    assert (commitment.type, commitment.value, commitment.currency) == (
        "2",
        Decimal("250000.50"),
        "GBP",
    )
    assert child.objectives == "Objectives: fewer people exposed to floods."
    assert (child.activity_scope, child.default_flow_type) == ("4", "10")
    [contact] = child.contacts.all()
    assert (contact.organisation, contact.email) == ("FCDO", "enquiry@example.org")
    assert child.parent == Programme.objects.get(iati_identifier=PARENT)

    partners = {
        (p.organisation.name, p.role) for p in child.partners.select_related("organisation")
    }
    assert partners == {
        ("Foreign, Commonwealth and Development Office", "1"),
        ("United Nations Children's Fund", "2"),  # by its ref, whatever the file calls it
        ("Slum Dwellers International", "4"),  # by its exact name
        ("Kenya Municipal Association", "4"),  # the English narrative
    }
    fcdo = Organisation.objects.get(iati_ref="GB-GOV-1")
    assert (fcdo.org_type, fcdo.slug) == ("10", "foreign-commonwealth-and-development-office")
    kma = Organisation.objects.get(name="Kenya Municipal Association")
    assert (kma.org_type, kma.iati_ref) == ("22", "")
    assert sorted(report.organisations_created) == [
        "Foreign, Commonwealth and Development Office",
        "Kenya Municipal Association",
    ]

    parent = Programme.objects.get(iati_identifier=PARENT)
    assert (parent.title, parent.summary) == (
        "Urban Resilience Programme",
        "An umbrella programme for resilient cities.",
    )
    assert parent.activity_status == "3"
    assert parent.actual_start == datetime.date(2020, 6, 1)
    # The ref-only organisation is the one the first activity created, in two roles.
    assert {(p.organisation, p.role) for p in parent.partners.all()} == {(fcdo, "1"), (fcdo, "3")}
    # Budgets in two currencies: each in its own.
    assert [(b.value, b.currency) for b in parent.budgets.all()] == [
        (Decimal("2000000.00"), "USD"),
        (Decimal("900000.00"), "EUR"),
    ]
    assert parent.parent is None

    warnings = "\n".join(report.warnings)
    for expected in (
        f"{CHILD}: recipient-country TZ is not a country here",
        f"{CHILD}: without TZ the shares of the other countries no longer add up to 100",
        f"{PARENT}: recipient-region 1027 ignored",
    ):
        assert expected in warnings


@pytest.mark.usefixtures("schemas")
def test_reimport_updates_instead_of_duplicating(world):
    iati_import(source=OTHER, instrument_slug=None)
    before = counts()

    again = iati_import(source=OTHER, instrument_slug=None)
    assert (again.created, again.updated) == ([], [])
    assert sorted(again.unchanged) == [PARENT, CHILD]
    assert again.organisations_created == []
    assert counts() == before

    changed = OTHER.read_bytes().replace(b"Urban Resilience Programme", b"Urban Resilience")
    assert changed != OTHER.read_bytes()
    report = iati_import(source=changed, instrument_slug=None)
    assert (report.created, report.updated, report.unchanged) == ([], [PARENT], [CHILD])
    assert counts() == before
    parent = Programme.objects.get(iati_identifier=PARENT)
    assert parent.title == "Urban Resilience"
    assert parent.slug == "urban-resilience-programme"  # addresses do not move


@pytest.mark.usefixtures("schemas")
def test_reimport_keeps_the_publication_state_and_what_the_file_cannot_say(world):
    iati_import(source=OTHER, instrument_slug=None)
    child = Programme.objects.get(iati_identifier=CHILD)
    published_at = timezone.now() - datetime.timedelta(days=3)
    Programme.objects.filter(pk=child.pk).update(
        status=PublicationStatus.PUBLISHED, published_at=published_at
    )
    housing = factories.ThemeFactory(slug="housing", dac_sector_code="")
    child.themes.add(housing)

    changed = OTHER.read_bytes().replace(
        b'<sector vocabulary="1" code="43060" percentage="50"/>',
        b'<sector vocabulary="1" code="43060" percentage="100"/>',
    )
    changed = changed.replace(b'<sector code="15170" percentage="50"/>', b"")
    assert b"15170" not in changed
    report = iati_import(source=changed, instrument_slug=None)

    assert report.updated == [CHILD]
    child.refresh_from_db()
    assert (child.status, child.published_at) == (PublicationStatus.PUBLISHED, published_at)
    # Sector 15170 is gone from the file; the theme without a DAC code is not the file's.
    assert set(child.themes.all()) == {world["resilience"], housing}
    assert Programme.objects.get(iati_identifier=PARENT).status == PublicationStatus.DRAFT


@pytest.mark.usefixtures("schemas")
def test_reimport_replaces_the_participating_organisations(world):
    iati_import(source=OTHER, instrument_slug=None)
    without_sdi = OTHER.read_bytes().replace(
        b'<participating-org type="21" role="4">\n'
        b"      <narrative>Slum Dwellers International</narrative>\n"
        b"    </participating-org>\n",
        b"",
    )
    assert b"Slum Dwellers" not in without_sdi
    report = iati_import(source=without_sdi, instrument_slug=None)
    assert report.updated == [CHILD]
    child = Programme.objects.get(iati_identifier=CHILD)
    assert world["sdi"] not in {p.organisation for p in child.partners.all()}
    assert child.partners.count() == 3


@pytest.mark.usefixtures("schemas")
def test_an_update_needs_no_instrument_but_a_new_programme_does(world):
    factories.InstrumentFactory(window=world["instrument"].window, kind="global-initiative")
    message = import_error(OTHER)
    assert "--instrument SLUG" in message
    assert "global-programmes" in message
    assert counts()["programmes"] == 0
    assert "No instrument with the slug 'nope'" in import_error(OTHER, instrument_slug="nope")

    iati_import(source=OTHER, instrument_slug="global-programmes")
    assert sorted(iati_import(source=OTHER, instrument_slug=None).unchanged) == [PARENT, CHILD]


@pytest.mark.usefixtures("schemas")
def test_an_activity_of_a_joint_work_programme_is_skipped(world):
    factories.JointWorkProgrammeFactory(iati_identifier=PARENT)
    report = iati_import(source=OTHER, instrument_slug=None)
    assert report.skipped == [PARENT]
    assert not Programme.objects.filter(iati_identifier=PARENT).exists()
    assert f"{PARENT}: a Joint Work Programme here" in "\n".join(report.warnings)
    assert Programme.objects.get(iati_identifier=CHILD).parent is None


# -- as an account: its permissions and the review rule ------------------------------------


def published_import(world):
    """The file imported once by the operator, the child then published."""
    iati_import(source=OTHER, instrument_slug=None)
    child = Programme.objects.get(iati_identifier=CHILD)
    publishing.publication_publish(obj=child, user=factories.PublisherFactory())
    return child, OTHER.read_bytes().replace(
        b"Resilient   secondary cities", b"Resilient   second cities"
    )


@pytest.mark.usefixtures("schemas")
def test_an_editors_import_over_a_published_programme_becomes_a_pending_revision(world):
    child, changed = published_import(world)
    title = child.title
    editor = factories.EditorFactory()

    report = iati_import(source=changed, instrument_slug=None, user=editor)

    assert report.proposed == [CHILD] and report.updated == []
    assert "1 proposed for review" in report.summary()
    child.refresh_from_db()
    assert child.title == title  # the public keeps the live version
    revision = publishing.pending_revision(child)
    assert revision.created_by == editor
    assert "second cities" in revision.proposed["fields"]["title"]


@pytest.mark.usefixtures("schemas")
def test_a_publishers_import_over_a_published_programme_changes_it_at_once(world):
    child, changed = published_import(world)
    publisher = factories.PublisherFactory()

    report = iati_import(source=changed, instrument_slug=None, user=publisher)

    assert report.updated == [CHILD] and report.proposed == []
    child.refresh_from_db()
    assert "second cities" in child.title
    assert child.status == PublicationStatus.PUBLISHED
    entry = child.history.first()
    assert (entry.history_user, entry.history_change_reason) == (publisher, "import_iati")
    assert publishing.pending_revision(child) is None


@pytest.mark.usefixtures("schemas")
def test_an_account_without_the_add_permission_imports_nothing(world):
    nobody = factories.UserFactory(is_staff=True)
    before = counts()
    with pytest.raises(IatiImportError, match="permission"):
        iati_import(source=OTHER, instrument_slug=None, user=nobody)
    assert counts() == before


@pytest.mark.usefixtures("schemas")
def test_the_command_imports_as_the_named_account_or_names_the_unknown_one(world, tmp_path):
    child, changed = published_import(world)
    factories.EditorFactory(username="ed")
    with pytest.raises(CommandError, match="No active account with the username 'nobody'"):
        call_command("import_iati", str(OTHER), "--user", "nobody", stdout=StringIO())
    path = tmp_path / "changed.xml"
    path.write_bytes(changed)

    out = StringIO()
    call_command("import_iati", str(path), "--user", "ed", stdout=out)

    assert "1 proposed for review" in out.getvalue()
    assert publishing.pending_revision(child).created_by.username == "ed"


def test_the_summary_is_the_first_sentences_and_never_longer_than_500():
    assert summary_from("One. Two, e.g. this. Three.\n\nFour.") == "One. Two, e.g. this."
    long = "word " * 150 + "end. Second."
    summary = summary_from(long)
    assert len(summary) <= 500
    assert summary.endswith("word…")


@pytest.mark.usefixtures("schemas")
def test_the_command_prints_the_summary_and_the_warnings(world):
    out = StringIO()
    call_command("import_iati", str(OTHER), "--instrument", "global-programmes", stdout=out)
    output = out.getvalue()
    assert "2 created, 0 updated, 0 unchanged" in output
    assert "recipient-country TZ is not a country here" in output
    assert "Organisations created: 2" in output

    out = StringIO()
    call_command("import_iati", str(OTHER), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


# -- refused files: nothing is written ------------------------------------------------------


def refused(path_or_bytes, *expected: str) -> str:
    """Runs the command, which must fail naming each ``expected`` and write nothing."""
    before = counts()
    if isinstance(path_or_bytes, bytes):
        message = import_error(path_or_bytes)
    else:
        with pytest.raises(CommandError) as caught:
            call_command("import_iati", str(path_or_bytes), stdout=StringIO())
        message = str(caught.value)
        assert message.startswith("Nothing was imported")
    for text in expected:
        assert text in message
    assert counts() == before
    return message


@pytest.mark.usefixtures("schemas")
def test_a_schema_error_is_refused_with_its_line(world):
    refused(FILES / "missing_identifier.xml", "Line 4:", "Expected is ( iati-identifier )")


@pytest.mark.usefixtures("schemas")
def test_elements_out_of_order_are_refused_and_the_valid_activity_is_not_written(world):
    refused(FILES / "out_of_order.xml", "Line 17:", "'activity-status': This element is not")
    assert not Programme.objects.filter(iati_identifier="XX-ORDER-1").exists()


def test_not_well_formed_xml_is_refused_with_the_parsers_message(world):
    refused(FILES / "not_well_formed.xml", "Not well-formed XML, line 5", "tag mismatch")


@pytest.mark.usefixtures("schemas")
def test_an_end_before_its_start_names_the_activity(world):
    refused(
        FILES / "end_before_start.xml",
        "Activity XX-DATES-2 (line 13): the actual end (2019-12-31) is before the actual start "
        "(2020-06-01).",
    )
    assert not Organisation.objects.filter(name="Dates Org").exists()


@pytest.mark.usefixtures("schemas")
def test_a_model_error_in_a_later_activity_rolls_back_the_earlier_ones(world):
    too_long = OTHER.read_bytes().replace(b"Urban Resilience Programme", b"x" * 300)
    refused(too_long, f"Activity {PARENT} (line 72): title:")
    assert not Organisation.objects.filter(iati_ref="GB-GOV-1").exists()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b'<iati-organisations version="2.03"/>', "the root element is <iati-organisations>"),
        (b'<iati-activities version="1.05"/>', "IATI version '1.05' is not supported"),
        (b"<iati-activities/>", "IATI version '' is not supported"),
    ],
)
def test_a_wrong_root_or_version_is_refused(world, document, expected):
    refused(document, expected)


def test_an_external_entity_is_never_expanded(world):
    message = refused(FILES / "xxe.xml", "Line 2: the file has a DOCTYPE declaration")
    assert "root:" not in message
    assert not Programme.objects.filter(iati_identifier="XX-XXE-1").exists()


def test_an_external_entity_in_utf16_is_refused_after_a_parse_that_expands_nothing(world):
    """The byte search for DOCTYPE cannot see UTF-16: the parser itself must not expand."""
    text = (FILES / "xxe.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    message = refused(text.encode("utf-16"), "the file has a DOCTYPE declaration")
    assert "root:" not in message


def test_entity_expansion_is_refused_quickly(world):
    started = timezone.now()
    refused(FILES / "billion_laughs.xml", "Line 2: the file has a DOCTYPE declaration")
    assert timezone.now() - started < datetime.timedelta(seconds=5)


def test_a_file_above_the_limit_is_refused_before_parsing(world, settings, tmp_path):
    settings.IATI_MAX_IMPORT_BYTES = 1000
    refused(OTHER, "more than IATI_MAX_IMPORT_BYTES (1000 bytes)")
    refused(b"<" * 1001, "more than IATI_MAX_IMPORT_BYTES")  # not XML: never parsed
    just_under = tmp_path / "small.xml"
    just_under.write_bytes(b"<" * 1000)
    refused(just_under, "Not well-formed XML")


# -- round trip -----------------------------------------------------------------------------


def document(programmes, jwps) -> bytes:
    return b"".join(
        activities_document(programmes=programmes, jwps=jwps, base_url="https://example.org")
    )


def identifiers_in(xml: bytes) -> set[str]:
    return {activity.findtext("iati-identifier") for activity in etree.fromstring(xml)}


def comparable(xml: bytes, programmes: set[str], linkable: set[str]) -> dict[str, str]:
    """The programmes' activities, without what the import does not carry (see the test)."""
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    activities = {}
    for activity in root.iterchildren("iati-activity"):
        identifier = activity.findtext("iati-identifier")
        if identifier not in programmes:
            continue
        del activity.attrib["last-updated-datetime"]
        left_out = activity.findall("document-link") + [
            link
            for link in activity.findall("related-activity")
            if link.get("type") == "3" or link.get("ref") not in linkable
        ]
        for element in left_out:
            activity.remove(element)
        activities[identifier] = etree.tostring(activity, pretty_print=True, encoding="unicode")
    return activities


SHARES = {2: [60, 40], 3: [50, 30, 20], 4: [40, 30, 20, 10], 5: [30, 25, 20, 15, 10]}


def give_shares_and_money():
    """What editors would enter: the shares of the countries and of the themes' sectors of
    every programme with several (unequal, never an even split), and for Ghana money, policy
    markers, a contact and the classifications."""
    for programme in Programme.objects.prefetch_related("recipient_countries", "themes"):
        countries = list(programme.recipient_countries.all())
        if len(countries) > 1:
            for row, share in zip(countries, SHARES[len(countries)], strict=True):
                row.percentage = share
                row.save()
        codes = sorted({theme.dac_sector_code for theme in programme.themes.all()} - {""})
        if len(codes) > 1:
            for code, share in zip(codes, SHARES[len(codes)], strict=True):
                factories.SectorFactory(programme=programme, code=code, percentage=share)
    ghana = Programme.objects.get(slug="ghana")
    factories.SectorFactory(programme=ghana, vocabulary="7", code="11")
    factories.PolicyMarkerFactory(programme=ghana, code="3", significance="2")
    factories.ContactFactory(programme=ghana, person_name="A. Person", telephone="+41 00")
    factories.TransactionFactory(
        programme=ghana,
        type="2",
        reference="GH-1",
        provider_name="A donor",
        provider_ref="XM-DAC-0000",
        description="First commitment",
        date=datetime.date(2014, 3, 1),
        value_date=datetime.date(2014, 3, 1),
        flow_type="10",
        aid_type="C01",
    )
    factories.TransactionFactory(programme=ghana, value=Decimal("-1500.00"))  # a refund
    factories.BudgetFactory(programme=ghana, type="2", status="2")
    factories.PlannedDisbursementFactory(programme=ghana, receiver_name="A city")
    Programme.objects.filter(pk=ghana.pk).update(
        objectives="Plan the cities with their residents.",
        target_groups="Residents of informal settlements.",
        activity_scope="4",
        collaboration_type="2",
        default_flow_type="10",
        default_finance_type="110",
        default_tied_status="5",
        humanitarian=False,
    )


@pytest.mark.usefixtures("schemas")
def test_the_portfolio_survives_export_import_export(settings):
    """Export the real portfolio, import that file into a database without programmes or
    organisations, publish what was imported, export again: every programme's activity must be
    the same, element for element and attribute for attribute: identifier, hierarchy, default
    currency, reporting-org, title, description, participating-org (ref, role, type, name),
    activity-status, activity-dates, recipient-countries and sectors with their percentages,
    budget, and related-activity parent/child links.

    Left out, because the import does not carry them: ``generated-datetime`` and
    ``last-updated-datetime`` (times of the run and of the rows), ``document-link`` (outputs
    are not imported), ``related-activity`` of type 3 (the JWPs that took up a programme's
    lessons: lessons are not imported) and the JWPs' own activities (JWPs are not imported;
    their rows stay, without members, so the import recognises and skips their activities).
    Also left out: parent/child links to activities that are not in the first document. The
    export links published children (and parents) even when they are left out of the document
    for their IATI problems; the import cannot recreate what it never saw. That is a fault of
    the export, pinned down by the next test.
    """
    call_command("load_portfolio", stdout=StringIO())
    give_shares_and_money()
    first = document(programmes_for_export(), jwps_for_export())
    exported = identifiers_in(first)
    programmes = set(Programme.objects.values_list("iati_identifier", flat=True))
    before = comparable(first, programmes, exported)
    left_out = {
        programme.slug: programme.iati_problems()
        for programme in Programme.objects.published()
        if programme.iati_identifier not in before
    }
    # Only facts the portfolio does not know (a start date, a country) keep one out now.
    assert len(before) >= 10
    assert not [p for problems in left_out.values() for p in problems if "percentages" in p]
    ghana = before[Programme.objects.get(slug="ghana").iati_identifier]
    for part in ("<transaction", "<policy-marker", "<contact-info", 'description type="2"'):
        assert part in ghana

    # Our own file changes nothing here, not even the budget it leaves out (INNOV-2014-KYC
    # has no end date, so the export has no budget period for it).
    mirrored = iati_import(source=first, instrument_slug=None)
    assert (mirrored.created, mirrored.updated) == ([], [])
    assert sorted(mirrored.unchanged) == sorted(before)
    kyc = Programme.objects.get(iati_identifier__endswith="-INNOV-2014-KYC")
    assert kyc.budget == Decimal("2004768.00")

    Lesson.objects.all().delete()
    Output.objects.all().delete()
    Membership.objects.all().delete()
    Programme.objects.all().delete()
    Organisation.objects.all().delete()

    report = iati_import(source=first, instrument_slug="global-programmes")
    assert sorted(report.created) == sorted(before)
    jwps = set(JointWorkProgramme.objects.values_list("iati_identifier", flat=True))
    assert sorted(report.skipped) == sorted(jwps & exported)
    assert set(Programme.objects.values_list("status", flat=True)) == {PublicationStatus.DRAFT}
    Programme.objects.update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now() - datetime.timedelta(1)
    )
    after = comparable(document(programmes_for_export(), jwps_for_export()), programmes, exported)

    assert sorted(after) == sorted(before)
    differences = [
        "".join(difflib.unified_diff(before[key].splitlines(True), after[key].splitlines(True)))
        for key in sorted(before)
        if before[key] != after[key]
    ]
    assert not differences, "\n".join(differences)

    again = iati_import(source=first, instrument_slug=None)
    assert (again.created, again.updated) == ([], [])
    assert sorted(again.unchanged) == sorted(before)


def test_the_export_links_only_to_activities_it_contains():
    call_command("load_portfolio", stdout=StringIO())
    first = document(programmes_for_export(), jwps_for_export())
    exported = identifiers_in(first)
    dangling = {
        (activity.findtext("iati-identifier"), link.get("type"), link.get("ref"))
        for activity in etree.fromstring(first)
        for link in activity.iterchildren("related-activity")
        if link.get("ref") not in exported
    }
    assert dangling == set()
