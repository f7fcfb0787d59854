"""Long pages draw their first screen quickly, without moving it, and stay usable.

The blocks of a long page that are off screen are not rendered until the reader
scrolls near them (``content-visibility`` in ``extra.css``; ``lazy-blocks.js``
draws each once after the load, so the browser knows its height), and Material
mounts code blocks as they come into view (``content.lazy``). These tests check
that this costs the reader nothing: the first screen does not move as the page
loads, off-screen blocks appear when scrolled to, each ends up with its real
height, and every block that scrolls sideways can take
keyboard focus once it is on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pages import headings, nav_pages
from tests.support.site import url_path

pytestmark = pytest.mark.browser

MIN_SKIPPED = 5  # blocks from the third section on that make a page long


def blocks_from_third_section(source: Path) -> int:
    """Top-level blocks of a Markdown page after its third ``##`` heading: the
    blocks extra.css skips until they are scrolled near."""
    lines = source.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if len(starts) < 3:
        return 0
    rest = lines[starts[2] + 1 :]
    return sum(
        1
        for i, line in enumerate(rest)
        if line.strip() and not line.startswith((" ", "#")) and (i == 0 or not rest[i - 1].strip())
    )


# Every long page of the nav (a notebook, or one with at least MIN_SKIPPED blocks
# from its third section on): those blocks are skipped until scrolled near.
PAGES = [
    url_path(source)
    for source in nav_pages()
    if source.suffix == ".ipynb"
    or (len(headings(source, 2)) >= 3 and blocks_from_third_section(source) >= MIN_SKIPPED)
]
# Long pages with a code block after their second section, to scroll to.
CODE_PAGES = [
    url_path(source)
    for source in nav_pages()
    if source.suffix == ".md"
    and url_path(source) in PAGES
    and any(
        line.startswith("```")
        for line in source.read_text(encoding="utf-8").split("\n## ", 2)[-1].splitlines()
    )
]
NOTEBOOKS = [url_path(source) for source in nav_pages() if source.suffix == ".ipynb"]
VIEWPORTS = {"phone": {"width": 375, "height": 667}, "laptop": {"width": 1280, "height": 800}}

# Sum of the layout shifts a reader did not cause (the CLS of the load).
RECORD_LAYOUT_SHIFTS = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""
# Each block the page skips (content-visibility: auto), with its height now and
# once every block is drawn.
BLOCK_HEIGHTS = """() => {
  const blocks = [...document.querySelectorAll("body *")].filter(
    (block) => getComputedStyle(block).contentVisibility === "auto"
  );
  const now = blocks.map((block) => block.getBoundingClientRect().height);
  const style = document.createElement("style");
  style.textContent = "* { content-visibility: visible !important; }";
  document.head.append(style);
  return blocks.map((block, i) => ({
    block: block.tagName + " " + block.textContent.trim().slice(0, 40),
    now: now[i],
    drawn: block.getBoundingClientRect().height,
  }));
}"""
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
IS_RENDERED = "e => e.checkVisibility({ contentVisibilityAuto: true })"
# Material's code blocks (tabindex on <code>), and the blocks scrollable.js looks after.
MATERIAL_SCROLLERS = ".md-typeset pre > code"
OUR_SCROLLERS = ".md-typeset__scrollwrap, .jp-OutputArea-output pre, .highlight-ipynb"


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("path", PAGES)
def test_nothing_on_the_first_screen_moves_as_the_page_loads(
    first_visit, site_url: str, path: str, viewport: dict
) -> None:
    page = first_visit(site_url + path, RECORD_LAYOUT_SHIFTS, viewport=viewport)
    page.evaluate(NEXT_FRAMES)
    shift = page.evaluate("window.layoutShift")
    assert shift < 0.01, f"the first screen of {path} moved as it loaded (CLS {shift:.3f})"


# Once the content starts to be parsed, record every change to the root's and
# the body's attributes, and to the address of a stylesheet (and how many
# stylesheets the page links).
RECORD_LOAD_CHANGES = """
window.rootChanges = [];
window.stylesheetChanges = [];
const recorder = new MutationObserver((changes) => {
  for (const change of changes) {
    const element = change.target.tagName;
    const list = element === "LINK" ? window.stylesheetChanges : window.rootChanges;
    list.push({
      element,
      attribute: change.attributeName,
      before: change.oldValue,
      after: change.target.getAttribute(change.attributeName),
    });
  }
});
new MutationObserver((records, observer) => {
  if (!document.querySelector(".md-main")) return;
  observer.disconnect();
  for (const element of [document.documentElement, document.body]) {
    recorder.observe(element, { attributes: true, attributeOldValue: true });
  }
  const links = document.querySelectorAll("link[rel='stylesheet']");
  window.stylesheetCount = links.length;
  const options = { attributes: true, attributeFilter: ["href"], attributeOldValue: true };
  links.forEach((link) => recorder.observe(link, options));
}).observe(document, { childList: true, subtree: true });
window.addressChanges = [];
new MutationObserver((changes) => {
  if (document.readyState === "loading") return; // made while the page is parsed: free
  for (const change of changes) {
    window.addressChanges.push({
      element: change.target.tagName,
      attribute: change.attributeName,
      before: change.oldValue,
      after: change.target.getAttribute(change.attributeName),
    });
  }
}).observe(document, {
  attributes: true, attributeFilter: ["href", "src"], attributeOldValue: true, subtree: true,
});
"""
# The changes expected once the content is parsed: no style rule reads
# data-blocks-sized (set by lazy-blocks.js, read by scripts and tests).
EXPECTED_ROOT_CHANGES = {"data-blocks-sized"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", NOTEBOOKS)
def test_material_changes_nothing_the_header_script_set(
    first_visit, site_url: str, scheme: str, path: str
) -> None:
    """The root's classes and the palette are final before the content is parsed.

    Material's script sets the root's classes as it starts; the page's own
    header script sets them first, so Material's changes leave every value as
    it was. The palette is applied in the header (partials/javascripts/
    palette.html) and not touched again while the page loads: each palette
    attribute set on the body, even to the value it has, restyles the page.
    Any other attribute a Material upgrade starts to change on the root or the
    body fails this test until it is set there too, or listed in
    EXPECTED_ROOT_CHANGES.
    """
    page = first_visit(site_url + path, RECORD_LOAD_CHANGES, color_scheme=scheme)
    changes = page.evaluate("window.rootChanges")
    palette_sets = [c for c in changes if c["attribute"].startswith("data-md-color-")]
    assert not palette_sets, f"palette set again after the content started: {palette_sets}"
    changed = [
        c
        for c in changes
        if c["before"] != c["after"] and c["attribute"] not in EXPECTED_ROOT_CHANGES
    ]
    assert not changed, f"changed after the content started: {changed}"


@pytest.mark.parametrize("path", [url_path(source) for source in nav_pages()])
def test_material_changes_no_stylesheets_address(first_visit, site_url: str, path: str) -> None:
    """Stylesheet addresses are absolute before the content is parsed.

    Material's instant navigation makes every relative address absolute as its
    script starts; a stylesheet whose address changes is applied anew, and the
    browser restyles and lays out the whole page again in the middle of
    Material's set-up (the page's longest task). The head script of
    overrides/main.html makes the same change first, while the sheets load.
    """
    page = first_visit(site_url + path, RECORD_LOAD_CHANGES)
    assert page.evaluate("window.stylesheetCount") >= 1, f"{path}: no stylesheet found"
    changes = page.evaluate("window.stylesheetChanges")
    assert not changes, f"{path}: stylesheet addresses changed after the content started: {changes}"
    unapplied = page.evaluate(
        """() => [...document.querySelectorAll("link[rel='stylesheet']")]
          .filter((link) => !link.sheet || !link.sheet.cssRules.length)
          .map((link) => link.href)"""
    )
    assert not unapplied, f"{path}: stylesheets not applied: {unapplied}"


@pytest.mark.parametrize("path", [url_path(source) for source in nav_pages()])
def test_material_changes_no_address_once_the_page_is_parsed(
    first_visit, site_url: str, path: str
) -> None:
    """Every relative address is made absolute while the page is parsed.

    Material's instant navigation makes them absolute as its script starts
    (after the page is parsed); each element whose address changes is styled
    anew, in Material's longest task. The script at the end of the body in
    overrides/main.html makes the same changes before the page is first styled.
    """
    page = first_visit(site_url + path, RECORD_LOAD_CHANGES)
    changes = page.evaluate("window.addressChanges")
    assert not changes, f"{path}: addresses changed once the page was parsed: {changes[:5]}"


def is_rendered(locator) -> bool:
    return locator.evaluate(IS_RENDERED)


@pytest.mark.parametrize("path", CODE_PAGES)
def test_an_off_screen_block_is_drawn_when_scrolled_to(page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    last_code = page.locator(".md-typeset > h2 ~ h2 ~ .highlight pre").last
    assert not is_rendered(last_code), "an off-screen code block was rendered at load"
    last_code.scroll_into_view_if_needed()
    page.wait_for_function(IS_RENDERED, arg=last_code.element_handle())
    assert last_code.inner_text().strip()


@pytest.mark.parametrize("path", PAGES)
def test_once_its_blocks_are_sized_each_has_its_real_height(page, site_url: str, path: str) -> None:
    """lazy-blocks.js draws each skipped block once, so the browser knows its height."""
    page.goto(site_url + path)
    page.wait_for_selector("html[data-blocks-sized]", state="attached")
    blocks = page.evaluate(BLOCK_HEIGHTS)
    assert len(blocks) >= MIN_SKIPPED
    wrong = [b for b in blocks if abs(b["now"] - b["drawn"]) > 0.5]
    assert not wrong, f"{path}: blocks sized by a guess: {wrong[:3]}"


# What Material measures as a page loads: headings (the table of contents) and
# content tabs (the active tab's underline).
MEASURED_BY_MATERIAL = ".md-typeset > :is(h1, h2, h3, h4, h5, h6), .tabbed-set"


def test_nothing_material_measures_at_load_is_skipped(page, site_url: str) -> None:
    """Measuring inside a skipped block makes the browser lay it out on the spot."""
    measured = 0
    for path in PAGES:
        page.goto(site_url + path)
        found, skipped = page.evaluate(
            """(selector) => {
              const elements = [...document.querySelectorAll(selector)];
              const skipped = elements.filter((element) => {
                for (let e = element; e; e = e.parentElement) {
                  if (getComputedStyle(e).contentVisibility === "auto") return true;
                }
                return false;
              });
              return [elements.filter((e) => e.matches(".tabbed-set")).length,
                      skipped.map((e) => e.tagName + " " + e.textContent.trim().slice(0, 40))];
            }""",
            MEASURED_BY_MATERIAL,
        )
        measured += found
        assert not skipped, f"{path}: skipped although Material measures them: {skipped[:3]}"
    assert measured >= 1, f"no content tabs on {PAGES}: nothing checked the tabs rule"


@pytest.mark.parametrize("path", PAGES)
def test_no_skipped_block_is_inside_another(page, site_url: str, path: str) -> None:
    """A skipped block inside another would be sized while its parent is skipped."""
    page.goto(site_url + path)
    page.wait_for_selector("html[data-blocks-sized]", state="attached")  # none drawn for sizing
    found, nested = page.evaluate(
        """() => {
          const skipped = (e) => getComputedStyle(e).contentVisibility === "auto";
          const blocks = [...document.querySelectorAll("body *")].filter(skipped);
          const nested = blocks
            .filter((block) => blocks.some((other) => other !== block && other.contains(block)))
            .map((block) => block.tagName + " " + block.className);
          return [blocks.length, nested];
        }"""
    )
    assert found >= MIN_SKIPPED, f"{path}: only {found} skipped blocks"
    assert not nested, f"{path}: skipped blocks inside skipped blocks: {nested[:3]}"


def scroll_through(page, selector: str) -> list[dict]:
    """Bring each shown element into view in turn; report whether it scrolls and its tabindex."""
    return page.evaluate(
        """async (selector) => {
          const frames = """
        + NEXT_FRAMES
        + """;
          const seen = [];
          for (const element of document.querySelectorAll(selector)) {
            element.scrollIntoView({ block: "center" });
            await frames();
            await frames();
            if (!element.checkVisibility()) continue;  // not shown at all: no tab stop
            seen.push({
              name: element.className || element.tagName,
              scrolls: element.scrollWidth > element.clientWidth,
              tabindex: element.getAttribute("tabindex"),
            });
          }
          return seen;
        }""",
        selector,
    )


@pytest.fixture
def browser_context_args() -> dict:
    """A phone's width: most code blocks scroll there."""
    return {"color_scheme": "light", "viewport": {"width": 375, "height": 667}}


@pytest.mark.parametrize("path", PAGES)
def test_what_scrolls_on_screen_takes_focus_and_what_fits_does_not(
    page, site_url: str, path: str
) -> None:
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    ours = scroll_through(page, OUR_SCROLLERS)
    material = scroll_through(page, MATERIAL_SCROLLERS)
    assert ours or material
    assert any(block["scrolls"] for block in ours + material), "nothing scrolls at 375 px"
    for block in ours + material:
        if block["scrolls"]:
            assert block["tabindex"] == "0", f"{block['name']} scrolls but cannot take focus"
    for block in ours:
        if not block["scrolls"]:
            assert block["tabindex"] is None, f"{block['name']} fits but is a tab stop"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_a_notebooks_code_reads_without_scrolling_at_1280_px(
    page, site_url: str, path: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    wide = page.evaluate(
        """[...document.querySelectorAll('.jp-CodeCell .jp-InputArea pre')]
             .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
             .map(pre => pre.textContent.split('\\n')
                           .reduce((a, b) => (b.length > a.length ? b : a), ''))"""
    )
    assert page.locator(".jp-CodeCell .jp-InputArea pre").count() > 0
    assert not wide, f"{len(wide)} code cells scroll sideways at 1280 px; longest lines: {wide}"
