"""The review desk for Publishers: items in review, pending revisions, broken links and IATI
problems, each a count on the admin index and at /admin/review/, with a link to act on it."""

import pytest
from django.urls import reverse

from jwp.models import LinkStatus, Output
from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db


def complete_programme(**kwargs) -> Programme:
    programme = factories.ProgrammeFactory(**kwargs)
    programme.countries.add(factories.CountryFactory())
    programme.themes.add(factories.ThemeFactory(dac_sector_code="43030"))
    factories.ProgrammePartnerFactory(programme=programme)
    return programme


@pytest.fixture
def queues():
    complete_programme(published=True, title="Exported")
    left_out = factories.ProgrammeFactory(published=True, title="No partner or country")
    in_review = complete_programme(title="Waiting", status=PublicationStatus.IN_REVIEW)
    factories.RevisionFactory()  # of a published programme, itself left out of IATI
    broken = factories.OutputFactory(title="Dead link", url="https://gone.example")
    Output.objects.filter(pk=broken.pk).update(link_status=LinkStatus.BROKEN)
    factories.OutputFactory(title="Fine")
    return {"left_out": left_out, "in_review": in_review, "broken": broken}


def rows_of(page: str) -> dict[str, str]:
    rows = {}
    for chunk in page.split("<tr>")[1:]:
        if '<th scope="row">' not in chunk:
            continue
        label = chunk.split('">', 2)[2].split("</a>")[0]
        count = chunk.split("review-count", 1)[1].split(">", 1)[1].split("<")[0]
        rows[label] = count
    return rows


def test_the_desk_counts_what_waits_and_links_to_it(client, queues):
    client.force_login(factories.PublisherFactory())
    page = client.get(reverse("review-desk")).content.decode()
    counts = rows_of(page)
    assert counts["Programmes in review"] == "1"
    assert counts["Pending revisions of published items"] == "1"
    assert counts["Outputs with a broken link or file"] == "1"
    assert counts["Published programmes left out of the IATI file"] == "2"
    assert counts["Outputs in review"] == "0"

    listed = client.get("/admin/programmes/programme/?iati=problems").context["cl"].result_list
    assert {p.title for p in listed} == {"No partner or country", queues_revised_title()}
    listed = client.get("/admin/jwp/output/?link_status__exact=broken").context["cl"].result_list
    assert [o.title for o in listed] == ["Dead link"]
    listed = client.get("/admin/programmes/programme/?status__exact=review").context["cl"]
    assert [p.title for p in listed.result_list] == ["Waiting"]


def queues_revised_title() -> str:
    revised = Programme.objects.published().exclude(title__in=["Exported", "No partner or country"])
    return revised.get().title


def test_the_admin_index_shows_the_desk(client, queues):
    client.force_login(factories.PublisherFactory())
    page = client.get(reverse("admin:index")).content.decode()
    assert "Review desk" in page and "Pending revisions of published items" in page
    assert "Site administration" in page or "Portfolio administration" in page


def test_the_desk_needs_a_staff_login(client):
    response = client.get(reverse("review-desk"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
