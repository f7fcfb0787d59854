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
failing fence is reported at the line a contributor edits; a failure in
included code also names the snippet's file and line (``Included from``).
An include that names no file does not stop the collection: the fence that
holds it raises, naming it, and ``tests/test_pages.py`` fails the page.
The site's settings come from the ``mkdocs.yml`` of pytest's root directory
(the repository's, or a throwaway site's in a test).

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
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import markdown
import pytest
from markdown_it import MarkdownIt
from pymdownx.snippets import SnippetMissingError

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "pytest-markdown-docs"
MARKER = "markdown-docs"  # the plugin's marker on each fence's test item

# Material's block containers: `!!! note`, `??? question`, `???+ tip`, `=== "Tab"`.
CONTAINER = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?|===\+?)\s")


CONFIG_FILE = ROOT / "mkdocs.yml"
_config_file: list[Path] = [CONFIG_FILE]  # the mkdocs.yml of this session


def pytest_configure(config: pytest.Config) -> None:
    candidate = Path(config.rootpath) / "mkdocs.yml"
    _config_file[0] = candidate if candidate.is_file() else CONFIG_FILE


@functools.cache
def snippet_preprocessor(config_file: Path = CONFIG_FILE):
    """The ``pymdownx.snippets`` preprocessor with the site's own settings."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    settings = dict(config["mdx_configs"]["pymdownx.snippets"])
    base = config_file.parent
    settings["base_path"] = [str(base / path) for path in settings.get("base_path", ["."])]
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings}
    )
    return md.preprocessors["snippet"]


@dataclass(frozen=True)
class Origin:
    """Where a line of the expanded page comes from."""

    line: int  # 0-based, in the Markdown file
    snippet: Path | None = None  # the included file, if the line was included
    snippet_line: int | None = None  # 1-based, in that file


INCLUDED = re.compile(r"""--8<--\s+["'](?P<name>[^"':]+)""")


def included_file(line: str, config_file: Path) -> Path | None:
    from tests.support.pages import snippet_base_paths

    match = INCLUDED.search(line)
    if not match:
        return None
    for base in snippet_base_paths(config_file):
        if (base / match["name"]).is_file():
            return base / match["name"]
    return None


def snippet_lines(new: list[str], snippet: Path | None) -> list[int | None]:
    """The 1-based line in ``snippet`` of each included line (None if not found)."""
    if snippet is None:
        return [None] * len(new)
    source = [text.strip() for text in snippet.read_text(encoding="utf-8").splitlines()]
    wanted = [text.strip() for text in new]
    first = next((i for i, text in enumerate(wanted) if text), None)
    if first is None:
        return [None] * len(new)
    for start in range(len(source)):
        offset = start - first
        if source[start] == wanted[first] and all(
            0 <= offset + i < len(source) and source[offset + i] == text
            for i, text in enumerate(wanted)
            if text
        ):
            return [offset + i + 1 for i in range(len(new))]
    return [None] * len(new)


def missing_include(line: str, error: Exception) -> list[str]:
    """A Python line, indented as ``line``, that fails the fence naming the include."""
    indent = line[: len(line) - len(line.lstrip())]
    message = f"{line.strip()}: {error}"
    return [f"{indent}raise FileNotFoundError({message!r})"]


def expand_with_origins(
    lines: list[str], config_file: Path | None = None
) -> tuple[list[str], list[Origin]]:
    """Expand ``--8<--`` lines; return the lines and, for each, its :class:`Origin`."""
    config_file = config_file or _config_file[0]
    preprocessor = snippet_preprocessor(config_file)
    expanded: list[str] = []
    origin: list[Origin] = []
    for number, line in enumerate(lines):
        if "--8<--" not in line:
            expanded.append(line)
            origin.append(Origin(number))
            continue
        try:
            new = preprocessor.run([line])
        except SnippetMissingError as error:
            new = missing_include(line, error)
        snippet = included_file(line, config_file)
        expanded.extend(new)
        found = snippet_lines(new, snippet if new != [line] else None)
        origin.extend(Origin(number, snippet, at) for at in found)
    return expanded, origin


def expand_snippets(lines: list[str]) -> tuple[list[str], list[int]]:
    """Expand ``--8<--`` lines; return the lines and, for each, its source line."""
    expanded, origin = expand_with_origins(lines)
    return expanded, [where.line for where in origin]


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


# The origin of each line of each fence parsed, by (its line, its code).
_fence_origins: dict[tuple[int, str], list[Origin]] = {}


class SiteMarkdownIt(MarkdownIt):
    """A CommonMark parser that sees a page's fences as the site renders them."""

    def parse(self, src: str, env=None):
        expanded, origin = expand_with_origins(src.splitlines())
        tokens = super().parse("\n".join(lift_containers(expanded)) + "\n", env)
        for token in tokens:
            if token.map:
                start, end = token.map
                token.map = [origin[start].line, origin[max(end - 1, start)].line + 1]
                if token.type == "fence":
                    key = (token.map[0] + 1, token.content)
                    _fence_origins[key] = origin[start + 1 : end]
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


def failure_origin(item: pytest.Item, excinfo: pytest.ExceptionInfo) -> str | None:
    """``docs/PAGE.md:LINE`` of a fence's failing line, and the snippet's file and line."""
    from tests.support.pages import where

    definition = getattr(item, "test_definition", None)
    if definition is None:
        return None
    start = definition.start_line
    code = definition.source.split("\n", start)[-1]
    origins = _fence_origins.get((start, code))
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(excinfo.tb)
        if frame.filename == str(definition.source_path)
    ]
    if not origins or not lines:
        return None
    index = lines[-1] - start - 1
    if not 0 <= index < len(origins):
        return None
    origin = origins[index]
    page = Path(str(definition.source_path))
    text = f"Failed at {where(page, origin.line + 1)}"
    if origin.snippet is not None:
        at = f":{origin.snippet_line}" if origin.snippet_line else ""
        text += f"\nIncluded from {where(origin.snippet, 1).rsplit(':', 1)[0]}{at}"
    return text


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and call.excinfo is not None and item.get_closest_marker(MARKER):
        origin = failure_origin(item, call.excinfo)
        if origin:
            report.longrepr = f"{origin}\n\n{report.longrepr}"
    return report


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
