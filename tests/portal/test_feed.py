"""The Atom feed of outputs: summaries are plain text, so markup an editor typed never runs in
a feed reader."""

import pytest
from lxml import etree

from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_summaries_are_sent_as_text_never_as_html(client):
    summary = 'Findings <img src="x" onerror="alert(document.domain)"> & more'
    factories.OutputFactory(published=True, jwp__published=True, summary=summary)
    response = client.get("/feeds/outputs/")
    assert response.status_code == 200
    feed = etree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    element = entries[0].find(f"{ATOM}summary")
    assert element.get("type") == "text"
    assert element.text == summary  # shown as typed, markup and all, by the reader
    assert not feed.xpath("//*[local-name()='img']")
    assert b"<img" not in response.content
