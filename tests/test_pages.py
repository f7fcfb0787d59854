"""Every Markdown page of ``mkdocs.yml``'s nav passes every page check.

The checks live in ``tests/support/pages.py`` and know no chapter: a page added
to the nav is checked at once. Each failure names the page's file and line.
The built pages' checks (links, images, math, layout, axe) are in
``tests/site/``; ``tests/test_planted_mistakes.py`` sees every check fire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pages import MARKDOWN_CHECKS, ROOT, markdown_pages, nav_pages

PAGES = markdown_pages()


def test_every_page_of_the_nav_exists() -> None:
    missing = [page.relative_to(ROOT).as_posix() for page in nav_pages() if not page.is_file()]
    assert not missing, f"mkdocs.yml's nav names pages that do not exist: {missing}"


@pytest.mark.parametrize("check", MARKDOWN_CHECKS, ids=str)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_passes_check(page: Path, check: str) -> None:
    problems = MARKDOWN_CHECKS[check](page)
    assert not problems, "\n".join(problems)
