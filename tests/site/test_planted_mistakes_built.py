"""The checks of a built page fire on the throwaway chapter of planted mistakes.

See tests/support/planted.py for the throwaway site and
tests/test_planted_mistakes.py for the checks of its Markdown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.links import broken_links
from tests.support.pages import built_image_problems
from tests.support.planted import planted_site
from tests.support.serve import serve
from tests.support.site import SiteBuildError, build_site, built_page, published_prefix, url_path

pytestmark = pytest.mark.slow


def test_a_build_of_the_chapter_with_a_missing_include_fails_naming_it(
    tmp_path: Path,
) -> None:
    config = planted_site(tmp_path, buildable=False)
    with pytest.raises(SiteBuildError, match=r"planted_missing\.py"):
        build_site(tmp_path / "built", execute_notebook=False, config_file=config)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The buildable variant of the throwaway site, built: ``(site folder, planted.md)``."""
    folder = tmp_path_factory.mktemp("planted-buildable")
    config = planted_site(folder, buildable=True)
    build_site(folder / "site", execute_notebook=False, config_file=config)
    return folder / "site", folder / "docs" / "planted.md"


def test_a_link_to_a_missing_anchor_fails_naming_the_page(built: tuple[Path, Path]) -> None:
    site, chapter = built
    problems = broken_links(site, [built_page(site, chapter, chapter.parent)])
    assert problems == ["planted/index.html: <a> #no-such-section: no element with that id"]


def test_built_images_without_real_alt_text_fail(built: tuple[Path, Path]) -> None:
    site, chapter = built
    problems = built_image_problems(site, built_page(site, chapter, chapter.parent))
    assert len(problems) == 3
    assert all(problem.startswith("planted/index.html: ") for problem in problems)


@pytest.fixture(scope="module")
def served(built: tuple[Path, Path]):
    site, chapter = built
    with serve(site, prefix=published_prefix(site)) as url:
        yield url + url_path(chapter, chapter.parent)


@pytest.mark.browser
def test_a_block_wider_than_a_phone_fails_the_layout_check(browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(served)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow > 0


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_too_pale_to_read_fails_axe(browser, served: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(served)
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    context.close()
    assert "color-contrast" in {violation["id"] for violation in violations}
