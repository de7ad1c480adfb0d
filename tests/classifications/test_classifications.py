"""Sectors, recipient countries and their shares; policy markers, contacts, descriptions and
the activity's classifications: the rule of shares in the admin, the staff API and the IATI
import, the even split the admin proposes (and never saves on its own), the database's
constraints, and what the public page and the partner API show."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from classifications.models import PolicyMarker, Sector
from iati.importer import IatiImportError, iati_import
from programmes.models import Programme, ProgrammeCountry
from publishing import services as publishing
from publishing.models import Revision
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(response, **changes) -> dict:
    """What the browser posts back from the change form of ``response``: every field of the
    form and of each inline with the value it shows, then ``changes``."""
    data = {}
    admin_form = response.context["adminform"].form
    forms = [admin_form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.forms)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, datetime.datetime):
                data[form.add_prefix(name) + "_0"] = value.date().isoformat()
                data[form.add_prefix(name) + "_1"] = value.time().isoformat()
            else:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def programme():
    """A draft in three countries and two themes with DAC codes, no share given yet."""
    programme = factories.ProgrammeFactory(planned_start=datetime.date(2019, 1, 1))
    for iso2, iso3 in (("UG", "UGA"), ("KE", "KEN"), ("TZ", "TZA")):
        programme.countries.add(factories.CountryFactory(iso2=iso2, iso3=iso3))
    programme.themes.add(
        factories.ThemeFactory(dac_sector_code="43030"),
        factories.ThemeFactory(dac_sector_code="15170"),
    )
    factories.ProgrammePartnerFactory(programme=programme)
    return programme


def change_url(programme) -> str:
    return reverse("admin:programmes_programme_change", args=[programme.pk])


def test_missing_shares_are_named_and_keep_the_programme_out_of_iati(programme):
    assert programme.iati_problems() == [
        "recipient countries without their percentages",
        "sectors without their percentages (vocabulary 1)",
    ]
    programme.status, programme.published_at = (
        "published",
        datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    programme.save()
    assert list(Programme.iati_incomplete()) == [programme]
    shares = {"UG": 50, "KE": 30, "TZ": 20}
    for row in programme.recipient_countries.all():
        row.percentage = shares[row.country.iso2]
        row.save()
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.iati_problems() == ["sectors without their percentages (vocabulary 1)"]
    assert list(Programme.iati_incomplete()) == [programme]
    factories.SectorFactory(programme=programme, code="43030", percentage=70)
    factories.SectorFactory(programme=programme, code="15170", percentage=30)
    assert Programme.objects.get(pk=programme.pk).iati_problems() == []
    assert list(Programme.iati_incomplete()) == []
    # A second sector of another vocabulary without a share is a gap again.
    factories.SectorFactory(programme=programme, vocabulary="7", code="11")
    factories.SectorFactory(programme=programme, vocabulary="7", code="6")
    assert Programme.objects.get(pk=programme.pk).iati_problems() == [
        "sectors without their percentages (vocabulary 7)"
    ]
    assert list(Programme.iati_incomplete()) == [programme]


def test_the_admin_refuses_shares_that_do_not_add_up(client, programme):
    client.force_login(factories.PublisherFactory())
    page = client.get(change_url(programme))
    assert page.status_code == 200
    assert b"Propose an even split" in page.content
    rows = {
        row.country.iso2: index for index, row in enumerate(programme.recipient_countries.all())
    }
    assert not page.context["adminform"].form.errors
    wrong_sum = form_data(
        page,
        **{
            f"recipient_countries-{rows['UG']}-percentage": "50",
            f"recipient_countries-{rows['KE']}-percentage": "30",
            f"recipient_countries-{rows['TZ']}-percentage": "30",
        },
    )
    response = client.post(change_url(programme), wrong_sum)
    assert response.status_code == 200
    inline_errors = [
        (inline.formset.prefix, inline.formset.errors, inline.formset.non_form_errors())
        for inline in response.context["inline_admin_formsets"]
    ]
    assert not response.context["adminform"].form.errors, inline_errors
    assert (
        "Recipient countries: the percentages add up to 110 %, not 100 %."
        in response.content.decode()
    )
    some_only = form_data(page, **{f"recipient_countries-{rows['UG']}-percentage": "50"})
    response = client.post(change_url(programme), some_only)
    assert "give the percentage of every one (3), or of none" in response.content.decode()
    assert set(ProgrammeCountry.objects.values_list("percentage", flat=True)) == {None}

    right = form_data(
        page,
        **{
            f"recipient_countries-{rows['UG']}-percentage": "50",
            f"recipient_countries-{rows['KE']}-percentage": "25.5",
            f"recipient_countries-{rows['TZ']}-percentage": "24.5",
        },
    )
    assert client.post(change_url(programme), right).status_code == 302
    assert dict(programme.recipient_countries.values_list("country__iso2", "percentage")) == {
        "UG": Decimal("50.00"),
        "KE": Decimal("25.50"),
        "TZ": Decimal("24.50"),
    }


def test_the_admin_proposes_an_even_split_that_only_the_editor_saves(client, programme):
    client.force_login(factories.EditorFactory())
    page = client.get(change_url(programme) + "?propose_shares=1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "an even split is proposed" in text
    # Proposed, not saved: the database has no share yet.
    assert set(ProgrammeCountry.objects.values_list("percentage", flat=True)) == {None}
    assert not Sector.objects.exists()
    formsets = {
        inline.formset.prefix: inline.formset for inline in page.context["inline_admin_formsets"]
    }
    countries = [form["percentage"].value() for form in formsets["recipient_countries"].forms]
    assert sorted(countries) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    sectors = [
        (form["code"].value(), form["percentage"].value()) for form in formsets["sectors"].forms
    ]
    assert sorted(sectors) == [("15170", Decimal("50.00")), ("43030", Decimal("50.00"))]

    # The editor corrects one sector's share and saves: that is the confirmation.
    data = form_data(page)
    index = next(i for i, (code, _share) in enumerate(sectors) if code == "43030")
    data[f"sectors-{index}-percentage"] = "80"
    data[f"sectors-{1 - index}-percentage"] = "20"
    response = client.post(change_url(programme), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert dict(Sector.objects.values_list("code", "percentage")) == {
        "43030": Decimal("80.00"),
        "15170": Decimal("20.00"),
    }
    assert sorted(ProgrammeCountry.objects.values_list("percentage", flat=True)) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert Programme.objects.get(pk=programme.pk).iati_problems() == []


def test_an_editors_change_to_the_shares_of_a_published_programme_waits_for_review(programme):
    publisher, editor = factories.PublisherFactory(), factories.EditorFactory()
    publishing.publication_publish(obj=programme, user=publisher)
    rows = [
        {"country": row.country, "percentage": share}
        for row, share in zip(programme.recipient_countries.all(), (50, 30, 20), strict=True)
    ]

    def write():
        publishing.rows_set(user=editor, owner=programme, relation="recipient_countries", rows=rows)

    revision = publishing.edit(obj=programme, user=editor, write=write)
    assert isinstance(revision, Revision)
    assert set(ProgrammeCountry.objects.values_list("percentage", flat=True)) == {None}
    publishing.revision_approve(revision=revision, user=publisher)
    assert sorted(ProgrammeCountry.objects.values_list("percentage", flat=True)) == [
        Decimal("20.00"),
        Decimal("30.00"),
        Decimal("50.00"),
    ]


def test_the_database_keeps_codes_and_shares_in_bounds(programme):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Sector.objects.create(programme=programme, vocabulary="1", code="430")  # not 5 digits
    with transaction.atomic(), pytest.raises(IntegrityError):
        Sector.objects.create(programme=programme, code="43030", percentage=Decimal("100.01"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        PolicyMarker.objects.create(programme=programme, code="1", significance="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Sector.objects.create(code="43030")  # no activity
    Sector.objects.create(programme=programme, code="43030")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Sector.objects.create(programme=programme, code="43030")  # twice


def test_the_staff_api_checks_the_shares_and_partners_read_them(client, programme, settings):
    token = factories.issue_token(factories.PublisherFactory())
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    url = f"/api/v1/programmes/{programme.slug}/"
    wrong = {
        "recipient_countries": [
            {"country": "ug", "percentage": 60},
            {"country": "KE", "percentage": 30},
        ]
    }
    response = client.patch(url, wrong, content_type="application/json", **headers)
    assert response.status_code == 400
    assert "the percentages add up to 90 %" in str(response.json()["errors"]["recipient_countries"])
    no_country = {"recipient_countries": [{"percentage": None}]}
    response = client.patch(url, no_country, content_type="application/json", **headers)
    assert response.json()["errors"]["recipient_countries"] == [
        "Each recipient country needs its country code."
    ]
    both = {"recipient_countries": [{"country": "UG", "percentage": None}], "countries": ["UG"]}
    response = client.patch(url, both, content_type="application/json", **headers)
    assert response.status_code == 400 and "countries" in response.json()["errors"]
    right = {
        "recipient_countries": [
            {"country": "UG", "percentage": 60},
            {"country": "KE", "percentage": 40},
        ],
        "objectives": "Safer housing.",
        "default_flow_type": "10",
    }
    response = client.patch(url, right, content_type="application/json", **headers)
    assert response.status_code == 200, response.json()
    assert dict(programme.recipient_countries.values_list("country__iso2", "percentage")) == {
        "UG": Decimal("60.00"),
        "KE": Decimal("40.00"),
    }
    factories.SectorFactory(programme=programme, code="43030", percentage=70)
    factories.SectorFactory(programme=programme, code="15170", percentage=30)
    factories.PolicyMarkerFactory(programme=programme, code="3", significance="2")
    factories.ContactFactory(programme=programme)
    programme.refresh_from_db()
    publishing.publication_publish(obj=programme, user=factories.PublisherFactory())
    detail = client.get(url).json()
    assert sorted(detail["recipient_countries"], key=lambda row: row["country"]) == [
        {"country": "KE", "percentage": "40.00"},
        {"country": "UG", "percentage": "60.00"},
    ]
    assert detail["sectors"] == [
        {"vocabulary": "1", "code": "15170", "name": "", "percentage": "30.00"},
        {"vocabulary": "1", "code": "43030", "name": "", "percentage": "70.00"},
    ]
    assert detail["policy_markers"] == [
        {"vocabulary": "1", "code": "3", "significance": "2", "name": ""}
    ]
    assert detail["contacts"][0]["email"] == "info@example.org"
    assert (detail["objectives"], detail["default_flow_type"]) == ("Safer housing.", "10")


def test_the_public_page_shows_the_classifications(client, programme):
    publishing.publication_publish(obj=programme, user=factories.PublisherFactory())
    factories.PolicyMarkerFactory(programme=programme, code="1", significance="2")
    factories.ContactFactory(programme=programme, person_name="A. Person")
    Programme.objects.filter(pk=programme.pk).update(objectives="Plan <with> residents.")
    factories.TransactionFactory(programme=programme)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Sectors and policy markers" in page
    assert page.count("share not given") == 2  # two theme sectors, no share yet
    assert "Gender equality" in page and "Principal objective" in page
    assert "A. Person" in page and 'href="mailto:info@example.org"' in page
    assert "Plan &lt;with&gt; residents." in page
    assert "/api/v1/transactions/?programme=" in page


IMPORT = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity xml:lang="en" default-currency="USD">
    <iati-identifier>XM-TEST-1</iati-identifier>
    <reporting-org ref="XM-TEST" type="10"><narrative>Test</narrative></reporting-org>
    <title><narrative>Shares</narrative></title>
    <description><narrative>A test.</narrative></description>
    <participating-org role="4" type="21"><narrative>An NGO</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="2" iso-date="2020-01-01"/>
    <recipient-country code="UG" percentage="60"/>
    <recipient-country code="KE" percentage="{ke}"/>
    <sector vocabulary="1" code="43030" percentage="100"/>
  </iati-activity>
</iati-activities>
"""


def test_the_iati_import_refuses_shares_that_do_not_add_up(programme):
    instrument = programme.instrument.slug
    with pytest.raises(IatiImportError) as refused:
        iati_import(source=IMPORT.format(ke=30).encode(), instrument_slug=instrument)
    assert "Recipient countries: the percentages add up to 90 %, not 100 %." in str(refused.value)
    assert not Programme.objects.filter(iati_identifier="XM-TEST-1").exists()
    iati_import(source=IMPORT.format(ke=40).encode(), instrument_slug=instrument)
    imported = Programme.objects.get(iati_identifier="XM-TEST-1")
    assert dict(imported.recipient_countries.values_list("country__iso2", "percentage")) == {
        "UG": Decimal("60.00"),
        "KE": Decimal("40.00"),
    }
    assert list(imported.sectors.values_list("code", "percentage")) == [
        ("43030", Decimal("100.00"))
    ]
