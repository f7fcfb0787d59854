"""The chapter's widgets cost nothing while the page loads (docs/assets/javascripts/widgets.js).

Each is set up, and its data fetched, when it comes within a screen of the
viewport: a reader who never scrolls to it never pays for it, and one who does
finds it ready.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDGETS = {
    "next-token": ('[data-widget="next-token"]', "/assets/next-token/next-token.json"),
    "tictactoe": ('[data-widget="tictactoe"]', "/assets/tictactoe/board.json"),
}


@pytest.mark.parametrize("name", WIDGETS)
def test_a_widget_below_the_first_screens_is_set_up_when_the_reader_nears_it(
    page, chapter_url: str, name: str
) -> None:
    selector, data = WIDGETS[name]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(chapter_url)
    page.wait_for_load_state("networkidle")
    root = page.locator(selector)
    top = root.evaluate("root => root.getBoundingClientRect().top / window.innerHeight")
    assert top > 2, f"the {name} widget is {top:.1f} screens down: this test needs it lower"
    assert root.get_attribute("data-state") is None, "set up before the reader came near"
    assert not [url for url in requests if url.endswith(data)], "its data was fetched at load"

    root.scroll_into_view_if_needed()
    expect(root).to_have_attribute("data-state", "ready")
    assert [url for url in requests if url.endswith(data)]


def test_a_widget_is_set_up_once_however_often_the_reader_passes_it(page, chapter_url: str):
    selector, data = WIDGETS["tictactoe"]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(chapter_url)
    root = page.locator(selector)
    root.scroll_into_view_if_needed()
    expect(root).to_have_attribute("data-state", "ready")
    cells = root.locator("button[data-cell]").count()
    for _ in range(2):
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        root.scroll_into_view_if_needed()
    expect(root).to_have_attribute("data-state", "ready")
    assert root.locator("button[data-cell]").count() == cells == 9
    assert len([url for url in requests if url.endswith(data)]) == 1
