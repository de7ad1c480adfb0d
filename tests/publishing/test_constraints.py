import pytest
from django.db import IntegrityError, transaction

from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_document_slug_unique_and_published_needs_a_time():
    DocumentFactory(slug="sop")
    with pytest.raises(IntegrityError, match="slug"), transaction.atomic():
        DocumentFactory(slug="sop")
    with pytest.raises(IntegrityError, match="published_has_date"), transaction.atomic():
        DocumentFactory(status="published", published_at=None)
