"""The official IATI 2.03 schemas (``IATI_SCHEMA_DIR``), loaded once."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

ACTIVITIES = "iati-activities-schema.xsd"
ORGANISATIONS = "iati-organisations-schema.xsd"


def schema_path(name: str) -> Path:
    path = Path(settings.IATI_SCHEMA_DIR) / name
    if not path.is_file():
        raise ImproperlyConfigured(
            f"IATI schema {name} not found in IATI_SCHEMA_DIR={settings.IATI_SCHEMA_DIR!r}."
        )
    return path


@cache
def load_schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(schema_path(name)), parser))


def schema_errors(document: etree._ElementTree | etree._Element, name: str = ACTIVITIES):
    """Schema errors as ``(line, message)``; empty when the document is valid."""
    schema = load_schema(name)
    if schema.validate(document):
        return []
    return [(error.line, error.message) for error in schema.error_log]
