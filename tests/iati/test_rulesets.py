"""The IATI rulesets (standard.json) checker: each rule type on a tiny document that passes
and one that fails, and the rulesets applied to the export of the loaded portfolio and of
generated edge cases."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from iati import rulesets
from iati.export import (
    activities_document,
    jwps_for_export,
    organisation_document,
    programmes_for_export,
)
from jwp.models import JointWorkProgramme
from programmes.models import Programme
from tests.iati import rulesets_path
from tests.iati.test_export import _edge_case_programmes

TODAY = datetime.date(2026, 6, 1)

# An activity that breaks no rule; each test below changes one thing in it.
HEADER = 'xml:lang="en" default-currency="USD" last-updated-datetime="2026-05-31T10:00:00+00:00"'
BASE = """
  <iati-identifier>XM-ORG-1</iati-identifier>
  <reporting-org ref="XM-ORG" type="40"><narrative>Org</narrative></reporting-org>
  <title><narrative>A title</narrative></title>
  <description type="1"><narrative>A description</narrative></description>
  <participating-org role="1" ref="XM-ORG" type="40"><narrative>Org</narrative></participating-org>
  <activity-date type="1" iso-date="2020-01-01"/>
  <recipient-country code="UG"/>
  <sector code="43030" vocabulary="1"/>
"""
ORGANISATION = """
  <organisation-identifier>XM-ORG</organisation-identifier>
  <name><narrative>Org</narrative></name>
  <reporting-org ref="XM-ORG" type="40"><narrative>Org</narrative></reporting-org>
"""


@pytest.fixture(autouse=True)
def _rulesets(settings):
    settings.IATI_RULESETS_PATH = str(rulesets_path())


def activity(extra: str = "", *, base: str = BASE, header: str = HEADER) -> str:
    return (
        f'<iati-activities version="2.03">\n<iati-activity {header}>{base}{extra}'
        "</iati-activity>\n</iati-activities>"
    )


def organisation(extra: str = "") -> str:
    return (
        f'<iati-organisations version="2.03">\n<iati-organisation {HEADER}>{ORGANISATION}'
        f"{extra}</iati-organisation>\n</iati-organisations>"
    )


def check(xml: str, **options) -> rulesets.Report:
    return rulesets.check(etree.fromstring(xml.encode()), today=TODAY, **options)


def found(xml: str, **options) -> set[str]:
    return {finding.rule for finding in check(xml, **options).findings}


def without(text: str, *parts: str) -> str:
    for part in parts:
        assert part in text
        text = text.replace(part, "")
    return text


def test_the_base_documents_break_no_rule():
    assert found(activity()) == set()
    assert found(organisation()) == set()


# -- one test per rule type ----------------------------------------------------------------


def test_unique():
    same = BASE.replace("<iati-identifier>XM-ORG-1<", "<iati-identifier>XM-ORG<")
    # the identifier then no longer starts with "XM-ORG-" either (1.1.21)
    assert found(activity(base=same)) == {"1.1.3", "1.1.21"}


def test_startswith_the_reporting_org_or_a_previous_identifier():
    other = BASE.replace(">XM-ORG-1<", ">XM-OLD-1<")
    assert found(activity(base=other)) == {"1.1.21"}
    assert found(activity('<other-identifier ref="XM-OLD" type="B1"/>', base=other)) == set()
    no_separator = BASE.replace(">XM-ORG-1<", ">XM-ORG1<")
    assert found(activity(base=no_separator)) == {"1.1.21"}


def test_atleast_one():
    undated = without(BASE, '<activity-date type="1" iso-date="2020-01-01"/>')
    assert found(activity(base=undated)) == {"6.11.1"}
    assert found(activity('<activity-date type="2" iso-date="2020-01-01"/>', base=undated)) == set()
    empty_title = BASE.replace("<narrative>A title</narrative>", "<narrative/>")
    assert found(activity(base=empty_title)) == {"4.3.1"}
    blank = BASE.replace("<narrative>A description</narrative>", "<narrative></narrative>")
    assert found(activity(base=blank)) == {"4.4.1"}


def test_atleast_one_under_a_condition():
    assert found(activity('<policy-marker vocabulary="1" code="1"/>')) == {"6.14.1"}
    assert found(activity('<policy-marker vocabulary="1" code="1" significance="2"/>')) == set()
    assert found(activity('<policy-marker vocabulary="2" code="1"/>')) == set()


def test_one_or_all_lang():
    no_default = HEADER.replace('xml:lang="en" ', "")
    assert found(activity(header=no_default)) == {"4.1.1"}
    every = BASE.replace("<narrative>", '<narrative xml:lang="fr">')
    assert found(activity(base=every, header=no_default)) == set()


def test_one_or_all_currency():
    no_default = HEADER.replace('default-currency="USD" ', "")
    budget = """<budget type="1" status="1"><period-start iso-date="2020-01-01"/>
      <period-end iso-date="2020-12-31"/><value {}value-date="2020-01-01">10</value></budget>"""
    assert found(activity(budget.format(""), header=no_default)) == {"7.8.1"}
    assert found(activity(budget.format('currency="EUR" '), header=no_default)) == set()
    assert found(activity(budget.format(""))) == set()


def test_one_or_all_sector_at_transaction_level():
    unsectored = without(BASE, '<sector code="43030" vocabulary="1"/>')
    transaction = '<transaction><transaction-date iso-date="2020-01-01"/>{}</transaction>'
    sector = '<sector code="43030" vocabulary="1"/>'
    mixed = transaction.format(sector) + transaction.format("")
    assert found(activity(mixed, base=unsectored)) == {"6.7.2"}
    assert found(activity(transaction.format(sector) * 2, base=unsectored)) == set()
    assert found(activity(base=unsectored)) == {"6.2.2"}


def test_date_now_on_the_date_part_in_utc():
    def header(moment):
        return HEADER.replace("2026-05-31T10:00:00+00:00", moment)

    assert found(activity(header=header("2026-06-01T23:59:59Z"))) == set()
    assert found(activity(header=header("2026-06-02T00:00:00Z"))) == {"11.1.1"}
    # 23:30 at UTC-2 is already the next day in UTC
    assert found(activity(header=header("2026-06-01T23:30:00-02:00"))) == {"11.1.1"}
    assert found(activity(header=header("2026-06-02T01:00:00+02:00"))) == set()
    assert found(organisation().replace("2026-05-31", "2026-07-01")) == {"11.4.1"}


def test_date_order():
    end = '<activity-date type="3" iso-date="{}"/>'
    assert found(activity(end.format("2020-01-01"))) == set()  # the same day is in order
    assert found(activity(end.format("2019-12-31"))) == {"11.1.2"}
    assert found(activity(end.format("not a date"))) == set()  # left to the schema
    period = """<planned-disbursement><period-start iso-date="2021-01-01"/>
      <period-end iso-date="{}"/></planned-disbursement>"""
    assert found(activity(period.format("2020-12-31"))) == {"8.6.3"}


def test_date_order_against_now():
    start = '<activity-date type="2" iso-date="{}"/>'
    assert found(activity(start.format(TODAY.isoformat()))) == set()
    assert found(activity(start.format("2026-06-02"))) == {"11.1.4"}
    transaction = '<transaction><transaction-date iso-date="{}"/></transaction>'
    # every transaction date is compared, not only the first
    both = transaction.format("2025-01-01") + transaction.format("2026-06-02")
    assert found(activity(both)) == {"11.2.1"}


def test_time_limit_is_365_days():
    budget = """<budget type="1" status="1"><period-start iso-date="{}"/>
      <period-end iso-date="{}"/><value value-date="{}">10</value></budget>"""
    leap_year = budget.format("2024-01-01", "2024-12-31", "2024-01-01")  # 365 days
    assert found(activity(leap_year)) == set()
    a_year_and_a_day = budget.format("2024-01-01", "2025-01-01", "2024-01-01")  # 366 days
    assert found(activity(a_year_and_a_day)) == {"7.5.3"}
    exactly_a_year = budget.format("2023-01-01", "2024-01-01", "2023-01-01")  # 365 days
    assert found(activity(exactly_a_year)) == set()


def test_between_dates_includes_both_ends():
    budget = """<recipient-country-budget><recipient-country code="UG"/>
      <period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
      <value currency="USD" value-date="2020-01-01">10</value>
      <budget-line><value currency="USD" value-date="{}">10</value></budget-line>
      </recipient-country-budget>"""
    assert found(organisation(budget.format("2020-12-31"))) == set()
    assert found(organisation(budget.format("2021-01-01"))) == {"11.3.1"}
    assert found(organisation(budget.format("2019-12-31"))) == {"11.3.1"}


def test_regex_matches():
    """Every regex_matches case of standard.json has an idCondition (it needs the IATI
    Registry), so those are skipped and reported; the rule type itself on a case without."""
    slashed = BASE.replace(">XM-ORG-1<", ">XM-ORG-1/2<")
    report = check(activity(base=slashed))
    assert report.findings == []
    assert "1.3.13" in report.skipped
    ruleset = {
        "/iati-activities/iati-activity": {
            "regex_matches": {
                "cases": [
                    {
                        "regex": "^[^\\/\\&\\|\\?]+$",
                        "paths": ["iati-identifier"],
                        "ruleInfo": {"id": "T.1", "severity": "warning", "message": "No /."},
                    }
                ]
            }
        }
    }
    assert found(activity(base=slashed), ruleset=ruleset) == {"T.1"}
    assert found(activity(), ruleset=ruleset) == set()


def test_no_spaces():
    assert found(activity('<related-activity ref="XM-ORG-2 " type="1"/>')) == {"1.7.1"}
    assert found(activity('<related-activity ref="XM-ORG-2" type="1"/>')) == set()
    padded = BASE.replace(">XM-ORG-1<", ">\n  XM-ORG-1<")
    assert found(activity(base=padded)) == {"1.3.1", "1.1.21"}


def test_loop_over_each_vocabulary():
    two = '<sector code="A" vocabulary="2" {}/><sector code="B" vocabulary="2" {}/>'
    assert found(activity(two.format('percentage="50"', 'percentage="50"'))) == set()
    assert found(activity(two.format('percentage="50"', ""))) == {"2.1.1"}
    one = '<sector code="A" vocabulary="2" percentage="{}"/>'
    assert found(activity(one.format("100"))) == set()
    assert found(activity(one.format("40"))) == {"2.1.4"}
    regions = (
        '<recipient-region code="998" vocabulary="1" percentage="{}"/>'
        '<recipient-country code="KE" percentage="{}"/>'
    )
    assert found(
        activity(regions.format("40", "20"), base=without(BASE, '<recipient-country code="UG"/>'))
    ) == {"3.4.2"}
    assert (
        found(
            activity(
                regions.format("40", "60"), base=without(BASE, '<recipient-country code="UG"/>')
            )
        )
        == set()
    )


def test_a_loop_substitutes_only_the_keys_its_subs_name():
    """standard.json's loop form of 2.1.2 lists only ``paths`` in ``subs``: its condition
    keeps a literal ``$1``, matches nothing, and the case never applies (as in the IATI
    Validator). The sum of the DAC vocabulary is checked by the case outside the loop."""
    two = (
        '<sector code="A" vocabulary="2" percentage="30"/>'
        '<sector code="B" vocabulary="2" percentage="30"/>'
    )
    assert found(activity(two)) == set()
    dac = without(BASE, '<sector code="43030" vocabulary="1"/>') + (
        '<sector code="43030" vocabulary="1" percentage="30"/>'
        '<sector code="15170" vocabulary="1" percentage="30"/>'
    )
    assert found(activity(base=dac)) == {"2.1.2"}


def test_no_more_than_one():
    aid = '<default-aid-type code="A01" vocabulary="{}"/>'
    assert found(activity(aid.format("1"))) == set()
    assert found(activity(aid.format("1") * 2)) == {"107.1.2"}
    transaction = '<transaction><aid-type code="A01" vocabulary="1"/>{}</transaction>'
    assert found(activity(transaction.format('<aid-type code="A02" vocabulary="1"/>'))) == {
        "107.2.2"
    }
    assert found(activity(transaction.format(""))) == set()
    both_levels = """<result><reference code="1.1.1" vocabulary="1"/><indicator measure="5">
      <reference code="1.1.1" vocabulary="1"/></indicator></result>"""
    assert found(activity(both_levels)) == {"8.11.1"}


def test_strict_sum_is_a_decimal_sum():
    sectors = without(BASE, '<sector code="43030" vocabulary="1"/>') + "".join(
        f'<sector code="{code}" vocabulary="1" percentage="{share}"/>'
        for code, share in (("43030", "{}"), ("15170", "{}"), ("15190", "{}"))
    )
    # in binary floating point 0.1 + 64.1 + 35.8 is 99.99999999999999
    assert found(activity(base=sectors.format("0.1", "64.1", "35.8"))) == set()
    assert found(activity(base=sectors.format("33.3", "33.3", "33.4"))) == set()
    assert found(activity(base=sectors.format("33.3", "33.3", "33.3"))) == {"2.1.2"}
    countries = without(BASE, '<recipient-country code="UG"/>') + (
        '<recipient-country code="UG" percentage="50"/>'
        '<recipient-country code="KE" percentage="{}"/>'
    )
    assert found(activity(base=countries.format("50.00"))) == set()
    assert found(activity(base=countries.format("49.99"))) == {"3.1.2"}
    assert found(activity(base=countries.format("half"))) == {"3.1.2", "12.1.1"}


def test_range():
    assert found(activity('<capital-spend percentage="100"/>')) == set()
    assert found(activity('<capital-spend percentage="0"/>')) == set()
    assert found(activity('<capital-spend percentage="100.01"/>')) == {"12.2.1"}
    assert found(activity('<capital-spend percentage="-1"/>')) == {"12.2.1"}


def test_if_then_with_xpath_booleans():
    """An empty node-set is false: with no recipient anywhere, rule 3.7.1 fails (the IATI
    Validator's JavaScript takes the empty node-set as true and passes it)."""
    nowhere = without(BASE, '<recipient-country code="UG"/>')
    assert found(activity(base=nowhere)) == {"3.7.1"}
    transaction = '<transaction><recipient-country code="UG"/></transaction>'
    assert found(activity(transaction, base=nowhere)) == set()
    assert found(activity(transaction)) == {"3.6.2"}
    baseline = '<result><indicator measure="1"><baseline value="{}"/></indicator></result>'
    assert found(activity(baseline.format("12.5"))) == set()
    assert found(activity(baseline.format("twelve"))) == {"8.8.2"}


# -- what a finding says -------------------------------------------------------------------


def test_a_finding_names_the_rule_the_activity_and_the_line():
    second = BASE.replace(">XM-ORG-1<", ">XM-ORG-2<")
    budget = """
<budget type="1" status="1">
<period-start iso-date="2020-01-01"/>
<period-end iso-date="2022-01-01"/>
</budget>"""
    xml = activity(base=BASE).replace(
        "</iati-activities>",
        f"<iati-activity {HEADER}>{second}{budget}</iati-activity>\n</iati-activities>",
    )
    report = check(xml, line_offset=100)
    [finding] = report.findings
    assert finding.rule == "7.5.3"
    assert finding.severity == "error"
    assert finding.message == "Budget Period must not be longer than one year."
    assert finding.identifier == "XM-ORG-2"
    period_end = next(n for n, text in enumerate(xml.splitlines(), 1) if "<period-end" in text)
    assert finding.line == 100 + period_end
    assert "2020-01-01 to 2022-01-01" in finding.detail
    assert report.errors == [finding] and report.warnings == []
    in_organisation = check(organisation().replace("2026-05-31", "2026-07-01")).findings
    assert [(f.rule, f.identifier) for f in in_organisation] == [("11.4.1", "XM-ORG")]


def test_what_needs_the_iati_registry_is_reported_as_not_checked():
    assert check(activity()).skipped == (
        "1.3.13",
        "1.8.13",
        "1.10.13",
        "1.11.13",
        "1.12.13",
        "1.14.8",
        "1.14.13",
        "1.15.13",
        "1.18.8",
        "1.18.13",
    )
    # 1.14.8: a reporting-org identifier with no registered agency prefix is not reported
    unknown = BASE.replace(
        'ref="XM-ORG" type="40"><narrative>Org</narrative></reporting-org>',
        'ref="NOPE" type="40"><narrative>Org</narrative></reporting-org>',
    )
    assert "1.14.8" not in found(activity(base=unknown))


def test_every_rule_type_of_the_ruleset_is_implemented():
    ruleset = rulesets.load_ruleset()
    used = {rulesets._rule_type(name) for _, name, _ in rulesets._cases(ruleset)}
    assert used <= set(rulesets.RULE_TYPES)
    unknown = {"/iati-activities/iati-activity": {"dependent": {"cases": [{"paths": ["x"]}]}}}
    with pytest.raises(ImproperlyConfigured, match="dependent"):
        check(activity(), ruleset=unknown)


# -- the export ----------------------------------------------------------------------------


def _export(programmes, jwps) -> etree._Element:
    """The export of these programmes and JWPs, parsed as written (its lines are the file's)."""
    chunks = activities_document(
        programmes=programmes_for_export(programmes),
        jwps=jwps_for_export(jwps),
        base_url="https://portfolio.example.org",
    )
    return etree.fromstring(b"".join(chunks))


def _pairs(findings) -> set[tuple[str, str]]:
    return {(finding.rule, finding.identifier) for finding in findings}


@pytest.mark.django_db
def test_the_edge_cases_break_no_rule():
    """Their totals span several years, so none becomes an IATI budget (7.5.3); their
    identifiers (the factories') do not start with the reporting organisation's (1.1.21, a
    warning, the only finding)."""
    made = _edge_case_programmes()
    assert any(
        programme.budget is not None
        and programme.planned_end
        and (programme.planned_end - programme.planned_start).days > 365
        for programme in made
    )
    document = _export(
        Programme.objects.filter(pk__in=[p.pk for p in made]), JointWorkProgramme.objects.none()
    )
    report = rulesets.check(document)
    assert report.errors == []
    assert _pairs(report.warnings) == {("1.1.21", p.iati_identifier) for p in made}


def test_the_organisation_file_breaks_no_rule():
    document = etree.fromstring(organisation_document(base_url="https://portfolio.example.org"))
    assert rulesets.check(document).findings == []


# Last in the module: the portfolio, once loaded, stays until the module ends.
@pytest.mark.django_db
def test_the_portfolio_export_breaks_no_rule(portfolio_once):
    """The programmes known only by a total over several years have no IATI budget, rather
    than one budget over their whole period (7.5.3 broken five times before finances/)."""
    document = _export(Programme.objects.published(), JointWorkProgramme.objects.published())
    report = rulesets.check(document)
    assert report.errors == [], [(f.rule, f.identifier) for f in report.errors]
    assert report.warnings == []
