"""Keep only the notebook styles a notebook page uses.

mkdocs-jupyter inlines all of JupyterLab's stylesheets into every notebook
page: about 575 KB (89 KB compressed) of rules for widgets, icons, dialogs and
editors that a rendered notebook never shows, which the reader downloads before
the page can paint. This hook drops the rules that cannot apply to the page:

* a selector that names a class no element of the page has, other than
  Material's ``md-`` classes, which its scripts add as the page loads (no
  script on the page adds JupyterLab's);
* a selector that looks for ``:root``, ``html`` or ``body`` inside another
  element: mkdocs-jupyter scopes JupyterLab's rules with ``.jupyter-wrapper``,
  and ``.jupyter-wrapper :root`` (80 KB of icons) matches nothing;
* an earlier copy of a rule that appears again, unchanged, later on the page
  (the later copy is the one the cascade uses);
* ``<style>`` elements left with no rules (such as the one mkdocs-jupyter fills
  with a Python list's text, which browsers discard as invalid CSS);
* a custom property nothing reads: JupyterLab's theme declares hundreds
  (Material's colour palette, its editor's and widgets' colours), most of which
  a rendered notebook never reads. A property is read if a ``var()`` of the
  page's other rules or of a kept property names it, or if the page outside its
  styles, or any stylesheet or script of the theme or of the docs, mentions it.
  Each one dropped is one fewer value for every element of the notebook to
  inherit, and fewer bytes before the first paint.

Everything else, at-rules included, is kept as it is,
and moved into ``<head>``, after the theme's stylesheets (where it was in the
cascade already).

Code cells get the same treatment: Pygments wraps every token in a ``<span>``,
and the notebook's stylesheet colours most token classes but not all (plain
names, ``n``, are most of a cell's tokens). A span whose class no rule styles
is replaced by its text: the cell looks the same, with a fraction of the
elements for the browser to style.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import tinycss2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

STYLE = re.compile(r"(?P<open><style\b[^>]*>)(?P<css>.*?)</style>", re.DOTALL)
CLASS_ATTRIBUTE = re.compile(r"""\bclass=(["'])(?P<names>.*?)\1""")
SCRIPTED_CLASS_PREFIX = "md-"  # Material's, such as md-typeset__scrollwrap around tables
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# :not(.a) still matches without .a; :is(.a, .b) needs only one of them. The
# classes inside functional pseudo-classes do not decide whether a rule is
# kept, nor does a dot in an attribute selector ([href$=".pdf"]).
NOT_A_CLASS = re.compile(r":[\w-]+\([^()]*\)|\[[^\]]*\]")
COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
CODE_CELL = re.compile(
    r'(?P<open><div class="highlight-ipynb\b[^>]*>)(?P<code>.*?)</div>', re.DOTALL
)
TOKEN = re.compile(r'<span class="(?P<token>[\w-]+)">(?P<text>[^<]*)</span>')
STYLED_TOKEN = re.compile(r"\.highlight-ipynb\s+\.([\w-]+)")
ROOT_ONLY = re.compile(r"^(?:html|body)\b|:root\b", re.IGNORECASE)
CUSTOM_PROPERTY = re.compile(r"--[\w-]+")
VAR_READ = re.compile(r"var\(\s*(--[\w-]+)")


def selector_list(prelude: list) -> list[str]:
    """A rule's selectors: its prelude split at the commas outside brackets."""
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(tinycss2.serialize(current))
            current = []
        else:
            current.append(token)
    selectors.append(tinycss2.serialize(current))
    return [selector.strip() for selector in selectors]


def used_classes(html: str) -> set[str]:
    return {name for match in CLASS_ATTRIBUTE.finditer(html) for name in match["names"].split()}


def selector_applies(selector: str, classes: set[str]) -> bool:
    while NOT_A_CLASS.search(selector):  # innermost first: :not(:is(.a))
        selector = NOT_A_CLASS.sub("", selector)
    selector = selector.strip()
    inner_compounds = COMBINATOR.split(selector)[1:]
    if any(ROOT_ONLY.search(compound) for compound in inner_compounds):
        return False
    return all(
        name in classes or name.startswith(SCRIPTED_CLASS_PREFIX)
        for name in CLASS_SELECTOR.findall(selector)
    )


def purge(rules: list, classes: set[str], read: set[str] | None = None) -> list[str]:
    """The serialised rules that may apply to an element of the page.

    With ``read``, also without the declarations of custom properties not in
    it, and without the rules that leaves empty.
    """
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in selector_list(rule.prelude) if selector_applies(s, classes)]
            content = tinycss2.serialize(rule.content)
            if read is not None:
                every = declarations(rule)
                body = [d for d in every if is_read(d, read)]
                if len(body) < len(every):
                    content = ";".join(tinycss2.serialize([d]).rstrip(";") for d in body)
                selectors = selectors if body else []
            if selectors:
                kept.append(",".join(selectors) + "{" + content + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            inner = purge(inner, classes, read)
            if inner:
                prelude = tinycss2.serialize(rule.prelude).strip()
                kept.append(f"@{rule.at_keyword} {prelude}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":
            kept.append(tinycss2.serialize([rule]))
    return kept


def is_read(declaration, read: set[str]) -> bool:
    """Whether a declaration stays: anything but a custom property no one reads."""
    return (
        declaration.type != "declaration"
        or not declaration.name.startswith("--")
        or declaration.name in read
    )


def parse(css: str) -> list:
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def declarations(rule) -> list:
    return tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)


def qualified_rules(rules: list):
    """Each style rule, also those inside @media and @supports."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            yield from qualified_rules(inner)


def read_custom_properties(sheets: list[str], read_elsewhere: set[str]) -> set[str]:
    """The custom properties something reads: ``read_elsewhere``, each ``var()``
    of an ordinary declaration of ``sheets``, and, in turn, each ``var()`` in the
    value of a property read."""
    read, values = set(read_elsewhere), {}
    for css in sheets:
        for rule in qualified_rules(parse(css)):
            for declaration in declarations(rule):
                if declaration.type != "declaration":
                    continue
                names = VAR_READ.findall(tinycss2.serialize(declaration.value))
                if declaration.name.startswith("--"):
                    values.setdefault(declaration.name, set()).update(names)
                else:
                    read.update(names)
    unvisited = list(read)
    while unvisited:
        for name in values.pop(unvisited.pop(), ()):
            if name not in read:
                read.add(name)
                unvisited.append(name)
    return read


@lru_cache(maxsize=4)
def mentioned_in_files(folders: tuple[Path, ...]) -> frozenset[str]:
    """Custom properties the stylesheets (a ``var()``) or the scripts (any
    mention) under ``folders`` may read."""
    names: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in (".css", ".js"):
                text = path.read_text(encoding="utf-8", errors="replace")
                names.update((VAR_READ if path.suffix == ".css" else CUSTOM_PROPERTY).findall(text))
    return frozenset(names)


def purge_styles(html: str, read_elsewhere: frozenset[str] = frozenset()) -> str:
    """The page, its styles purged and moved from the notebook into ``<head>``.

    ``read_elsewhere``: custom properties files other than the page may read
    (the theme's and the docs' stylesheets and scripts).
    """
    classes = used_classes(html)
    sheets = []
    for match in STYLE.finditer(html):
        sheets.append((match["open"], purge(parse(match["css"]), classes)))
    # Which custom properties the rules kept read is known once all are kept:
    # a second pass over those (a few KB) drops the declarations of the others.
    outside_styles = set(CUSTOM_PROPERTY.findall(STYLE.sub("", html)))
    kept_css = ["".join(rules) for _, rules in sheets]
    read = read_custom_properties(kept_css, read_elsewhere | outside_styles)
    sheets = [
        (open_tag, purge(parse(css), classes, read))
        for (open_tag, _), css in zip(sheets, kept_css, strict=True)
    ]
    # Of identical rules, keep the last: the cascade gives it the final word.
    last = {rule: (i, j) for i, (_, rules) in enumerate(sheets) for j, rule in enumerate(rules)}
    styles = ""
    for i, (open_tag, rules) in enumerate(sheets):
        kept = "".join(rule for j, rule in enumerate(rules) if last[rule] == (i, j))
        if kept:
            styles += f"{open_tag}{kept}</style>"
    # In <head>, after the theme's stylesheets as before, the styles are known
    # before the first paint; a <style> met halfway through the body makes the
    # browser restyle the whole page it has parsed so far.
    return STYLE.sub("", html).replace("</head>", f"{styles}</head>", 1)


def unwrap_unstyled_tokens(html: str) -> str:
    """Replace each code-cell token span that no rule on the page styles by its text."""
    css = "".join(match["css"] for match in STYLE.finditer(html))
    styled = set(STYLED_TOKEN.findall(css))

    def token(match: re.Match[str]) -> str:
        return match.group(0) if match["token"] in styled else match["text"]

    def cell(match: re.Match[str]) -> str:
        return match["open"] + TOKEN.sub(token, match["code"]) + "</div>"

    return CODE_CELL.sub(cell, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    folders = (*map(Path, config.theme.dirs), Path(config.docs_dir))
    return unwrap_unstyled_tokens(purge_styles(output, mentioned_in_files(folders)))
