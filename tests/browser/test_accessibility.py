"""axe-core on the main pages: no violation of "serious" or "critical" impact."""

import pytest

from .pages import MAIN_PAGES

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_no_serious_accessibility_violations(axe_script, page, name):
    assert page.goto(MAIN_PAGES[name]).ok
    # Evaluated through the DevTools protocol: a <script> tag would be (rightly) refused by the
    # Content-Security-Policy, which allows no inline script.
    page.evaluate(axe_script.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]

    assert not blocking, f"{MAIN_PAGES[name]}:\n{describe(blocking)}"
