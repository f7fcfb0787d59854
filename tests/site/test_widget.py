"""The next-token widget on the chapter page, driven in headless Chromium.

The expected probabilities are computed here, in Python, from the logits in the
data file: softmax(logits / T) over the exported candidates. The ``page``
fixture also fails a test whose page requested anything outside 127.0.0.1 or
logged a console error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lesson_code.next_token import softmax

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads((ROOT / "docs/assets/next-token/next-token.json").read_text(encoding="utf-8"))
WIDGET = '[data-widget="next-token"]'
ROWS = WIDGET + " [data-token]"
TOLERANCE = 1e-4


def scroll_to_widget(page):
    """Scroll the widget into view, as a reader does, and wait until it is drawn.

    Off screen, the chapter's blocks are not rendered (content-visibility), and
    text that is not rendered has no ``innerText``.
    """
    widget = page.locator(WIDGET)
    widget.scroll_into_view_if_needed()
    page.wait_for_function("widget => widget.innerText.trim() !== ''", arg=widget.element_handle())
    return widget


def open_widget(page, url: str):
    """Open ``url``, scroll to its widget, and wait until the widget has loaded its data.

    A widget is set up when it comes near the viewport (widgets.js).
    """
    page.goto(url)
    widget = scroll_to_widget(page)
    page.wait_for_selector(WIDGET + '[data-state="ready"]')
    return widget


def shown_rows(page) -> list[tuple[str, float]]:
    """The candidate rows as (data-token, data-prob)."""
    return [
        (token, float(prob))
        for token, prob in page.locator(ROWS).evaluate_all(
            "rows => rows.map(row => [row.dataset.token, row.dataset.prob])"
        )
    ]


def expected_rows(node: dict, T: float) -> list[tuple[str, float]]:
    """What the page should show for a tree node at temperature T."""
    words = [DATA["words"][i] for i in node["w"]]
    return list(zip(words, softmax(node["l"], T), strict=True))


def assert_rows_match(page, node: dict, T: float) -> None:
    """Same words in the same order, probabilities within TOLERANCE, summing to 1."""
    shown, expected = shown_rows(page), expected_rows(node, T)
    assert len(shown) >= 5
    assert [w for w, _ in shown] == [w for w, _ in expected]
    for (_, p_shown), (_, p_expected) in zip(shown, expected, strict=True):
        assert 0 <= p_shown <= 1
        assert math.isclose(p_shown, p_expected, abs_tol=TOLERANCE)
    assert math.isclose(sum(p for _, p in shown), 1.0, abs_tol=TOLERANCE)


def set_temperature(page, T: float) -> None:
    """Move the slider to T and check the value shown next to it."""
    page.locator(WIDGET + ' input[type="range"]').fill(str(T))
    assert page.locator(WIDGET + " output").inner_text() == f"{T:.1f}"


@pytest.mark.parametrize("T", [1.0, 0.5, 1.7])
def test_every_prompt_shows_the_models_softmax_over_the_top_candidates(page, chapter_url, T):
    open_widget(page, chapter_url)
    set_temperature(page, T)
    select = page.locator(WIDGET + " select")
    assert select.locator("option").count() == len(DATA["prompts"]) >= 8
    for i, prompt in enumerate(DATA["prompts"]):
        select.select_option(str(i))
        assert prompt["text"] in page.locator(WIDGET + " .next-token__text").inner_text()
        assert_rows_match(page, prompt["tree"], T)


def test_displayed_percentages_are_the_data_probabilities(page, chapter_url):
    open_widget(page, chapter_url)
    for row in page.locator(ROWS).all():
        p = float(row.get_attribute("data-prob"))
        assert row.locator(".next-token__pct").inner_text() == f"{100 * p:.1f}%"


def extendable_path(node: dict, depth: int) -> list[int]:
    """Candidate indices that extend a tree ``depth`` times, not the top one when possible."""
    path = []
    for _ in range(depth):
        choices = [i for i, child in enumerate(node["c"]) if child is not None]
        i = choices[min(1, len(choices) - 1)]
        path.append(i)
        node = node["c"][i]
    return path


def test_extending_a_prompt_three_times_follows_the_tree(page, chapter_url):
    open_widget(page, chapter_url)
    prompt = DATA["prompts"][2]
    page.locator(WIDGET + " select").select_option("2")
    node, words = prompt["tree"], []
    for i in extendable_path(node, 3):
        words.append(DATA["words"][node["w"][i]])
        page.locator(ROWS).nth(i).click()
        node = node["c"][i]
        assert_rows_match(page, node, 1.0)
    text = page.locator(WIDGET + " .next-token__text").inner_text()
    assert text.startswith(prompt["text"] + " " + " ".join(words).replace(" ,", ","))


def test_reset_returns_to_the_prompts_distribution(page, chapter_url):
    open_widget(page, chapter_url)
    page.locator(ROWS).first.click()
    page.locator(WIDGET + " button", has_text="Reset").click()
    assert_rows_match(page, DATA["prompts"][0]["tree"], 1.0)


def margin(node: dict) -> float:
    return node["l"][0] - node["l"][1]


def test_sampling_at_low_temperature_picks_the_top_word(page, chapter_url):
    open_widget(page, chapter_url)
    set_temperature(page, 0.1)
    # At T = 0.1 a logit margin of 1.5 leaves the runner-up a chance below e^-15.
    clear = [i for i, p in enumerate(DATA["prompts"]) if margin(p["tree"]) >= 1.5]
    assert clear, "no prompt with a clear favourite"
    for i in clear:
        tree = DATA["prompts"][i]["tree"]
        for _ in range(3):
            page.locator(WIDGET + " select").select_option(str(i))
            page.locator(WIDGET + " button", has_text="Sample").click()
            assert_rows_match(page, tree["c"][0], 0.1)
            page.locator(WIDGET + " button", has_text="Reset").click()


def test_enter_on_a_focused_candidate_appends_it(page, chapter_url):
    open_widget(page, chapter_url)
    tree = DATA["prompts"][0]["tree"]
    second = page.locator(ROWS).nth(1)
    second.focus()
    page.keyboard.press("Enter")
    assert_rows_match(page, tree["c"][1], 1.0)
    # Focus moves to the new first candidate, so Enter keeps extending.
    page.keyboard.press("Enter")
    assert_rows_match(page, tree["c"][1]["c"][0], 1.0)


def test_controls_are_labelled_and_the_result_is_announced(page, chapter_url):
    widget = open_widget(page, chapter_url)
    for control in ("select", 'input[type="range"]'):
        element_id = widget.locator(control).get_attribute("id")
        assert widget.locator(f'label[for="{element_id}"]').count() == 1
    assert widget.locator('[aria-live="polite"]').count() == 1
    assert widget.locator("button[data-token]").count() >= 5
    note = widget.locator(".next-token__note").inner_text()
    assert f"top {DATA['model']['top_k']}" in note
    assert "not over the whole vocabulary" in note


def test_static_table_is_hidden_once_the_widget_runs(page, chapter_url):
    widget = open_widget(page, chapter_url)
    assert widget.locator(".next-token__fallback").is_hidden()


def test_without_javascript_the_first_prompts_table_is_shown(browser, chapter_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(chapter_url)
    table = page.locator(WIDGET + " .next-token__fallback table")
    assert table.is_visible()
    cells = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    expected = expected_rows(DATA["prompts"][0]["tree"], 1.0)
    assert cells == [[w, f"{100 * p:.1f}%"] for w, p in expected]
    context.close()


def test_widget_starts_after_instant_navigation(page, site_url):
    page.goto(site_url)
    page.locator("a[href$='deep-learning-paradigms/']").first.click()
    page.wait_for_url("**/deep-learning-paradigms/")
    scroll_to_widget(page)
    page.wait_for_selector(WIDGET + '[data-state="ready"]')
    assert_rows_match(page, DATA["prompts"][0]["tree"], 1.0)


def test_widget_fetches_its_data_from_the_site_itself(page, chapter_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_widget(page, chapter_url)
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/assets/next-token/next-token.json") for url in requests)
    assert {urlsplit(url).hostname for url in requests if url.startswith("http")} == {"127.0.0.1"}


@pytest.mark.allow_console_errors
@pytest.mark.parametrize(
    "response", [{"status": 404, "body": "not found"}, {"status": 200, "body": "{broken"}]
)
def test_a_missing_or_broken_data_file_shows_a_message(page, chapter_url, response):
    page.route("**/next-token.json", lambda route: route.fulfill(**response))
    page.goto(chapter_url)
    scroll_to_widget(page)
    page.wait_for_selector(WIDGET + '[data-state="error"]')
    assert "could not be loaded" in page.locator(WIDGET + " .next-token__error").inner_text()
    assert page.locator(WIDGET + " .next-token__fallback table").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_widget_fits_a_phone_screen_and_both_palettes(page, chapter_url, scheme):
    page.set_viewport_size({"width": 375, "height": 800})
    page.emulate_media(color_scheme=scheme)
    widget = open_widget(page, chapter_url)
    assert widget.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert widget.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth")
    ratio = page.locator(ROWS).first.evaluate(CONTRAST_JS)
    assert ratio >= 4.5, f"word/background contrast {ratio:.2f} in {scheme} mode"


# The contrast ratio (WCAG 2) between a row's text colour and the page background.
CONTRAST_JS = """row => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = c => {
    const [r, g, b] = c.map(linear);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const fg = lum(rgb(getComputedStyle(row.querySelector('.next-token__word')).color));
  const bg = lum(rgb(getComputedStyle(document.body).backgroundColor));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}"""
