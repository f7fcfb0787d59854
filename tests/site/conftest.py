"""Build the site once, serve it on 127.0.0.1 and drive headless Chromium.

Fixtures:
    built_site   the directory of a ``mkdocs build --strict`` of the sources as
                 they are: ``$BUILT_SITE`` when set (``make test`` sets it to
                 the ``site/`` that ``make build`` has just built, so the site
                 the tests check is the one CI publishes), else a fresh build
    site_url     ``http://127.0.0.1:PORT/course/``: that directory, served
                 under the path it is published at (tests/support/serve.py)
    chapter_url  the chapter page's URL
    browser      a headless Chromium ($CHROMIUM, else a system one:
                 tests/support/chromium.py)
    page         a new page that fails its test, at teardown, if it requested
                 anything outside 127.0.0.1 or logged a console error (mark a
                 test ``allow_console_errors`` when an error is what it checks)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.chromium import ChromiumNotFoundError, chromium_path, launch
from tests.support.serve import serve
from tests.support.site import (
    CHAPTER,
    SiteBuildError,
    build_site,
    built_from_these_sources,
    published_prefix,
    url_path,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_console_errors: the test expects the page to log errors"
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if given := os.environ.get("BUILT_SITE"):
        site_dir = Path(given).resolve()
        if not built_from_these_sources(site_dir):
            pytest.fail(
                f"BUILT_SITE={given}: {site_dir} is not the build of the sources as they are "
                "now (a page, snippet or lesson_code changed since, or another build wrote "
                "there); run `make build`, or unset BUILT_SITE to build one for this run"
            )
        return site_dir
    site_dir = tmp_path_factory.mktemp("site")
    try:
        build_site(site_dir)
    except SiteBuildError as error:
        pytest.fail(str(error))
    return site_dir


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site, prefix=published_prefix(built_site)) as url:
        yield url


@pytest.fixture(scope="session")
def chapter_url(site_url: str) -> str:
    return site_url + url_path(CHAPTER)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    try:
        executable = chromium_path()
    except ChromiumNotFoundError as error:
        pytest.fail(str(error))
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
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
