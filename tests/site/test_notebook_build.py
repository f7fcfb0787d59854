"""What the build hooks do to a notebook page (and to code blocks everywhere).

A small notebook, with its outputs saved in it, is built with the site's own
configuration; the hooks must typeset its math, keep only the styles it uses,
and leave it needing no script from anywhere but the site.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import tinycss2
from bs4 import BeautifulSoup

from lesson_code.plotting.chart import Chart, in_either_scheme
from tests.support.site import build_docs, load_hook

notebook_styles = load_hook("prune_notebook_styles")
notebook_images = load_hook("notebook_images_as_files")


def notebook(*cells: dict) -> str:
    return json.dumps(
        {
            "cells": [{"id": f"cell-{i}", **cell} for i, cell in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code(source: str, output: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": source,
        "outputs": [{"name": "stdout", "output_type": "stream", "text": output}],
    }


def tiny_png(width: int, height: int, grey: float) -> bytes:
    from matplotlib.image import imsave

    image = io.BytesIO()
    imsave(image, [[(grey, grey, grey)] * width] * height, format="png")
    return image.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


CHART_ALT = 'A chart, "drawn" for both colour schemes: 2 > 1.'


@in_either_scheme
def tiny_chart() -> Chart:
    chart = Chart(alt=CHART_ALT, figsize=(0.6, 0.4))
    chart.subplots().plot([0, 1])
    return chart


CHART_HTML = tiny_chart()._repr_html_()
DARK_PNG, LIGHT_PNG = (
    base64.b64decode(data) for data in re.findall(r"base64,([^\"]+)", CHART_HTML)
)
PLAIN_PNG = tiny_png(3, 5, 0.5)


def display(html: str, png: bytes) -> dict:
    """A code cell whose outputs are a chart (its HTML) and a plain PNG image."""
    return {
        "cell_type": "code",
        "execution_count": 2,
        "metadata": {},
        "source": "chart",
        "outputs": [
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": html}},
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/png": base64.b64encode(png).decode("ascii")},
            },
        ],
    }


NOTEBOOK = notebook(
    markdown(
        "# A notebook\n\nInline $a^2 + b^2$, and $k$ in the same paragraph; a price in code, "
        "`$5 and $6`, is not math.\n\n$$\\sum_{t} \\log p(x_t)$$\n\n"
        "## A section\n\n```python\ncost = '$1' + '$2'\n```\n"
    ),
    code("print('x' * 300)", "x" * 300 + "\n"),
    display(CHART_HTML, PLAIN_PNG),
)


@pytest.fixture(scope="module")
def notebook_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NOTEBOOK_EXECUTE", "false")  # the outputs saved in the notebook are shown
        build_docs(tmp_path, {"index.md": "# Home\n", "nb.ipynb": NOTEBOOK})
    return tmp_path / "site"


@pytest.fixture(scope="module")
def notebook_html(notebook_site: Path) -> str:
    return (notebook_site / "nb" / "index.html").read_text(encoding="utf-8")


def test_output_images_are_files_of_their_size_loaded_lazily(
    notebook_site: Path, notebook_html: str
) -> None:
    assert "data:image" not in notebook_html
    images = BeautifulSoup(notebook_html, "html.parser").select(".jp-OutputArea-output img")
    assert len(images) == 3  # the chart's two, and the plain image
    for image, png, fragment in zip(
        images, (LIGHT_PNG, DARK_PNG, PLAIN_PNG), ("#only-light", "#only-dark", ""), strict=True
    ):
        path, hash_mark, found = image["src"].partition("#")
        assert hash_mark + found == fragment
        assert (notebook_site / "nb" / path).resolve().read_bytes() == png
        width, height = notebook_images.png_size(png)
        assert (image["width"], image["height"]) == (str(width), str(height))
        assert image["loading"] == "lazy"


def test_a_chart_shows_the_image_of_the_palette_the_reader_chose(notebook_html: str) -> None:
    """Material hides img[src$="#only-dark"] in the light palette, and the
    light one in the dark palette; the browser's own choice (by the system's
    scheme) is left out: no <picture> remains."""
    soup = BeautifulSoup(notebook_html, "html.parser")
    assert not soup.select("picture")
    chart = [image for image in soup.select("img") if image.get("alt") == CHART_ALT]
    assert [image["src"].rpartition("#")[2] for image in chart] == ["only-light", "only-dark"]


def test_notebook_math_is_typeset_at_build_time(notebook_html: str) -> None:
    soup = BeautifulSoup(notebook_html, "html.parser")
    cell = soup.select_one(".jp-RenderedMarkdown")
    annotations = [annotation.get_text() for annotation in cell.select("annotation")]
    assert annotations == ["a^2 + b^2", "k", "\\sum_{t} \\log p(x_t)"]
    assert len(cell.select(".katex-display")) == 1
    # Code is not math: its dollars stay as they are.
    assert [c.get_text() for c in cell.select("p code")] == ["$5 and $6"]
    assert "'$1' + '$2'" in cell.select_one("pre").get_text()


def test_no_page_loads_a_script_to_typeset_math(notebook_html: str) -> None:
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', notebook_html)
    assert sources, "the page should load the theme's scripts"
    assert not [src for src in sources if "katex" in src or "mathjax" in src.lower()]
    assert "https://" not in " ".join(re.findall(r"<script\b.*?</script>", notebook_html, re.S))


def test_a_notebook_formula_katex_cannot_parse_fails_the_build_and_names_the_notebook(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    broken = notebook(markdown("# Broken\n\nA fraction $\\frac{1}{$ without its end.\n"))
    with pytest.raises(Abort):
        build_docs(tmp_path, {"index.md": "# Home\n", "broken.ipynb": broken})
    lines = (tmp_path / "docs" / "broken.ipynb").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "frac{1}{$" in text)
    assert f"docs/broken.ipynb:{line}: KaTeX cannot typeset" in caplog.text


def page_css(html: str) -> list[str]:
    return re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.DOTALL)


def test_notebook_styles_are_in_the_head_and_only_those_the_page_can_use(
    notebook_html: str,
) -> None:
    head, body = notebook_html.split("</head>", 1)
    assert "<style" not in body
    css = "".join(page_css(head))
    assert ".jupyter-wrapper .jp-InputPrompt" in css  # on the page
    assert ".jp-Toolbar" not in css  # JupyterLab's, never on a rendered page
    assert ":root{" not in css.replace(" ", "")  # scoped as .jupyter-wrapper :root
    assert len(css) < 100_000  # from about 590 KB
    declared = set(re.findall(r"(--[\w-]+)\s*:", css))
    assert 10 < len(declared) < 100  # JupyterLab's theme declares about 450


def test_code_blocks_and_outputs_are_focusable_before_any_script(
    notebook_html: str, tmp_path: Path
) -> None:
    soup = BeautifulSoup(notebook_html, "html.parser")
    cells = soup.select(".highlight-ipynb")
    outputs = soup.select(".jp-OutputArea-output pre")
    assert cells
    assert outputs
    assert all(element.get("tabindex") == "0" for element in cells + outputs)

    build_docs(tmp_path, {"index.md": "# Home\n\n```python\nx = 1\n```\n"})
    page = BeautifulSoup((tmp_path / "site" / "index.html").read_text("utf-8"), "html.parser")
    code_blocks = page.select("div.highlight pre > code")
    assert code_blocks
    assert all(code.get("tabindex") == "0" for code in code_blocks)


def hooked(html: str, site_dir: Path) -> str:
    """``html`` as notebook_images_as_files leaves a notebook page's output."""
    page = SimpleNamespace(file=SimpleNamespace(src_uri="nb.ipynb"), url="nb/")
    return notebook_images.on_post_page(html, page, SimpleNamespace(site_dir=str(site_dir)))


DARK_MEDIA = "(prefers-color-scheme: dark)"


def picture(dark: bytes, light: bytes, alt: str | None, media: str = DARK_MEDIA) -> str:
    alt_attribute = "" if alt is None else f' alt="{alt}"'
    return (
        f'<picture><source media="{media}" srcset="{data_url(dark)}"/>'
        f'<img{alt_attribute} src="{data_url(light)}" width="9"/></picture>'
    )


def test_a_picture_keeps_its_description_whatever_it_contains(tmp_path: Path) -> None:
    alt = "Loss &gt; 1 &amp; &quot;KL&quot; > 0"
    html = hooked(picture(DARK_PNG, LIGHT_PNG, alt), tmp_path)
    images = BeautifulSoup(html, "html.parser").select("img")
    assert [image["alt"] for image in images] == ['Loss > 1 & "KL" > 0'] * 2
    width, _ = notebook_images.png_size(LIGHT_PNG)
    assert [image["width"] for image in images] == [str(width)] * 2  # the PNG's, once


@pytest.mark.parametrize(
    ("alt", "media"),
    [(None, DARK_MEDIA), ("", DARK_MEDIA), ("A chart", "print")],
)
def test_a_picture_that_is_not_a_described_chart_stays_a_picture(
    tmp_path: Path, alt: str | None, media: str
) -> None:
    html = hooked(picture(DARK_PNG, LIGHT_PNG, alt, media), tmp_path)
    assert html.startswith("<picture><source")  # left to the browser
    assert "#only-" not in html


def purged(css: str, classes: set[str]) -> list[str]:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return notebook_styles.purge(rules, classes)


def test_purge_keeps_the_selectors_of_a_list_that_can_match() -> None:
    assert purged(".a, .b, .c .b {color: red}", {"b"}) == [".b{color: red}"]
    assert purged(".a {color: red}", {"b"}) == []


def test_purge_reads_a_selector_list_inside_a_pseudo_class_as_one_selector() -> None:
    css = ".w :is(.a:hover, .b) .c, .z {display: flex}"
    assert purged(css, {"w", "c"}) == [".w :is(.a:hover, .b) .c{display: flex}"]


def test_purge_ignores_classes_that_need_not_be_there() -> None:
    css = '.w:not(:is(.gone)) {color: red} a[href$=".pdf"] {color: blue}'
    assert purged(css, {"w"}) == [".w:not(:is(.gone)){color: red}", 'a[href$=".pdf"]{color: blue}']


def test_purge_drops_selectors_that_look_for_the_root_inside_an_element() -> None:
    css = ".w :root {--x: 1} .w body {margin: 0} :root {--y: 2} .w {--z: 3}"
    assert purged(css, {"w"}) == [":root{--y: 2}", ".w{--z: 3}"]


def test_purge_keeps_material_classes_its_scripts_add() -> None:
    assert purged(".w .md-typeset__scrollwrap {margin: 0}", {"w"}) != []


def test_purge_recurses_into_media_rules_and_keeps_other_at_rules() -> None:
    css = "@media print {.a {color: red} .b {color: blue}} @keyframes k {to {opacity: 1}}"
    kept = purged(css, {"a"})
    assert kept[0] == "@media print{.a{color: red}}"
    assert kept[1].startswith("@keyframes k")


def test_of_identical_rules_only_the_last_is_kept_and_styles_move_to_the_head() -> None:
    html = (
        "<html><head><title>t</title></head><body><div class='x'>"
        '<style>.a {color: red} .x {color: blue}</style><p class="a x"></p>'
        "<style>.a {color: red}</style><style>.unused {color: green}</style></div></body></html>"
    )
    result = notebook_styles.purge_styles(html)
    head, body = result.split("</head>")
    assert "<style" not in body
    assert page_css(head) == [".x{color: blue}", ".a{color: red}"]


def test_code_cell_tokens_no_rule_styles_lose_their_span() -> None:
    html = (
        "<head><style>.highlight-ipynb .k {color: blue}</style></head>"
        '<div class="highlight-ipynb hl-python"><pre><span class="k">import</span> '
        '<span class="n">math</span></pre></div><p><span class="n">kept</span></p>'
    )
    result = notebook_styles.unwrap_unstyled_tokens(html)
    assert '<pre><span class="k">import</span> math</pre>' in result
    assert '<p><span class="n">kept</span></p>' in result  # outside code cells


def test_custom_properties_are_kept_only_if_something_reads_them() -> None:
    html = (
        "<html><head><title>t</title></head><body>"
        "<style>.w {--a: 1px; --b: var(--a); --c: red; --d: blue; --e: 2px; --f: 3px; --g: 0}"
        ".w .x {margin: var(--b)} @media print {.w {--h: 1px; --c: green}} .y {--z: 0}</style>"
        '<div class="w"><p class="x" style="padding: var(--f)"></p></div></body></html>'
    )
    result = notebook_styles.purge_styles(html, frozenset({"--e"}))
    head = result.split("</head>")[0]
    # --b is read by .x, --a by --b; --e elsewhere (a theme or docs file); --f
    # by the page outside its styles. Nothing reads --c, --d, --g or --h (the
    # @media rule is left empty); .y is not on the page.
    assert page_css(head) == [".w{--a: 1px;--b: var(--a);--e: 2px;--f: 3px}.w .x{margin: var(--b)}"]


def test_the_theme_and_docs_files_that_may_read_a_custom_property(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text(".a {color: var(--read-by-css); --declared: 0}")
    (tmp_path / "b.js").write_text('el.style.getPropertyValue("--read-by-js")')
    (tmp_path / "c.html").write_text("var(--not-a-stylesheet)")
    names = notebook_styles.mentioned_in_files((tmp_path,))
    assert names == {"--read-by-css", "--read-by-js"}
