"""Every Markdown page of the nav as a reader meets it: sections, math, figures, quizzes.

What each page must show is read from its Markdown (tests/support/pages.py):
its headings, its images, its quizzes, its footnotes. No test names a page; a
chapter added to the nav is checked at once.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.pages import (
    footnote_links,
    formulas,
    headings,
    image_count,
    markdown_pages,
    nav_pages,
    quiz_count,
)
from tests.support.site import url_path

pytestmark = pytest.mark.browser

PAGES = markdown_pages()
WITH_MATH = [page for page in PAGES if formulas(page)]
WITH_IMAGES = [page for page in PAGES if image_count(page)]
WITH_QUIZZES = [page for page in PAGES if quiz_count(page)]
WITH_FOOTNOTES = [page for page in PAGES if footnote_links(page)]


def name(page: Path) -> str:
    return page.name


def test_each_kind_of_page_is_checked() -> None:
    """The site has pages with math, figures, quizzes and footnotes to check."""
    assert WITH_MATH
    assert WITH_IMAGES
    assert WITH_QUIZZES
    assert WITH_FOOTNOTES


@pytest.mark.parametrize("source", PAGES, ids=name)
def test_every_section_is_present_in_the_source_order(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    ((_, title),) = headings(source, 1)
    assert page.locator("h1").inner_text().startswith(title)
    found = [
        (h.get_attribute("id"), h.inner_text().rstrip("¶").strip())
        for h in page.locator("article h2").all()
    ]
    assert found == headings(source, 2)


@pytest.mark.parametrize("source", WITH_MATH, ids=name)
def test_the_math_is_typeset(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
    assert page.locator(".arithmatex .katex").count() == page.locator(".arithmatex").count()
    assert page.locator(".katex-error").count() == 0


@pytest.mark.parametrize("source", PAGES, ids=name)
def test_the_table_of_contents_links_every_section(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    toc = page.locator("nav.md-nav--secondary a.md-nav__link")
    fragments = {urlsplit(link.get_attribute("href")).fragment for link in toc.all()}
    assert {anchor for anchor, _ in headings(source, 2)} <= fragments


@pytest.mark.parametrize("source", WITH_IMAGES, ids=name)
def test_every_image_has_alt_text_and_loads(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    images = page.locator("article img")
    assert images.count() >= image_count(source)  # each figure, light and dark
    for image in images.all():
        assert (image.get_attribute("alt") or "").strip()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize("source", WITH_IMAGES, ids=name)
def test_only_the_current_palette_shows_each_figure(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    visible = [
        img.get_attribute("src") for img in page.locator("article img").all() if img.is_visible()
    ]
    assert visible
    themed = [src for src in visible if "-light." in src or "-dark." in src]
    assert all("light" in src for src in themed)


def quizzes(page):
    return page.locator("details.question")


@pytest.mark.parametrize("source", WITH_QUIZZES, ids=name)
def test_every_quiz_is_there_closed_by_default(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    assert quizzes(page).count() == quiz_count(source)
    for quiz in quizzes(page).all():
        assert quiz.get_attribute("open") is None


@pytest.mark.parametrize("source", WITH_QUIZZES, ids=name)
def test_each_quiz_answer_opens_on_click(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    for quiz in quizzes(page).all():
        quiz.locator("summary").click()
        assert quiz.evaluate("d => d.open")
        assert quiz.locator("p").first.is_visible()


@pytest.mark.parametrize("source", WITH_QUIZZES, ids=name)
def test_each_quiz_answer_opens_with_the_keyboard(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    for quiz in quizzes(page).all():
        summary = quiz.locator("summary")
        summary.focus()
        summary.press("Enter")
        assert quiz.evaluate("d => d.open")


@pytest.mark.parametrize("source", WITH_QUIZZES, ids=name)
def test_an_opened_quiz_shows_its_math_and_figures(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    for quiz in quizzes(page).all():
        quiz.locator("summary").click()
        assert quiz.locator(".arithmatex .katex").count() == quiz.locator(".arithmatex").count()
        for image in quiz.locator("img[src*='-light.']").all():
            assert image.is_visible()


@pytest.mark.parametrize("source", WITH_FOOTNOTES, ids=name)
def test_citations_link_to_the_reference_list(page, site_url: str, source: Path) -> None:
    page.goto(site_url + url_path(source))
    citations = page.locator("article sup a.footnote-ref")
    assert citations.count() >= 1
    targets = {urlsplit(link.get_attribute("href")).fragment for link in citations.all()}
    for target in targets:
        entry = page.locator(f"[id='{target}']")
        assert entry.count() == 1
        # The reference list sits under the References heading.
        assert entry.evaluate(
            "el => el.compareDocumentPosition(document.getElementById('references'))"
            " & Node.DOCUMENT_POSITION_PRECEDING"
        )
    links = page.locator(".footnote a[href^='http']:not(.footnote-backref)")
    hrefs = [a.get_attribute("href") for a in links.all()]
    # The list is in the order of first citation; the Markdown, in the order written.
    assert sorted(hrefs) == sorted(footnote_links(source))


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("source", nav_pages(), ids=name)
def test_the_page_fits_the_screen(browser, site_url: str, source: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site_url + url_path(source))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0, f"{source.name} is {overflow} px wider than a {width} px screen"
