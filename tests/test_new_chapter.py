"""``tools/new_chapter.py`` starts a chapter that passes every check.

It runs on a copy of the site (tests/support/planted.py's ``site_copy``);
the real site is never changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import pages
from tests.support.links import broken_links
from tests.support.planted import ROOT, site_copy
from tests.support.site import build_site, built_page
from tests.support.snippet_runs import run_one
from tests.test_snippets import snippet_problem

SLUG, TITLE = "scaling-laws", "9.1 Scaling Laws"
COMMAND = [sys.executable, str(ROOT / "tools" / "new_chapter.py"), SLUG, TITLE]


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the site with a chapter made by the command; its ``mkdocs.yml``."""
    config = site_copy(tmp_path_factory.mktemp("new-chapter"))
    result = subprocess.run(
        [*COMMAND, "--root", str(config.parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return config


def test_the_chapter_is_in_the_nav_after_the_numbered_chapters(scaffolded: Path) -> None:
    nav = [page.name for page in pages.nav_pages(scaffolded)]
    assert f"{SLUG}.md" in nav
    numbered = [
        line.split(":")[-1].strip()
        for line in scaffolded.read_text(encoding="utf-8").splitlines()
        if line.startswith('  - "') and line[5].isdigit()
    ]
    assert numbered[-1] == f"{SLUG}.md"


def test_the_home_page_has_a_card_for_it(scaffolded: Path) -> None:
    index = (scaffolded.parent / "docs" / "index.md").read_text(encoding="utf-8")
    cards = index[index.index('<div class="grid cards"') : index.index("</div>")]
    assert f"**[{TITLE}]({SLUG}.md)**" in cards


@pytest.mark.parametrize("check", pages.MARKDOWN_CHECKS)
def test_the_new_page_passes_every_page_check(scaffolded: Path, check: str) -> None:
    page = scaffolded.parent / "docs" / f"{SLUG}.md"
    assert pages.MARKDOWN_CHECKS[check](page) == []


def test_its_snippet_prints_what_the_page_shows(scaffolded: Path) -> None:
    root = scaffolded.parent
    script = root / "snippets" / f"{SLUG.replace('-', '_')}_example.py"
    outputs = root / "snippets" / "output"
    assert snippet_problem(script, run_one(script, root), outputs, root) is None
    assert len(script.read_text(encoding="utf-8").splitlines()) <= 40


def test_the_command_refuses_to_overwrite_a_chapter(scaffolded: Path) -> None:
    result = subprocess.run(
        [*COMMAND, "--root", str(scaffolded.parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"already there: docs/{SLUG}.md" in result.stderr


@pytest.mark.slow
def test_the_site_with_the_new_chapter_builds_strictly_with_no_broken_link(
    scaffolded: Path,
) -> None:
    site = scaffolded.parent / "site"
    build_site(site, execute_notebook=False, config_file=scaffolded)
    html = built_page(site, scaffolded.parent / "docs" / f"{SLUG}.md", scaffolded.parent / "docs")
    assert broken_links(site, [html]) == []
    assert pages.built_image_problems(site, html) == []
    assert "katex-error" not in html.read_text(encoding="utf-8")
