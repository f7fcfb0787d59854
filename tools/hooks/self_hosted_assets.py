"""Serve every script, stylesheet and font from the site itself.

* KaTeX comes from the npm package pinned in ``tools/package.json``
  (installed by ``npm ci --prefix tools``; ``make`` does it) and is added to
  the site under ``assets/vendor/katex/``.
* The formulas that ``pymdownx.arithmatex`` marks up are typeset at build
  time by that same KaTeX (``tools/render-math.mjs``, one Node.js process a
  page), so a page shows its math without running KaTeX in the browser. A
  formula KaTeX cannot parse fails the build, naming the page.
* mkdocs-jupyter's notebook template asks cdnjs for MathJax (and Mermaid).
  Those tags are removed here; the site's own KaTeX typesets notebook math.
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
KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
VENDOR_DIR = "assets/vendor/katex"

# A <script> that loads from, or imports from, an absolute http(s) URL, and the
# inert MathJax configuration block that comes with nbconvert's MathJax tag.
THIRD_PARTY_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>"
    r"|<script\b[^>]*>(?:(?!</script>).)*?\bfrom\s+[\"']https?://(?:(?!</script>).)*</script>"
    r"|<script type=\"text/x-mathjax-config\">(?:(?!</script>).)*</script>",
    re.DOTALL,
)


def katex_sources() -> list[tuple[str, Path]]:
    """The KaTeX files the site serves: ``(site path, source path)`` pairs."""
    if not (KATEX_DIST / "katex.min.js").is_file():
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


def typeset(formulas: list[tuple[str, bool]], where: str) -> list[str]:
    """KaTeX's HTML for each ``(tex, display)`` formula."""
    request = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    result = subprocess.run(
        ["node", str(RENDER_MATH)], input=request, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PluginError(f"{where}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def typeset_arithmatex(output: str, where: str) -> str:
    """Replace each arithmatex formula's TeX by its typeset HTML."""
    matches = list(ARITHMATEX.finditer(output))
    if not matches:
        return output
    formulas = []
    for match in matches:
        source = html.unescape(match["tex"]).strip()
        delimited = DELIMITERS.match(source)
        body = delimited["body"] if delimited else source
        formulas.append((body.strip(), match["tag"] == "div"))
    rendered = iter(typeset(formulas, where))
    return ARITHMATEX.sub(
        lambda m: f'<{m["tag"]} class="arithmatex">{next(rendered)}</{m["tag"]}>', output
    )


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for dest, src in katex_sources():
        files.append(File.generated(config, dest, abs_src_path=str(src)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        output = THIRD_PARTY_SCRIPT.sub("", output)
    return typeset_arithmatex(output, page.file.src_uri)
