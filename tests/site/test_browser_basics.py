"""The pages load cleanly in Chromium, typeset their math and switch palettes.

The ``page`` fixture fails any test whose page logged a console error or
requested anything outside 127.0.0.1.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

PAGES = ["", "deep-learning-paradigms/", "lesson-code/", "three-ways-to-learn-a-game/"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page_loads_without_errors_or_third_party_requests(page, site_url: str, path: str) -> None:
    response = page.goto(site_url + path)
    assert response is not None
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.is_visible()


@pytest.mark.parametrize("path", ["deep-learning-paradigms/", "lesson-code/"])
def test_every_formula_is_typeset(page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    formulas = page.locator(".arithmatex")
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
    assert formulas.count() > 0
    assert page.locator(".arithmatex .katex").count() == formulas.count()
    assert page.locator(".katex-error").count() == 0


def serve_sitemap_from_here(page, site_url: str) -> None:
    """Instant navigation follows only the links its sitemap lists, and the sitemap
    names the published host; served here, it is given this host's URLs instead."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))

    def local(route) -> None:
        response = route.fetch()
        body = re.sub(r"<loc>https?://[^/<]+", f"<loc>{origin}", response.text())
        route.fulfill(response=response, body=body)

    page.route("**/sitemap.xml", local)


def test_math_is_typeset_after_instant_navigation(page, site_url: str) -> None:
    serve_sitemap_from_here(page, site_url)
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.notReloaded = true")
    page.locator("a[href$='deep-learning-paradigms/']").first.click()
    page.wait_for_url("**/deep-learning-paradigms/")
    assert page.evaluate("window.notReloaded === true"), "the link loaded a whole new page"
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0")
    typeset = page.locator(".arithmatex .katex").count()
    assert typeset == page.locator(".arithmatex").count()


TOGGLE = "form[data-course-palette]"  # the palette toggle (overrides/partials/palette.html)


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


# The palette the body has when the page's content starts to be parsed, that is
# before any of it can be drawn.
RECORD_FIRST_SCHEME = """
new MutationObserver((records, observer) => {
  if (document.querySelector(".md-main")) {
    window.firstScheme = document.body.getAttribute("data-md-color-scheme");
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.mark.parametrize(("system", "expected"), [("light", "default"), ("dark", "slate")])
@pytest.mark.parametrize("path", ["", "deep-learning-paradigms/"], ids=["home", "chapter"])
def test_palette_follows_the_system_preference_before_the_content_is_parsed(
    first_visit, site_url: str, path: str, system: str, expected: str
) -> None:
    """On a first visit (nothing stored), no page is drawn light for a dark system."""
    page = first_visit(site_url + path, RECORD_FIRST_SCHEME, color_scheme=system)
    assert (page.evaluate("window.firstScheme"), scheme(page)) == (expected, expected)


def test_palette_toggle_switches_to_dark_and_back(page, site_url: str) -> None:
    page.goto(site_url)
    seen = [scheme(page)]
    for _ in range(3):  # the toggle cycles: system, light, dark
        page.locator(f"{TOGGLE} label:visible").first.click()
        seen.append(scheme(page))
    assert "slate" in seen
    assert "default" in seen
    # The choice survives navigation to another page.
    last = seen[-1]
    page.goto(site_url + "deep-learning-paradigms/")
    assert scheme(page) == last


# The body's palette, the toggle labels shown, and the browser-facing meta elements.
PALETTE_STATE = """() => ({
  scheme: document.body.getAttribute("data-md-color-scheme"),
  media: document.body.getAttribute("data-md-color-media"),
  shown: [...document.querySelectorAll("form[data-course-palette] label")]
    .filter((label) => !label.hidden).map((label) => label.title),
  colorScheme: document.querySelector("meta[name=color-scheme]").content,
  themeColor: document.querySelector("meta[name=theme-color]").content,
  header: getComputedStyle(document.querySelector(".md-header")).backgroundColor,
})"""


def hex_of(rgb: str) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", rgb)[:3])


def test_the_toggle_shows_one_button_that_names_the_next_palette(page, site_url: str) -> None:
    """One label at a time, as Material shows it; its name says what a click does."""
    page.emulate_media(color_scheme="light")
    page.goto(site_url)
    names = []
    for _ in range(3):
        state = page.evaluate(PALETTE_STATE)
        assert len(state["shown"]) == 1, f"labels shown: {state['shown']}"
        names.append(state["shown"][0])
        assert state["themeColor"] == hex_of(state["header"])
        assert state["colorScheme"] == ("dark" if state["scheme"] == "slate" else "light")
        page.locator(f"{TOGGLE} label:visible").click()
    assert names == [
        "Switch to light mode",
        "Switch to dark mode",
        "Switch to system preference",
    ]


def test_enter_on_the_focused_toggle_moves_to_the_next_palette(page, site_url: str) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(site_url)
    page.locator(f"{TOGGLE} input").first.focus()
    seen = []
    for _ in range(3):
        page.keyboard.press("Enter")
        seen.append(scheme(page))
    assert seen == ["default", "slate", "default"], seen  # light, dark, system (light)


def test_the_system_palette_follows_the_system_as_it_changes(page, site_url: str) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(site_url)
    assert page.evaluate(PALETTE_STATE)["media"] == "(prefers-color-scheme)"
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert page.evaluate(PALETTE_STATE)["colorScheme"] == "dark"
    # A reader's own choice holds whatever the system says.
    page.locator(f"{TOGGLE} label:visible").click()  # system -> light
    page.emulate_media(color_scheme="dark")
    page.emulate_media(color_scheme="light")
    page.emulate_media(color_scheme="dark")
    assert scheme(page) == "default"


def test_a_page_is_prefetched_while_the_pointer_rests_on_its_link(page, site_url: str) -> None:
    """navigation.instant.prefetch: moving onto a link fetches its page before a click."""
    serve_sitemap_from_here(page, site_url)
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    link = page.locator(".md-content a[href$='deep-learning-paradigms/']").first
    box = link.bounding_box()
    with page.expect_request(lambda request: request.url.endswith("/deep-learning-paradigms/")):
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)


def test_a_footnote_reads_in_place_on_hover(page, chapter_url: str) -> None:
    """content.footnote.tooltips: the footnote's text shows beside its reference."""
    page.goto(chapter_url)
    reference = page.locator("a.footnote-ref").first
    note_id = reference.get_attribute("href").split("#")[-1]
    expected = page.locator(f"li[id='{note_id}']").inner_text().strip().split("\n")[0][:30]
    reference.scroll_into_view_if_needed()
    reference.hover()
    tooltip = page.locator(".md-tooltip2").filter(has_text=expected)
    tooltip.first.wait_for(state="visible", timeout=5000)
