import pytest
from django.db import connection

from programmes.filters import programme_search
from programmes.models import Programme
from programmes.selectors import programme_list
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_gin_index_exists_and_serves_the_search_query():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'programme_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
        assert "gin" in definition
        cursor.execute("SET enable_seqscan = off")
        plan = programme_search(Programme.objects.order_by(), "tenure").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "programme_search_vector_gin" in plan


def test_search_is_stemmed_ranked_and_published_only():
    strong = ProgrammeFactory(
        published=True, title="Secure tenure in cities", summary="Tenure security for renters."
    )
    weak = ProgrammeFactory(published=True, title="Upgrading", description="Some tenure work.")
    ProgrammeFactory(title="Tenure draft", summary="tenure tenure")  # unpublished
    ProgrammeFactory(published=True, title="Unrelated", summary="Waste management.")
    found = list(programme_list(filters={"search": "tenures"}))
    assert found == [strong, weak]
