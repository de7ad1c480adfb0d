from io import StringIO

from django.core.management import call_command


def test_the_openapi_schema_validates_without_a_single_warning(tmp_path):
    """``spectacular --validate --fail-on-warn``: raises on any warning or invalid schema."""
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO()
    )
    text = target.read_text()
    for path in ("/api/v1/programmes/", "/api/v1/changes/", "/api/v1/stats/"):
        assert f"{path}:" in text
