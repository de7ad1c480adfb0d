"""``load_portfolio``: the real content, idempotence, staff edits kept, all-or-nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from jwp.models import JointWorkProgramme, Lesson, Output
from programmes.models import Organisation, Programme
from publishing.models import Document
from windows.models import FundingWindow, Instrument, Theme

pytestmark = pytest.mark.django_db

FOUR_ACTIVE_JWPS = {
    "Cities in the Global Agendas",
    "Gender and Women's Empowerment",
    "Promoting Equitable Economic Growth in Cities",
    "Resilient Cities",
}


@pytest.fixture
def loaded(portfolio_once):
    """The portfolio, loaded once for this module (each test runs in a savepoint of it)."""
    return portfolio_once


def test_the_seeds_structure_is_loaded(loaded):
    assert set(FundingWindow.objects.values_list("code", flat=True)) == {"country-city", "global"}
    instruments = dict(Instrument.objects.values_list("slug", "window__code"))
    assert instruments["country-programmes"] == "country-city"
    assert instruments["innovation-programme"] == "country-city"
    assert instruments["joint-work-programmes"] == "global"
    assert instruments["global-programmes"] == "global"
    themes = dict(Theme.objects.values_list("slug", "dac_sector_code"))
    assert set(themes) == {"equitable-economic-growth", "resilience", "gender", "migration"}
    assert all(len(code) == 5 for code in themes.values())
    assert "74010" not in themes.values()


def test_the_four_active_jwps_and_the_global_agendas_phases(loaded):
    active = set(
        JointWorkProgramme.objects.filter(activity_status="2").values_list("title", flat=True)
    )
    assert active == FOUR_ACTIVE_JWPS
    agendas = JointWorkProgramme.objects.get(slug="cities-and-the-global-agendas")
    phases = [(p.number, p.start.year, p.end.year) for p in agendas.phases.all()]
    assert phases == [(1, 2014, 2016), (2, 2017, 2018)]
    assert agendas.memberships.get(is_lead=True).organisation.name.endswith("Germany")


def test_future_cities_africa(loaded):
    fca = Programme.objects.get(slug="future-cities-africa")
    assert fca.instrument.slug == "global-programmes"
    assert set(fca.dimensions.values_list("name", flat=True)) == {
        "governance",
        "economy",
        "service",
        "citizenship",
        "environment",
    }
    assert fca.activities.count() == 6
    assert fca.actual_start == datetime.date(2014, 12, 1)
    kinds = set(fca.outputs.values_list("kind", flat=True))
    assert {"feasibility-study", "toolkit", "research-report"} <= kinds
    assert fca.partners.filter(organisation__acronym="DFID", role="1").exists()


def test_country_programmes_and_innovation_calls(loaded):
    uganda = Programme.objects.get(title__contains="TSUPU")
    secondary = set(uganda.cities.filter(is_secondary=True).values_list("name", flat=True))
    assert {"Arua", "Jinja", "Kabale", "Mbale", "Mbarara"} <= secondary
    country_programmes = Programme.objects.filter(instrument__slug="country-programmes")
    for country in [
        "Uganda",
        "Ghana",
        "Mozambique",
        "Burkina Faso",
        "Vietnam",
        "Liberia",
        "Tunisia",
        "Ethiopia",
    ]:
        assert country_programmes.filter(countries__name=country).exists(), country
    calls = Programme.objects.filter(instrument__slug="innovation-programme", parent=None)
    assert {p.actual_start.year if p.actual_start else p.planned_start.year for p in calls} >= {
        2011,
        2012,
        2014,
        2015,
        2019,
        2020,
    }
    know_your_city = calls.get(title__contains="Know Your City")
    assert know_your_city.children.filter(title__icontains="SafetiPin").exists()


def test_members_lessons_and_the_standard_operating_procedures(loaded):
    members = set(Organisation.objects.filter(is_member=True).values_list("acronym", flat=True))
    assert {"UCLG", "ICLEI", "SDI", "WIEGO", "UNCDF", "IIED"} <= members
    assert Lesson.objects.count() >= 3
    for lesson in Lesson.objects.select_related("programme__instrument__window"):
        assert lesson.programme.instrument.window.code == "country-city"
    sop = Document.objects.get(slug="standard-operating-procedures")
    with sop.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_everything_loaded_is_published_and_valid(loaded):
    for model in (Programme, JointWorkProgramme, Output, Lesson, Document):
        assert model.objects.count() > 0
        assert model.objects.published().count() == model.objects.count(), model
        for obj in model.objects.all():
            obj.full_clean()


def test_a_second_run_changes_nothing_and_says_so(loaded):
    counts = {m: m.objects.count() for m in (Programme, Output, Organisation, Lesson)}
    history = Programme.history.count()
    out = StringIO()
    call_command("load_portfolio", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert "0 created" in out.getvalue()
    assert {m: m.objects.count() for m in counts} == counts
    assert Programme.history.count() == history


def test_staff_edits_survive_a_rerun_unless_update_is_asked(loaded):
    programme = Programme.objects.get(slug="future-cities-africa")
    original = programme.title
    Programme.objects.filter(pk=programme.pk).update(title="Edited by staff")
    out = StringIO()
    call_command("load_portfolio", stdout=out)
    assert "1 differ from the file (kept)" in out.getvalue()
    assert Programme.objects.get(pk=programme.pk).title == "Edited by staff"

    call_command("load_portfolio", "--update", stdout=StringIO())
    assert Programme.objects.get(pk=programme.pk).title == original


def test_an_unpublished_item_stays_unpublished_on_rerun(loaded):
    Output.objects.filter(slug__contains="feasibility").update(status="draft")
    call_command("load_portfolio", stdout=StringIO())
    assert not Output.objects.published().filter(slug__contains="feasibility").exists()


def test_every_loaded_row_has_history_that_says_it_was_load_portfolio(loaded):
    for model in (Programme, JointWorkProgramme, Output, Organisation):
        reasons = set(model.history.values_list("history_change_reason", flat=True))
        assert "load_portfolio" in reasons, model
        assert reasons <= {"load_portfolio", "Published by load_portfolio"}, model
