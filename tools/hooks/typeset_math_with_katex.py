"""Typeset every formula at build time with KaTeX, and serve KaTeX from the site.

* Every formula is typeset at build time by the KaTeX of the npm package
  pinned in ``tools/package.json`` (installed by ``npm ci --prefix tools``;
  ``make`` does it), with ``tools/render-math.mjs``, one Node.js process a
  page: those that ``pymdownx.arithmatex`` marks up on Markdown pages, and the
  ``$...$`` and ``$$...$$`` of a notebook's Markdown cells. Pages show their
  math without any script. A formula KaTeX cannot parse fails the build,
  naming the source file and the line the formula starts on.
* The typeset math needs only KaTeX's stylesheet and fonts, which are added
  to the site under ``assets/vendor/katex/``.

The notebook template's own MathJax, which would typeset the math again in
the browser, is removed by ``drop_notebook_cdn_scripts.py``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

TOOLS = Path(__file__).resolve().parents[1]
KATEX_DIST = TOOLS / "node_modules" / "katex" / "dist"
RENDER_MATH = TOOLS / "render-math.mjs"
KATEX_FILES = ("katex.min.css",)
VENDOR_DIR = "assets/vendor/katex"


def katex_sources() -> list[tuple[str, Path]]:
    """The KaTeX files the site serves: ``(site path, source path)`` pairs."""
    if not (KATEX_DIST / "katex.min.css").is_file():
        raise PluginError(
            f"KaTeX is not installed: {KATEX_DIST} is missing. "
            "Run `npm ci --prefix tools` (`make serve` and `make test` do it)."
        )
    files = [(f"{VENDOR_DIR}/{name}", KATEX_DIST / name) for name in KATEX_FILES]
    # Browsers that run this site all read WOFF2; the older formats are not served.
    files += [
        (f"{VENDOR_DIR}/fonts/{font.name}", font)
        for font in sorted((KATEX_DIST / "fonts").glob("*.woff2"))
    ]
    return files


# pymdownx.arithmatex, generic mode: \( inline \) in a span, \[ display \] in a div.
ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)
DELIMITERS = re.compile(r"^\\[\[(](?P<body>.*)\\[\])]$", re.DOTALL)


def source_line(source: str, tex: str) -> int | None:
    """The 1-based line of ``source`` on which formula ``tex`` starts, if it is found."""
    first = next((line.strip() for line in tex.splitlines() if line.strip()), "")
    # In a notebook's JSON a backslash is written twice.
    candidates = (first, json.dumps(first)[1:-1]) if first else ()
    for number, line in enumerate(source.splitlines(), 1):
        if any(candidate in line for candidate in candidates):
            return number
    return None


def typeset(formulas: list[tuple[str, bool]], source: Path, where: str) -> list[str]:
    """KaTeX's HTML for each ``(tex, display)`` formula of the page read from ``source``.

    A formula KaTeX cannot typeset raises ``PluginError`` naming ``where`` (the
    page's source file) and the formula's line in it, as ``docs/page.md:12: ...``.
    """
    request = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    result = subprocess.run(
        ["node", str(RENDER_MATH)], input=request, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        failed = [tex for tex, _ in formulas if json.dumps(tex) in result.stderr]
        line = source_line(source.read_text(encoding="utf-8"), failed[0]) if failed else None
        if line is not None:
            where += f":{line}"
        raise PluginError(f"{where}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def typeset_arithmatex(output: str, source: Path, where: str) -> str:
    """Replace each arithmatex formula's TeX by its typeset HTML."""
    matches = list(ARITHMATEX.finditer(output))
    if not matches:
        return output
    formulas = []
    for match in matches:
        tex = html.unescape(match["tex"]).strip()
        delimited = DELIMITERS.match(tex)
        body = delimited["body"] if delimited else tex
        formulas.append((body.strip(), match["tag"] == "div"))
    rendered = iter(typeset(formulas, source, where))
    return ARITHMATEX.sub(
        lambda m: f'<{m["tag"]} class="arithmatex">{next(rendered)}</{m["tag"]}>', output
    )


# A notebook Markdown cell as nbconvert renders it. Its math is still TeX text:
# $$display$$ or $inline$, as in Jupyter. Code and preformatted text are not math.
MARKDOWN_CELL = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
TAG = re.compile(r"<(?P<close>/?)(?P<name>[a-zA-Z][\w-]*)[^>]*>")
NOT_MATH = {"code", "pre", "script", "style"}
NOTEBOOK_MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|\$(?P<inline>[^$]+?)\$", re.DOTALL)


def markdown_cell_text(output: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of text in a notebook's Markdown cells that may hold math."""
    spans = []
    for cell in MARKDOWN_CELL.finditer(output):
        depth, verbatim, position = 1, 0, cell.end()
        for tag in TAG.finditer(output, cell.end()):
            if not verbatim and tag.start() > position:
                spans.append((position, tag.start()))
            position = tag.end()
            name, closing = tag["name"].lower(), bool(tag["close"])
            if name in NOT_MATH:
                verbatim += -1 if closing else 1
            elif name == "div":
                depth += -1 if closing else 1
                if depth == 0:
                    break
    return spans


def typeset_notebook_math(output: str, source: Path, where: str) -> str:
    """Replace the TeX in a notebook's Markdown cells by its typeset HTML."""
    pieces, formulas, position = [], [], 0
    for start, end in markdown_cell_text(output):
        for match in NOTEBOOK_MATH.finditer(output, start, end):
            display = match["display"] is not None
            tex = html.unescape(match["display"] if display else match["inline"]).strip()
            pieces.append(output[position : match.start()])
            pieces.append(len(formulas))
            formulas.append((tex, display))
            position = match.end()
    if not formulas:
        return output
    pieces.append(output[position:])
    rendered = typeset(formulas, source, where)
    return "".join(rendered[piece] if isinstance(piece, int) else piece for piece in pieces)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for dest, src in katex_sources():
        files.append(File.generated(config, dest, abs_src_path=str(src)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    source = Path(page.file.abs_src_path)
    # The page's file as a contributor finds it, such as docs/deep-learning-paradigms.md.
    where = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    if page.file.src_uri.endswith(".ipynb"):
        output = typeset_notebook_math(output, source, where)
    return typeset_arithmatex(output, source, where)
