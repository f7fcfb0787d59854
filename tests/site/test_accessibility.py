"""axe-core finds no accessibility violation on any page, in light or dark mode.

axe-core (bundled by axe-playwright-python) runs its default rules: WCAG 2 A
and AA (contrast, names, labels, landmarks) and its best practices. The built
site is served under the path it is published under (``/course/``, as every
browser test serves it), so the 404 page, whose links are absolute, loads its
styles and scripts too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pages import nav_pages
from tests.support.site import site_pages, url_path

pytestmark = pytest.mark.browser

# Every page of mkdocs.yml's nav, and the 404 page.
PAGES = sorted({url_path(source) for source in nav_pages()} | {"404.html"})


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser_context_args(scheme: str) -> dict:
    """The palette follows the system preference (the site's first palette)."""
    return {"color_scheme": scheme, "viewport": {"width": 1280, "height": 900}}


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            summary = node["failureSummary"].splitlines()[-1].strip()
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def test_every_built_page_is_checked(built_site: Path) -> None:
    assert set(site_pages(built_site)) == set(PAGES)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.rstrip("/") or "home")
def test_page_has_no_axe_violations(page, site_url: str, scheme: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(site_url + path)
    assert response is not None
    page.wait_for_load_state("networkidle")
    # Off-screen blocks are laid out by a guess until lazy-blocks.js has drawn
    # each once; axe measures what overlaps what, so it waits for real heights,
    # as a reader who scrolls down sees them.
    page.wait_for_selector("html[data-blocks-sized]", state="attached")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe-core on {path or 'home'} ({scheme}):\n{describe(violations)}"
