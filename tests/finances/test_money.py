"""Budgets, planned disbursements and transactions: the invariants PostgreSQL holds, the
model's own checks, review of a published activity's money, and the IATI elements."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from lxml import etree

from finances.models import Budget, Transaction
from iati.export import activities_document, jwps_for_export, programmes_for_export
from iati.schema import schema_errors
from programmes.models import Country
from publishing import services as publishing
from publishing.services import content_save
from tests import factories
from tests.iati import schema_dir

pytestmark = pytest.mark.django_db


def refused_by_postgresql(**fields) -> str:
    """Saves past ``full_clean()``: the database itself must refuse the row."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Budget.objects.create(**fields)
    return str(caught.value)


def test_the_database_keeps_budget_periods_to_at_most_a_year_and_in_order():
    programme = factories.ProgrammeFactory()
    money = {"value": Decimal("1"), "currency": "USD", "value_date": datetime.date(2015, 1, 1)}
    start = datetime.date(2015, 1, 1)

    assert "at_most_a_year" in refused_by_postgresql(
        programme=programme, period_start=start, period_end=datetime.date(2016, 1, 2), **money
    )
    assert "end_after_start" in refused_by_postgresql(
        programme=programme, period_start=start, period_end=start, **money
    )
    assert "one_activity" in refused_by_postgresql(
        period_start=start, period_end=datetime.date(2015, 12, 31), **money
    )
    assert "one_activity" in refused_by_postgresql(
        programme=programme,
        jwp=factories.JointWorkProgrammeFactory(),
        period_start=start,
        period_end=datetime.date(2015, 12, 31),
        **money,
    )
    # 365 days is a year: a leap year's calendar year, or July to June.
    Budget.objects.create(
        programme=programme,
        period_start=datetime.date(2016, 1, 1),
        period_end=datetime.date(2016, 12, 31),
        **money,
    )
    Budget.objects.create(
        programme=programme,
        period_start=datetime.date(2015, 7, 1),
        period_end=datetime.date(2016, 6, 30),
        **money,
    )


def test_full_clean_says_what_is_wrong_in_words():
    budget = factories.BudgetFactory.build(
        programme=factories.ProgrammeFactory(), period_end=datetime.date(2017, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        budget.full_clean()
    assert "at most a year (365 days) long: split it into years" in str(error.value)


def test_a_transaction_has_happened_and_may_be_negative():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    future = factories.TransactionFactory.build(
        programme=factories.ProgrammeFactory(), date=tomorrow, value_date=tomorrow
    )
    with pytest.raises(ValidationError) as error:
        future.full_clean()
    assert set(error.value.message_dict) == {"date", "value_date"}
    assert "planned disbursement" in error.value.message_dict["date"][0]

    refund = factories.TransactionFactory.build(
        programme=factories.ProgrammeFactory(), value=Decimal("-1200.50")
    )
    refund.full_clean()
    refund.save()
    assert Transaction.objects.get().value == Decimal("-1200.50")


def test_an_editors_budget_for_a_published_programme_waits_for_review():
    programme = factories.ProgrammeFactory(published=True)
    editor = factories.EditorFactory()
    budget = factories.BudgetFactory.build(programme=programme)

    revision = publishing.edit(
        obj=programme,
        user=editor,
        write=lambda: content_save(budget, user=editor, owner=programme),
    )

    assert revision is not None
    assert not Budget.objects.exists()  # the public sees no budget yet
    [row] = revision.proposed["rows"]["budgets"]
    assert (row["value"], row["period_start"]) == ("250000.00", "2015-01-01")

    publishing.revision_approve(revision=revision, user=factories.PublisherFactory())
    assert Budget.objects.get(programme=programme).value == Decimal("250000.00")


def export(settings) -> etree._Element:
    settings.IATI_SCHEMA_DIR = str(schema_dir())
    return etree.fromstring(
        b"".join(
            activities_document(
                programmes=programmes_for_export(),
                jwps=jwps_for_export(),
                base_url="https://portfolio.example.org",
            )
        )
    )


def exportable_programme(**fields):
    programme = factories.ProgrammeFactory(
        published=True,
        planned_start=datetime.date(2015, 1, 1),
        planned_end=datetime.date(2018, 12, 31),
        **fields,
    )
    uganda = Country.objects.filter(iso2="UG").first()
    programme.countries.add(uganda or factories.CountryFactory(iso2="UG", iso3="UGA"))
    programme.themes.add(factories.ThemeFactory(dac_sector_code="43030"))
    factories.ProgrammePartnerFactory(programme=programme)
    return programme


def test_budgets_disbursements_and_transactions_export_valid_iati(settings):
    programme = exportable_programme()
    for year in (2015, 2016):
        factories.BudgetFactory(
            programme=programme,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            value_date=datetime.date(year, 1, 1),
        )
    factories.BudgetFactory(programme=programme, type="2", status="2", value=Decimal("300000"))
    donor = factories.OrganisationFactory(name="A donor", iati_ref="XM-DAC-41122", org_type="40")
    factories.PlannedDisbursementFactory(programme=programme, provider_organisation=donor)
    factories.TransactionFactory(
        programme=programme,
        type="11",
        provider_organisation=donor,
        receiver_name="A city",
        description="Grant agreement signed.",
        sector_vocabulary="1",
        sector_code="43030",
        finance_type="110",
        flow_type="10",
        aid_type="C01",
        tied_status="5",
    )
    factories.TransactionFactory(programme=programme, value=Decimal("-100.00"))
    jwp = factories.JointWorkProgrammeFactory(published=True, start=datetime.date(2016, 1, 1))
    jwp.themes.add(factories.ThemeFactory(dac_sector_code="43030"))
    factories.MembershipFactory(jwp=jwp)
    factories.BudgetFactory(programme=None, jwp=jwp)

    document = export(settings)

    assert not schema_errors(document)
    activity = next(
        a
        for a in document.iter("iati-activity")
        if a.findtext("iati-identifier") == programme.iati_identifier
    )
    budgets = activity.findall("budget")
    assert [(b.get("type"), b.findtext("value")) for b in budgets] == [
        ("1", "250000.00"),
        ("2", "300000.00"),
        ("1", "250000.00"),
    ]
    assert budgets[0].find("value").get("currency") == "USD"
    disbursement = activity.find("planned-disbursement")
    assert disbursement.find("provider-org").get("ref") == "XM-DAC-41122"
    commitment, refund = activity.findall("transaction")
    assert commitment.find("transaction-type").get("code") == "11"
    assert commitment.findtext("receiver-org/narrative") == "A city"
    assert commitment.find("aid-type").get("code") == "C01"
    # The activity has sectors of its own: the transaction's would break rule 6.6.2.
    assert commitment.find("sector") is None
    assert refund.findtext("value") == "-100.00"
    jwp_activity = next(
        a
        for a in document.iter("iati-activity")
        if a.findtext("iati-identifier") == jwp.iati_identifier
    )
    assert len(jwp_activity.findall("budget")) == 1


def test_a_total_over_several_years_is_never_one_iati_budget(settings):
    several_years = exportable_programme(budget=Decimal("2500000"), currency="USD")
    one_year = exportable_programme(budget=Decimal("80000"), currency="USD")
    one_year.planned_end = datetime.date(2015, 12, 31)
    one_year.save()

    activities = {a.findtext("iati-identifier"): a for a in export(settings).iter("iati-activity")}

    assert activities[several_years.iati_identifier].find("budget") is None
    [budget] = activities[one_year.iati_identifier].findall("budget")
    assert budget.findtext("value") == "80000.00"


def test_the_programme_page_sets_budgets_against_spending_per_year_and_currency(client):
    programme = factories.ProgrammeFactory(published=True, budget=Decimal("999"), currency="USD")
    year = {"period_start": datetime.date(2015, 1, 1), "period_end": datetime.date(2015, 12, 31)}
    factories.BudgetFactory(programme=programme, value=Decimal("100000"), **year)
    factories.BudgetFactory(
        programme=programme,
        type="2",
        value=Decimal("120000"),
        value_date=datetime.date(2015, 6, 1),
        **year,
    )
    factories.BudgetFactory(programme=programme, value=Decimal("40000"), currency="EUR", **year)
    factories.TransactionFactory(
        programme=programme,
        value=Decimal("30000"),
        provider_organisation=factories.OrganisationFactory(name="The Donor"),
        receiver_name="Jinja municipal council",
    )
    factories.TransactionFactory(programme=programme, type="4", value=Decimal("-500"))

    page = client.get(programme.get_absolute_url()).content.decode()

    money = page[page.index('id="money"') :]
    # The revision replaces the original; euros and dollars stay apart.
    assert "USD 120,000" in money and "USD 100,000" not in money
    assert "EUR 40,000" in money and "USD 160,000" not in money
    assert "USD 30,000" in money and "USD -500" in money
    assert "The Donor → Jinja municipal council" in money
    # One chart per currency, each bar labelled, with its data table.
    assert money.count('role="img"') == 2
    assert "Budget and spending by year, in USD" in money
    assert "2015 budget: 120,000" in money and "2015 disbursed: 30,000" in money
    assert "2015 spent" not in money.split("<table")[0]  # a negative year has no bar
    assert "not broken down by year" not in page  # the rows replace the old total


def test_a_programme_known_only_by_its_total_says_so(client):
    programme = factories.ProgrammeFactory(
        published=True, budget=Decimal("3800000"), currency="USD"
    )
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "USD 3,800,000, not broken down by year" in page
    nothing = factories.ProgrammeFactory(published=True, budget=None, currency="")
    page = client.get(nothing.get_absolute_url()).content.decode()
    assert "No budget or transactions are recorded for it yet." in page


def test_the_programme_and_jwp_details_nest_their_money(client):
    programme = factories.ProgrammeFactory(published=True)
    factories.BudgetFactory(programme=programme)
    factories.TransactionFactory(
        programme=programme,
        value=Decimal("-25.50"),
        provider_organisation=factories.OrganisationFactory(name="Donor", iati_ref="XM-1"),
        receiver_name="A city",
    )
    jwp = factories.JointWorkProgrammeFactory(published=True)
    factories.PlannedDisbursementFactory(programme=None, jwp=jwp, provider_name="Fund")

    detail = client.get(f"/api/v1/programmes/{programme.slug}/").json()
    assert detail["budgets"] == [
        {
            "period_start": "2015-01-01",
            "period_end": "2015-12-31",
            "type": "1",
            "status": "1",
            "value": "250000.00",
            "currency": "USD",
            "value_date": "2015-01-01",
        }
    ]
    [transaction] = detail["transactions"]
    assert transaction["value"] == "-25.50"
    assert transaction["provider"] == {"name": "Donor", "ref": "XM-1"}
    assert transaction["receiver"] == {"name": "A city", "ref": ""}
    assert detail["planned_disbursements"] == []
    listing = client.get("/api/v1/programmes/").json()["results"][0]
    assert "budgets" not in listing  # lists stay light

    jwp_detail = client.get(f"/api/v1/jwps/{jwp.slug}/").json()
    assert jwp_detail["planned_disbursements"][0]["provider"]["name"] == "Fund"
    assert jwp_detail["budgets"] == [] and jwp_detail["transactions"] == []


def test_money_lists_show_public_activities_only_with_strict_filters(client):
    uganda = Country.objects.filter(iso2="UG").first() or factories.CountryFactory(
        iso2="UG", iso3="UGA"
    )
    public = factories.ProgrammeFactory(published=True, slug="public-one")
    public.countries.add(uganda)
    draft = factories.ProgrammeFactory(slug="a-draft")
    donor = factories.OrganisationFactory(slug="donor", iati_ref="XM-DAC-41122")
    factories.TransactionFactory(programme=public, provider_organisation=donor)
    factories.TransactionFactory(
        programme=public, type="4", currency="EUR", date=datetime.date(2019, 3, 1)
    )
    factories.TransactionFactory(programme=draft)
    factories.BudgetFactory(programme=public)
    factories.BudgetFactory(programme=draft)

    def titles(url):
        response = client.get(url)
        assert response.status_code == 200, response.content
        return [
            (row["programme"], row["type"], row["currency"]) for row in response.json()["results"]
        ]

    assert titles("/api/v1/transactions/") == [
        ("public-one", "3", "USD"),
        ("public-one", "4", "EUR"),
    ]
    assert titles("/api/v1/transactions/?type=4") == [("public-one", "4", "EUR")]
    assert titles("/api/v1/transactions/?currency=USD&provider=XM-DAC-41122") == [
        ("public-one", "3", "USD")
    ]
    assert titles("/api/v1/transactions/?date_after=2019-01-01&country=ug") == [
        ("public-one", "4", "EUR")
    ]
    assert titles("/api/v1/budgets/") == [("public-one", "1", "USD")]
    factories.PlannedDisbursementFactory(programme=public, provider_organisation=donor)
    hidden = factories.PlannedDisbursementFactory(programme=draft)
    assert client.get(f"/api/v1/planned-disbursements/{hidden.pk}/").status_code == 404
    factories.PlannedDisbursementFactory(
        programme=None, jwp=factories.JointWorkProgrammeFactory(published=True), type="2"
    )
    [row] = client.get("/api/v1/planned-disbursements/?country=UG").json()["results"]
    assert (row["programme"], row["provider"]["ref"], row["value"]) == (
        "public-one",
        "XM-DAC-41122",
        "100000.00",
    )
    assert client.get(f"/api/v1/planned-disbursements/{row['id']}/").json() == row
    assert titles("/api/v1/planned-disbursements/?type=2") == [(None, "2", "USD")]

    # A draft's slug is as unknown as one nobody uses; unknown parameters are named.
    for url, parameter in (
        ("/api/v1/transactions/?programme=a-draft", "programme"),
        ("/api/v1/transactions/?programme=nobody", "programme"),
        ("/api/v1/transactions/?type=99", "type"),
        ("/api/v1/transactions/?amount=5", "amount"),
        ("/api/v1/budgets/?period_after=yesterday", "period_after"),
        ("/api/v1/planned-disbursements/?programme=a-draft", "programme"),
        ("/api/v1/planned-disbursements/?status=2", "status"),
    ):
        response = client.get(url)
        assert response.status_code == 400 and parameter in response.json()["errors"], url

    csv = client.get("/api/v1/transactions/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert len(lines) == 3 and "provider.name" in lines[0]


def test_the_stats_add_spending_by_year_theme_and_country_per_currency(client):
    uganda = Country.objects.filter(iso2="UG").first() or factories.CountryFactory(
        iso2="UG", iso3="UGA"
    )
    gender = factories.ThemeFactory(slug="gender")
    public = factories.ProgrammeFactory(published=True)
    public.countries.add(uganda)
    public.themes.add(gender)
    draft = factories.ProgrammeFactory()
    for value, kind, currency in (
        ("100", "3", "USD"),
        ("-20", "3", "USD"),
        ("50", "4", "USD"),
        ("70", "3", "EUR"),
        ("999", "1", "USD"),  # incoming funds: not spending
    ):
        factories.TransactionFactory(
            programme=public, value=Decimal(value), type=kind, currency=currency
        )
    factories.TransactionFactory(programme=draft, value=Decimal("5000"))
    jwp = factories.JointWorkProgrammeFactory(published=True)
    jwp.themes.add(gender)
    factories.TransactionFactory(programme=None, jwp=jwp, value=Decimal("1"), type="2")

    spending = client.get("/api/v1/stats/").json()["spending"]

    usd = {"currency": "USD", "committed": None, "disbursed": "80.00", "spent": "50.00"}
    eur = {"currency": "EUR", "committed": None, "disbursed": "70.00", "spent": None}
    assert spending["country"] == [{"key": "UG", "amounts": [eur, usd]}]
    assert spending["year"] == [{"key": "2015", "amounts": [eur, {**usd, "committed": "1.00"}]}]
    assert spending["theme"] == [{"key": "gender", "amounts": [eur, {**usd, "committed": "1.00"}]}]
