"""The one CSV writer: a text cell a spreadsheet would run as a formula comes out as text, on
the site's download and the API's CSV alike (the export jobs: tests/jobs/test_exports.py)."""

import csv
import io

import pytest

from publishing.csv import csv_lines
from tests import factories

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://attacker.example/","Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_formulas_become_text_and_numbers_stay_numbers():
    lines = csv_lines(["value"], [[value] for value in [*FORMULAS, "-12.50", "+3", -4, "Plain"]])
    values = [row["value"] for row in rows_of("".join(lines).encode())]
    assert values[: len(FORMULAS)] == ["'" + formula for formula in FORMULAS]
    assert values[len(FORMULAS) :] == ["-12.50", "+3", "-4", "Plain"]


@pytest.mark.parametrize(
    "url",
    ["/programmes/export.csv", "/api/v1/programmes/?format=csv", "/api/v1/outputs/?format=csv"],
)
def test_downloads_neutralise_formulas_in_titles(client, url):
    programme = factories.ProgrammeFactory(published=True, title=FORMULAS[0])
    factories.OutputFactory(published=True, programme=programme, jwp=None, title=FORMULAS[1])
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    titles = [row["title"] for row in rows_of(data)]
    assert titles and all(title.startswith("'") for title in titles), titles
