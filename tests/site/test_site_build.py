"""The site builds strictly; bad input fails the build and names the culprit."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.markdown_docs import fence_tests
from tests.support.pages import built_image_problems, markdown_pages, nav_pages
from tests.support.site import build_docs, built_page

PYTHON_BLOCK = {"language-python", "language-py", "language-python3"}


@pytest.mark.parametrize("page", nav_pages(), ids=lambda p: p.name)
def test_every_page_is_built(built_site: Path, page: Path) -> None:
    assert built_page(built_site, page).is_file(), f"{page.name} was not built"


def test_a_missing_snippet_fails_the_build_and_names_the_file(tmp_path: Path) -> None:
    page = '# Page\n\n```python\n--8<-- "no_such_snippet.py"\n```\n'
    with pytest.raises(Exception, match=r"no_such_snippet\.py"):
        build_docs(tmp_path, {"index.md": page})


def test_a_missing_snippet_fails_its_fence_and_names_the_file(
    request: pytest.FixtureRequest,
) -> None:
    """The fence fails; the collection of every other page and test goes on."""
    parser = request.config.hook.pytest_markdown_docs_markdown_it()
    (fence,) = [t for t in parser.parse('```python\n--8<-- "no_such_snippet.py"\n```\n') if t.map]
    with pytest.raises(FileNotFoundError, match=r"no_such_snippet\.py"):
        exec(compile(fence.content, "page.md", "exec"), {})


def test_a_missing_snippet_section_fails_the_build(tmp_path: Path) -> None:
    page = '# Page\n\n```python\n--8<-- "autoregressive_loss.py:no_such_section"\n```\n'
    with pytest.raises(Exception, match="no_such_section"):
        build_docs(tmp_path, {"index.md": page})


@pytest.mark.parametrize("link", ["[gone](missing-page.md)", "[gone](other.md#no-such-heading)"])
def test_a_broken_internal_link_fails_the_strict_build(tmp_path: Path, link: str) -> None:
    from mkdocs.exceptions import Abort

    pages = {"index.md": f"# Home\n\n{link}\n", "other.md": "# Other\n\n## A heading\n"}
    with pytest.raises(Abort):
        build_docs(tmp_path, pages)


def test_a_page_with_good_links_builds(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Home\n\n[ok](other.md#a-heading)\n",
        "other.md": "# Other\n\n## A heading\n",
    }
    build_docs(tmp_path, pages)
    assert (tmp_path / "site" / "other" / "index.html").is_file()


def count_python_blocks(html: Path) -> int:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    return sum(
        1 for block in soup.select("div.highlight") if PYTHON_BLOCK & set(block.get("class", []))
    )


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.name)
def test_every_python_block_on_a_page_is_collected_as_a_test(
    page: Path, built_site: Path, request: pytest.FixtureRequest
) -> None:
    collected = fence_tests(request.config, page.read_text(encoding="utf-8"), page)
    assert count_python_blocks(built_page(built_site, page)) == len(collected)


def test_math_is_typeset_at_build_time(tmp_path: Path) -> None:
    build_docs(
        tmp_path, {"index.md": "# Home\n\nInline \\(a^2 + b^2\\) and\n\n\\[ e^{i\\pi} \\]\n"}
    )
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="katex"') == 2
    assert 'class="katex-display"' in html


def test_a_formula_katex_cannot_parse_fails_the_build_and_names_the_page_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        build_docs(tmp_path, {"index.md": "# Home\n\nBroken \\(\\frac{1}{\\)\n"})
    assert "docs/index.md:3: KaTeX cannot typeset" in caplog.text


def test_every_script_a_page_loads_is_deferred(built_site: Path) -> None:
    """The browser paints a page before it runs any of its scripts (overrides/main.html)."""
    for html in built_site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        scripts = soup.select("script[src]")
        assert scripts, f"{html.relative_to(built_site)} loads no script"
        blocking = [
            s["src"] for s in scripts if not s.has_attr("defer") and not s.has_attr("async")
        ]
        assert not blocking, f"{html.relative_to(built_site)} blocks on {blocking}"


@pytest.mark.parametrize("page", nav_pages(), ids=lambda p: p.name)
def test_every_image_says_what_it_shows(built_site: Path, page: Path) -> None:
    """No image has an empty alt text, a file name or nbconvert's placeholder for one.

    The notebook's figures have images only when the notebook is executed
    (NOTEBOOK_EXECUTE=true, as in CI).
    """
    problems = built_image_problems(built_site, built_page(built_site, page))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", nav_pages(), ids=lambda p: p.name)
def test_no_formula_is_left_with_a_katex_error(built_site: Path, page: Path) -> None:
    html = built_page(built_site, page).read_text(encoding="utf-8")
    assert "katex-error" not in html, f"{page.name}: a formula KaTeX could not typeset"
