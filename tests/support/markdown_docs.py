"""Every Python fence a reader sees is a test, run as the site renders it.

A pytest plugin, registered by the root ``conftest.py``. It is the one place
that knows how pytest-markdown-docs works; everything here uses what that
plugin documents (its two hooks and its ``markdown-docs`` marker) and plain
pytest, except :func:`fence_tests` (see there).
``tests/test_fence_collection.py`` checks each of these, and fails naming the
plugin's version if a release changes one.

Parsing. pytest-markdown-docs parses Markdown with markdown-it, which knows
neither ``--8<--`` includes nor Material's containers (admonitions, ``???``
collapsible blocks, ``===`` content tabs). The parser supplied here, through
the ``pytest_markdown_docs_markdown_it`` hook, first expands the includes with
``pymdownx.snippets`` itself, configured from ``mkdocs.yml``, then lifts the
bodies of those containers to the top level, so the fences inside them are
collected too. Token line numbers are mapped back to the Markdown file, so a
failing fence is reported at the line a contributor edits.

Output. pytest-markdown-docs turns pytest's output capture off while a fence
runs, so every fence's prints would be interleaved with the report. Through
the ``pytest_markdown_docs_globals`` hook each fence gets a ``print`` that
writes into a buffer of the fence's own, and the fence's report carries that
buffer as its "Captured stdout call" section, which pytest shows only for a
fence that fails. What the fence prints with ``print``, directly or through
the functions it defines, is held back; code it calls in other modules prints
as it would (the lesson code prints only from its command line).
"""

from __future__ import annotations

import builtins
import functools
import io
import re
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import markdown
import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "pytest-markdown-docs"
MARKER = "markdown-docs"  # the plugin's marker on each fence's test item

# Material's block containers: `!!! note`, `??? question`, `???+ tip`, `=== "Tab"`.
CONTAINER = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?|===\+?)\s")


@functools.cache
def snippet_preprocessor():
    """The ``pymdownx.snippets`` preprocessor with the site's own settings."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    settings = dict(config["mdx_configs"]["pymdownx.snippets"])
    settings["base_path"] = [str(ROOT / path) for path in settings.get("base_path", ["."])]
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings}
    )
    return md.preprocessors["snippet"]


def expand_snippets(lines: list[str]) -> tuple[list[str], list[int]]:
    """Expand ``--8<--`` lines; return the lines and, for each, its source line."""
    preprocessor = snippet_preprocessor()
    expanded: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(lines):
        new = preprocessor.run([line]) if "--8<--" in line else [line]
        expanded.extend(new)
        origin.extend([number] * len(new))
    return expanded, origin


def lift_containers(lines: list[str]) -> list[str]:
    """Remove container headers and dedent their bodies by four spaces a level."""
    lifted: list[str] = []
    body_indents: list[int] = []
    for line in lines:
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        if text:
            while body_indents and indent < body_indents[-1]:
                body_indents.pop()
        match = CONTAINER.match(line)
        if match:
            body_indents.append(len(match["indent"]) + 4)
            lifted.append("")
            continue
        lifted.append(line[4 * len(body_indents) :] if text else "")
    return lifted


class SiteMarkdownIt(MarkdownIt):
    """A CommonMark parser that sees a page's fences as the site renders them."""

    def parse(self, src: str, env=None):
        expanded, origin = expand_snippets(src.splitlines())
        tokens = super().parse("\n".join(lift_containers(expanded)) + "\n", env)
        for token in tokens:
            if token.map:
                start, end = token.map
                token.map = [origin[start], origin[max(end - 1, start)] + 1]
        return tokens


def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    return SiteMarkdownIt("commonmark")


# The buffers of the fences running now, innermost last.
_held: list[io.StringIO] = []


def held_print(*values: object, sep=" ", end="\n", file=None, flush=False) -> None:
    """``print``, into the running fence's buffer unless another file is named."""
    if _held and file in (None, sys.stdout):
        file = _held[-1]
    builtins.print(*values, sep=sep, end=end, file=file, flush=flush)


def pytest_markdown_docs_globals() -> dict[str, object]:
    return {"print": held_print}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker(MARKER) is None:
        return (yield)
    printed = io.StringIO()
    _held.append(printed)
    try:
        return (yield)
    finally:
        _held.remove(printed)
        if printed.getvalue():
            item.add_report_section("call", "stdout", printed.getvalue())


def fence_tests(config: pytest.Config, text: str, path: Path) -> list:
    """The fence tests pytest-markdown-docs collects from the Markdown ``text``.

    Each has the fence's ``source`` and its ``start_line`` in ``path``. The
    plugin documents no way to collect a text outside a test session, so
    this calls its ``plugin.extract_fence_tests``, the function its own
    collector calls.
    """
    try:
        from pytest_markdown_docs.plugin import extract_fence_tests
    except ImportError as error:
        raise ImportError(
            f"{PLUGIN} {version(PLUGIN)} has no plugin.extract_fence_tests: "
            "update fence_tests() in tests/support/markdown_docs.py"
        ) from error
    parser = config.hook.pytest_markdown_docs_markdown_it()
    return list(extract_fence_tests(parser, text, 0, path))
