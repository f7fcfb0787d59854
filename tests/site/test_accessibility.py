"""axe-core finds no accessibility violation on any page, in light or dark mode.

axe-core (bundled by axe-playwright-python) runs its default rules: WCAG 2 A
and AA (contrast, names, labels, landmarks) and its best practices. The built
site is served under the path it is published under (``/course/``), so the
404 page, whose links are absolute, loads its styles and scripts too.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def page_path(source: Path) -> str:
    """The URL path, below the site's root, of the page built from ``source``."""
    relative = source.relative_to(DOCS).with_suffix("")
    return "" if relative.name == "index" else f"{relative.as_posix()}/"


PAGES = sorted(
    {page_path(source) for pattern in ("*.md", "*.ipynb") for source in DOCS.rglob(pattern)}
    | {"404.html"}
)


def published_prefix(site_dir: Path) -> str:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return urlsplit(match.group(1)).path if match else "/"


class PrefixedHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the site's directory under ``prefix``, as the host does."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def published_url(built_site: Path) -> Iterator[str]:
    prefix = published_prefix(built_site)
    handler = type("Handler", (PrefixedHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(built_site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{prefix}"
    server.shutdown()
    server.server_close()


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
    built = {
        html.relative_to(built_site).as_posix().removesuffix("index.html")
        for html in built_site.rglob("*.html")
    }
    assert built == set(PAGES)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.rstrip("/") or "home")
def test_page_has_no_axe_violations(page, published_url: str, scheme: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(published_url + path)
    assert response is not None
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe-core on {path or 'home'} ({scheme}):\n{describe(violations)}"
