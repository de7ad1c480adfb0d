"""The arrows between apps point one way (README, "Developers"): an app imports only the apps
below it. A new import that points up fails here, with the module and line."""

import ast
from pathlib import Path

from django.conf import settings

# Lowest first: each app may import the ones before it, never those after.
LAYERS = [
    "apitokens",
    "publishing",
    "windows",
    "programmes",
    "jwp",
    "classifications",
    "finances",
    "portal",
    "iati",
    "jobs",
]


def imported_apps(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name.split(".")[0]) for name in names)
    return found


def test_every_import_points_down_the_layers():
    wrong = []
    for rank, app in enumerate(LAYERS):
        allowed = set(LAYERS[: rank + 1])
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, name in imported_apps(path):
                if name in LAYERS and name not in allowed:
                    wrong.append(f"{path.relative_to(settings.BASE_DIR)}:{line} imports {name}")
    assert not wrong, "imports that point up:\n" + "\n".join(wrong)


def test_the_wiring_package_holds_no_app_code():
    """citiesalliance/ wires (settings, urls, the API router, Celery, wsgi): no models."""
    wiring = Path(settings.BASE_DIR) / "citiesalliance"
    assert not (wiring / "models.py").exists()
    assert {path.name for path in wiring.glob("*.py")} <= {
        "__init__.py",
        "api.py",
        "asgi.py",
        "celery.py",
        "health.py",
        "settings.py",
        "urls.py",
        "wsgi.py",
    }
