"""Make every Python fence a reader sees a test, exactly as the site renders it.

pytest-markdown-docs parses Markdown with markdown-it, which knows neither
``--8<--`` includes nor Material's containers (admonitions, ``???`` collapsible
blocks, ``===`` content tabs). The parser supplied here first expands the
includes with ``pymdownx.snippets`` itself, configured from ``mkdocs.yml``,
then lifts the bodies of those containers to the top level, so the fences
inside them are collected too. Token line numbers are mapped back to the
Markdown file, so a failing fence is reported at the line a contributor edits.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import sys
from pathlib import Path

import markdown
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, register_runner

ROOT = Path(__file__).resolve().parent

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


def pytest_markdown_docs_markdown_it():
    return SiteMarkdownIt("commonmark")


@register_runner(default=True)
class QuietRunner(DefaultRunner):
    """Run a fence with its prints held back, and shown only if it fails.

    pytest-markdown-docs turns pytest's output capture off while a fence runs;
    without this every snippet's output would be interleaved with the report.
    """

    def runtest(self, test, args, **kwargs):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                super().runtest(test, args, **kwargs)
        except BaseException:
            sys.stderr.write(f"--- printed by {test.source_path}:{test.start_line} ---\n")
            sys.stderr.write(printed.getvalue())
            raise
