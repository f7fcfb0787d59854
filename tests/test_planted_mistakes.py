"""Each check of the suite fires on a mistake planted in a throwaway chapter.

The fixture (tests/support/planted.py) copies the site's ``mkdocs.yml`` and
``docs/`` into a temporary folder (``snippets/`` too, with the planted
snippets), and adds a chapter, ``planted.md``, to the nav. Nothing here is a
page of the real site. Each test runs one check on that chapter, as the suite
runs it on every page, and reads the message a contributor would see. The
checks of the built chapter (links, images, layout, axe) are in
``tests/site/test_planted_mistakes_built.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from tests.support import pages
from tests.support.planted import MISSPELT, planted_site
from tests.support.site import load_hook
from tests.support.snippet_runs import run_one
from tests.test_snippets import snippet_problem

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The throwaway site with every planted mistake; its ``mkdocs.yml``."""
    return planted_site(tmp_path_factory.mktemp("planted"), buildable=False)


@pytest.fixture(scope="module")
def chapter(site: Path) -> Path:
    page = site.parent / "docs" / "planted.md"
    assert page in pages.nav_pages(site), "the planted chapter is in the throwaway nav"
    return page


def line_of(page: Path, text: str) -> int:
    lines = page.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_missing_include_names_the_page_line_and_file(site: Path, chapter: Path) -> None:
    (problem,) = pages.missing_includes(chapter, site)
    assert problem.startswith(f"{chapter}:{line_of(chapter, 'planted_missing.py')}: ")
    assert "'planted_missing.py' names no file in snippets/, src/" in problem


def test_a_quiz_written_as_a_heading_and_a_quiz_without_answer_fail(chapter: Path) -> None:
    problems = pages.quiz_problems(chapter)
    assert len(problems) == 2
    heading, unanswered = problems
    assert heading.startswith(f"{chapter}:{line_of(chapter, '### Quiz 1')}: ")
    assert "'Quiz 1: Is a heading a quiz?' is a heading" in heading
    assert unanswered.startswith(f"{chapter}:{line_of(chapter, 'Quiz 2')}: ")
    assert "has no answer" in unanswered


def test_a_citation_without_its_reference_fails(chapter: Path) -> None:
    (problem,) = pages.footnote_problems(chapter)
    assert problem.startswith(f"{chapter}:{line_of(chapter, '[^nowhere]')}: ")
    assert "[^nowhere] has no definition" in problem


def test_a_formula_katex_cannot_typeset_names_the_page_and_line(chapter: Path) -> None:
    (problem,) = pages.math_problems(chapter)
    assert problem.startswith(f"{chapter}:{line_of(chapter, 'Broken math')}: KaTeX cannot ")
    assert "\\frac{1}{" in problem


def test_the_build_names_the_page_and_line_of_a_formula_katex_cannot_typeset(
    chapter: Path,
) -> None:
    """The same mistake met by ``mkdocs build`` and ``mkdocs serve`` (the math hook)."""
    hook = load_hook("typeset_math_with_katex")
    formulas = [("x^2", False), ("\\frac{1}{", False)]
    with pytest.raises(PluginError) as failure:
        hook.typeset(formulas, chapter, "docs/planted.md")
    line = line_of(chapter, "Broken math")
    assert str(failure.value).startswith(f"docs/planted.md:{line}: KaTeX cannot typeset")


def test_images_without_real_alt_text_fail_naming_the_page(chapter: Path) -> None:
    problems = pages.alt_text_problems(chapter)
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        f"{chapter}:{line_of(chapter, '![](')}",
        f"{chapter}:{line_of(chapter, '![lecun')}",
        f"{chapter}:{line_of(chapter, '<img')}",
    ]
    assert "has an empty alt text" in problems[0]
    assert "has a file name, 'lecun-cake-light.svg', as alt text" in problems[1]
    assert "has an empty alt text" in problems[2]


def test_a_misspelling_in_prose_and_in_a_code_comment_fails(site: Path, chapter: Path) -> None:
    snippet = site.parent / "snippets" / "planted_comment.py"
    result = subprocess.run(
        [sys.executable, "-m", "codespell_lib", str(chapter), str(snippet)],
        cwd=ROOT,  # the project's settings and word list (pyproject.toml)
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{chapter}:{line_of(chapter, 'The model is trained')}: {MISSPELT}" in result.stdout
    assert f"{snippet}:1: {MISSPELT}" in result.stdout


def test_an_output_mismatch_shows_a_diff_and_the_command_for_that_snippet(site: Path) -> None:
    root = site.parent
    script = root / "snippets" / "planted_drift.py"
    problem = snippet_problem(script, run_one(script, root), root / "snippets" / "output", root)
    assert problem is not None
    assert "1.3000 is shown, 1.2345 is printed" in problem
    assert "-loss 1.3000\n+loss 1.2345" in problem
    assert ".venv/bin/python tests/test_snippets.py --update planted_drift" in problem


def test_a_snippet_that_fails_on_its_own_names_its_file_and_line(site: Path) -> None:
    root = site.parent
    script = root / "snippets" / "planted_fails.py"
    problem = snippet_problem(script, run_one(script, root), root / "snippets" / "output", root)
    assert problem is not None
    assert 'snippets/planted_fails.py", line 4' in problem
    assert "ValueError: planted: 2.0" in problem


@pytest.mark.slow
def test_fences_fail_at_the_page_and_snippet_line_and_the_rest_still_runs(
    site: Path, chapter: Path
) -> None:
    """pytest on the throwaway docs: the planted fences fail, every other page's pass."""
    root = site.parent
    (root / "conftest.py").write_text(
        'pytest_plugins = ["tests.support.markdown_docs"]\n', encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--markdown-docs",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(root),
            "-c",
            os.devnull,
            "docs/planted.md",
            "docs/index.md",
            "docs/deep-learning-paradigms.md",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "error during collection" not in output, output
    summary = output.strip().splitlines()[-1]
    assert " 2 failed" in summary, output
    assert " passed" in summary, output
    assert f"Failed at docs/planted.md:{line_of(chapter, 'planted_fails.py')}" in output
    assert "Included from snippets/planted_fails.py:4" in output
    assert 'FileNotFoundError: --8<-- "planted_missing.py"' in output, output
