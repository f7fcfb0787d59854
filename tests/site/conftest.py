"""Build the site once, serve it on 127.0.0.1 and drive headless Chromium.

Fixtures:
    built_site   the directory of a fresh ``mkdocs build --strict``
    site_url     ``http://127.0.0.1:PORT/`` serving that directory
    chapter_url  the chapter page's URL
    browser      a headless Chromium (system build, or $CHROMIUM)
    page         a new page that fails its test, at teardown, if it requested
                 anything outside 127.0.0.1 or logged a console error (mark a
                 test ``allow_console_errors`` when an error is what it checks)
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_console_errors: the test expects the page to log errors"
    )


def build_site(site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(site_dir)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chapter_url(site_url: str) -> str:
    return site_url + "deep-learning-paradigms/"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("google-chrome")
    if not path:
        pytest.fail(
            "No Chromium: run the tests with `make test`, or set CHROMIUM=/path/to/chromium."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class PageLog:
    """What a page did that a test may want to forbid."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def browser_context_args() -> dict:
    """Options for the page's browser context; override in a test module."""
    return {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def first_visit(browser):
    """Load a URL as a first-time reader does, in a fresh browser context.

    ``first_visit(url, script, **options)`` creates the context with
    ``options``, runs ``script`` (if any) before the page's own scripts, and
    returns the page once the network is idle. Contexts close after the test.
    """
    contexts = []

    def load(url: str, script: str | None = None, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        if script:
            page.add_init_script(script)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page

    yield load
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser, browser_context_args: dict, page_log: PageLog, request: pytest.FixtureRequest):
    context = browser.new_context(**browser_context_args)

    def guard(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            page_log.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on(
        "console",
        lambda message: message.type == "error" and page_log.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page_log.console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and page_log.console_errors.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    yield page
    context.close()
    assert page_log.external_requests == [], "requests left 127.0.0.1"
    if not request.node.get_closest_marker("allow_console_errors"):
        assert page_log.console_errors == [], "the page logged errors"
