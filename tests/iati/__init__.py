"""Where the official IATI schemas and codelists are (``IATI_SCHEMA_DIR``, set by .ci/run)."""

import os
from pathlib import Path

from tests import missing_prerequisite


def schema_dir() -> Path:
    """The schemas folder; on CI its absence is a failure, elsewhere the test is skipped."""
    configured = os.environ.get("IATI_SCHEMA_DIR", "")
    folder = Path(configured) if configured else None
    if folder is None or not (folder / "iati-activities-schema.xsd").is_file():
        missing_prerequisite(f"IATI schemas not found (IATI_SCHEMA_DIR={configured!r})")
    return folder


def codelist_dir() -> Path:
    return schema_dir().parent / "codelists"


def rulesets_path() -> Path:
    """The IATI Standard's rulesets (standard.json), beside the schemas in ../shared/iati."""
    path = schema_dir().parent / "rulesets" / "standard.json"
    if not path.is_file():
        missing_prerequisite(f"IATI rulesets not found at {path}")
    return path
