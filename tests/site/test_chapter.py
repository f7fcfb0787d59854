"""The chapter page as a reader meets it: sections, math, figures and quizzes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

# The ten parts of the source text, in order, with their stable anchors, and the
# exercises the course adds before the references.
SECTIONS = [
    (
        "motivation-the-recipe-for-general-intelligence",
        "Motivation: The Recipe for General Intelligence",
    ),
    ("the-metaphor-the-three-ways-to-learn", "The Metaphor: The Three Ways to Learn"),
    ("yann-lecuns-cake-analogy", "Yann LeCun's Cake Analogy"),
    ("a-brief-history-of-paradigm-shift", "A Brief History of Paradigm Shift"),
    ("comparison-the-three-paradigms", "Comparison: The Three Paradigms"),
    ("the-convergence-in-foundation-models", "The Convergence in Foundation Models"),
    ("autoregressive-loss-calculation", "Autoregressive Loss Calculation"),
    ("example-next-token-prediction", "Example: Next Token Prediction"),
    ("quizzes", "Quizzes"),
    ("exercises", "Exercises"),
    ("references", "References"),
]


def test_all_sections_are_present_in_the_source_order(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    assert page.locator("h1").inner_text().startswith("1.3 Deep Learning Paradigms")
    headings = page.locator("article h2")
    found = [(h.get_attribute("id"), h.inner_text().rstrip("¶").strip()) for h in headings.all()]
    assert found == SECTIONS


def test_the_math_is_typeset(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
    assert page.locator(".arithmatex .katex").count() == page.locator(".arithmatex").count()


def test_the_table_of_contents_links_every_section(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    toc = page.locator("nav.md-nav--secondary a.md-nav__link")
    fragments = {urlsplit(link.get_attribute("href")).fragment for link in toc.all()}
    assert {anchor for anchor, _ in SECTIONS} <= fragments


def test_every_image_has_alt_text_and_loads(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    images = page.locator("article img")
    assert images.count() >= 4  # two figures, each in a light and a dark version
    for image in images.all():
        assert (image.get_attribute("alt") or "").strip()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_only_the_current_palette_shows_each_figure(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    visible = [
        img.get_attribute("src") for img in page.locator("article img").all() if img.is_visible()
    ]
    assert visible
    assert all("light" in src for src in visible)


def quizzes(page):
    return page.locator("details.question")


def test_there_are_six_quizzes_closed_by_default(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    assert quizzes(page).count() == 6
    for quiz in quizzes(page).all():
        assert quiz.get_attribute("open") is None


def test_each_quiz_answer_opens_on_click(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    for quiz in quizzes(page).all():
        quiz.locator("summary").click()
        assert quiz.evaluate("d => d.open")
        assert quiz.locator("p").first.is_visible()


def test_each_quiz_answer_opens_with_the_keyboard(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    for quiz in quizzes(page).all():
        summary = quiz.locator("summary")
        summary.focus()
        summary.press("Enter")
        assert quiz.evaluate("d => d.open")


def test_quiz_6_shows_the_clipped_objective_and_its_figure(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    quiz = quizzes(page).nth(5)
    quiz.locator("summary").click()
    assert quiz.locator(".katex").count() >= 6
    assert "min" in quiz.locator(".katex").first.inner_text()
    assert quiz.locator("img[src*='ppo-clip-light.svg']").is_visible()


def test_citations_link_to_the_reference_list(page, chapter_url: str) -> None:
    page.goto(chapter_url)
    citations = page.locator("article sup a.footnote-ref")
    assert citations.count() >= 2
    targets = {urlsplit(link.get_attribute("href")).fragment for link in citations.all()}
    for target in targets:
        entry = page.locator(f"[id='{target}']")
        assert entry.count() == 1
        # The reference list sits under the References heading.
        assert entry.evaluate(
            "el => el.compareDocumentPosition(document.getElementById('references'))"
            " & Node.DOCUMENT_POSITION_PRECEDING"
        )
    hrefs = [
        a.get_attribute("href")
        for a in page.locator(".footnote a[href^='https://arxiv.org']").all()
    ]
    # In the order the text first cites them: the footnotes are numbered that way.
    assert hrefs == [
        "https://arxiv.org/abs/2203.02155",
        "https://arxiv.org/abs/1706.03741",
        "https://arxiv.org/abs/1810.04805",
        "https://arxiv.org/abs/2005.14165",
        "https://arxiv.org/abs/1909.08593",
        "https://arxiv.org/abs/1707.06347",
        "https://arxiv.org/abs/1506.02438",
    ]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_fits_the_screen(browser, chapter_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(chapter_url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
