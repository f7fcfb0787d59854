"""The pages of ``mkdocs.yml``'s nav, and the checks each Markdown page passes.

Every check reads a page's Markdown and returns its problems, each as
``docs/PAGE.md:LINE: what is wrong``, so a failure points at the line to edit.
None knows any chapter: ``tests/test_pages.py`` runs each on every page of the
nav, and ``tests/test_planted_mistakes.py`` runs each on a throwaway chapter
with a planted mistake, to see it fire.

* :func:`missing_includes`: every ``--8<--`` names a file in the
  ``pymdownx.snippets`` base paths;
* :func:`quiz_problems`: quizzes use the quiz form (``??? question "..."``),
  closed, with an answer; a quiz written as a heading or a bold line fails;
* :func:`footnote_problems`: every ``[^ref]`` has its definition, and every
  definition is cited;
* :func:`math_problems`: KaTeX typesets every ``\\( \\)`` and ``\\[ \\]``;
* :func:`alt_text_problems`: every image says what it shows (no missing,
  empty or file-name alt text).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "mkdocs.yml"
KATEX_CHECK = Path(__file__).with_name("katex_check.mjs")


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its ``!ENV`` and ``!!python`` tags."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@functools.cache
def site_config(config_file: Path = CONFIG) -> dict:
    return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)


def _nav_files(entries) -> list[str]:
    files: list[str] = []
    for entry in entries or []:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            if isinstance(value, list):
                files += _nav_files(value)
            elif isinstance(value, str) and not re.match(r"[a-z]+://", value):
                files.append(value)
    return files


def docs_dir(config_file: Path = CONFIG) -> Path:
    return config_file.parent / (site_config(config_file).get("docs_dir") or "docs")


def nav_pages(config_file: Path = CONFIG) -> list[Path]:
    """Every page of the nav, as its source file under ``docs/``."""
    docs = docs_dir(config_file)
    return [docs / name for name in _nav_files(site_config(config_file)["nav"])]


def markdown_pages(config_file: Path = CONFIG) -> list[Path]:
    return [page for page in nav_pages(config_file) if page.suffix == ".md"]


def snippet_base_paths(config_file: Path = CONFIG) -> list[Path]:
    for extension in site_config(config_file)["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            paths = extension["pymdownx.snippets"].get("base_path", ["."])
            paths = [paths] if isinstance(paths, str) else paths
            return [config_file.parent / path for path in paths]
    return [config_file.parent]


def where(page: Path, line: int) -> str:
    """``docs/PAGE.md:LINE``, relative to the working directory (or the repository)."""
    shown = page.as_posix()
    for base in (Path.cwd(), ROOT):
        try:
            shown = page.absolute().relative_to(base.absolute()).as_posix()
            break
        except ValueError:
            continue
    return f"{shown}:{line}"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the Markdown file
    text: str


FENCE = re.compile(r"^(?P<indent> *)(?P<mark>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+).+?\1")


def prose_lines(page: Path) -> list[Line]:
    """The page's lines with code blanked out: fences emptied, inline code removed.

    Line numbers stay those of the file; ``--8<--`` lines inside fences are kept.
    """
    lines, fence = [], None
    for number, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(text)
        if fence is None and match:
            fence = match["mark"]
            lines.append(Line(number, ""))
        elif fence is not None:
            if match and match["mark"].startswith(fence) and not text.strip()[len(fence) :]:
                fence = None
            lines.append(Line(number, text if "--8<--" in text else ""))
        else:
            lines.append(Line(number, INLINE_CODE.sub(" ", text)))
    return lines


# --8<-- "name", with an optional :section or :start:end after the name.
INCLUDE = re.compile(r"""^\s*--8<--\s+["'](?P<name>[^"':]+)(?::[^"']*)?["']""")


def config_of(page: Path) -> Path:
    """The ``mkdocs.yml`` of the site a page belongs to (the nearest one above it)."""
    for folder in page.absolute().parents:
        if (folder / "mkdocs.yml").is_file():
            return folder / "mkdocs.yml"
    return CONFIG


def missing_includes(page: Path, config_file: Path | None = None) -> list[str]:
    bases = snippet_base_paths(config_file or config_of(page))
    return [
        f"{where(page, line.number)}: --8<-- {match['name']!r} names no file in "
        + ", ".join(f"{base.name}/" for base in bases)
        for line in prose_lines(page)
        if (match := INCLUDE.match(line.text))
        and not any((base / match["name"]).is_file() for base in bases)
    ]


HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
BOLD_QUIZ = re.compile(r"^\s*(\*\*|__)\s*quiz\b", re.IGNORECASE)
QUIZ = re.compile(r"^(?P<indent> *)\?\?\?(?P<open>\+?)\s+question\b(?P<rest>.*)$")


def quiz_problems(page: Path) -> list[str]:
    lines = prose_lines(page)
    problems = []
    quizzes = 0
    for index, line in enumerate(lines):
        heading = HEADING.match(line.text)
        if heading:
            title = heading["title"]
            if re.search(r"\bquiz\b", title, re.IGNORECASE):
                problems.append(
                    f"{where(page, line.number)}: the quiz {title!r} is a heading; "
                    'write it as `??? question "Quiz N: ...?"` with its answer indented below'
                )
        elif BOLD_QUIZ.match(line.text):
            problems.append(
                f"{where(page, line.number)}: a quiz in bold text; "
                'write it as `??? question "Quiz N: ...?"` with its answer indented below'
            )
        quiz = QUIZ.match(line.text)
        if not quiz:
            continue
        quizzes += 1
        here = where(page, line.number)
        if quiz["open"]:
            problems.append(f"{here}: `???+` shows the answer; use `???` (closed)")
        if not re.match(r'\s*"[^"]+"', quiz["rest"]):
            problems.append(f'{here}: the quiz has no question: `??? question "Quiz N: ...?"`')
        body = next((after for after in lines[index + 1 :] if after.text.strip()), None)
        indent = len(quiz["indent"]) + 4
        if body is None or len(body.text) - len(body.text.lstrip(" ")) < indent:
            problems.append(f"{here}: the quiz has no answer (indent it by four spaces)")
    has_section = any(
        (h := HEADING.match(line.text)) and h["title"].lower() == "quizzes" for line in lines
    )
    if has_section and quizzes == 0:
        problems.append(f"{where(page, 1)}: a Quizzes section without a `??? question`")
    return problems


FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\s]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^(?P<id>[^\]\s]+)\]:")


def footnote_problems(page: Path) -> list[str]:
    lines = prose_lines(page)
    defined = {m["id"]: line.number for line in lines if (m := FOOTNOTE_DEF.match(line.text))}
    cited: dict[str, int] = {}
    problems = []
    for line in lines:
        text = FOOTNOTE_DEF.sub("", line.text)
        for match in FOOTNOTE_REF.finditer(text):
            cited.setdefault(match["id"], line.number)
            if match["id"] not in defined:
                problems.append(
                    f"{where(page, line.number)}: the footnote [^{match['id']}] has no "
                    f"definition (add `[^{match['id']}]: ...` under References)"
                )
    problems += [
        f"{where(page, number)}: the footnote [^{name}] is defined but never cited"
        for name, number in defined.items()
        if name not in cited
    ]
    return problems


# Arithmatex's generic delimiters, as written in the Markdown.
MATH = re.compile(r"(?<!\\)\\\((?P<inline>.+?)\\\)|(?<!\\)\\\[(?P<display>.+?)\\\]", re.DOTALL)


def formulas(page: Path) -> list[tuple[int, str, bool]]:
    """``(line, tex, display)`` for each formula of the page, outside code."""
    lines = prose_lines(page)
    text = "\n".join(line.text for line in lines)
    found = []
    for match in MATH.finditer(text):
        number = lines[text.count("\n", 0, match.start())].number
        display = match["display"] is not None
        found.append((number, (match["display"] if display else match["inline"]).strip(), display))
    return found


def katex_errors(formulas: list[tuple[str, bool]]) -> list[str | None]:
    """KaTeX's error for each ``(tex, display)`` formula, or None where it typesets."""
    if not formulas:
        return []
    request = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    result = subprocess.run(
        ["node", str(KATEX_CHECK)],
        input=request,
        capture_output=True,
        text=True,
        cwd=ROOT / "tools",
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"tests/support/katex_check.mjs failed: {result.stderr}")
    return json.loads(result.stdout)


def math_problems(page: Path) -> list[str]:
    found = formulas(page)
    errors = katex_errors([(tex, display) for _, tex, display in found])
    return [
        f"{where(page, line)}: KaTeX cannot typeset {tex!r}: {error}"
        for (line, tex, _), error in zip(found, errors, strict=True)
        if error
    ]


MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)[^)]*\)")
HTML_IMAGE = re.compile(r"<img\b(?P<attributes>[^>]*)>", re.IGNORECASE)
ALT = re.compile(r"""\balt\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.IGNORECASE)
SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
FILE_NAME = re.compile(r"^[\w.-]+\.(?:png|svg|jpe?g|gif|webp|avif)$", re.IGNORECASE)


def alt_problem(alt: str | None, src: str) -> str | None:
    """What is wrong with an image's alt text, or None."""
    if alt is None:
        return "has no alt text"
    alt = alt.strip()
    if not alt:
        return "has an empty alt text"
    stem = Path(src.split("#")[0].split("?")[0]).name
    if FILE_NAME.match(alt) or alt in {stem, Path(stem).stem}:
        return f"has a file name, {alt!r}, as alt text"
    return None


def alt_text_problems(page: Path) -> list[str]:
    problems = []
    for line in prose_lines(page):
        images = [(m["alt"], m["src"]) for m in MARKDOWN_IMAGE.finditer(line.text)]
        for tag in HTML_IMAGE.finditer(line.text):
            alt = ALT.search(tag["attributes"])
            src = SRC.search(tag["attributes"])
            text = None if alt is None else alt["dq"] if alt["dq"] is not None else alt["sq"]
            images.append((text, src[1] if src else ""))
        for alt, src in images:
            problem = alt_problem(alt, src)
            if problem:
                problems.append(
                    f"{where(page, line.number)}: the image {src!r} {problem}; "
                    "say in words what it shows"
                )
    return problems


def built_image_problems(site: Path, html: Path) -> list[str]:
    """The images of a built page without a real description."""
    placeholder = "No description has been provided for this image"
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    problems = []
    for image in soup.select(".md-content img"):
        alt = image.get("alt", "").strip()
        where = f"{html.relative_to(site)}: {image.get('src', '')[:60]}"
        if alt == placeholder:
            problems.append(f"{where} has nbconvert's placeholder for a description")
        elif alt_problem(image.get("alt"), image.get("src", "")):
            problems.append(f"{where} {alt_problem(image.get('alt'), image.get('src', ''))}")
    return problems


# The checks of a Markdown page, by name (the ids of tests/test_pages.py).
MARKDOWN_CHECKS = {
    "includes": missing_includes,
    "quizzes": quiz_problems,
    "footnotes": footnote_problems,
    "math": math_problems,
    "alt-text": alt_text_problems,
}


# What the built page must show, read from its Markdown (tests/site/test_chapter.py).


def headings(page: Path, level: int) -> list[tuple[str, str]]:
    """``(id, text)`` of each heading of ``level``, as the site renders it."""
    import markdown
    from bs4 import BeautifulSoup

    marks = "#" * level
    raw = page.read_text(encoding="utf-8").splitlines()
    source = "\n\n".join(
        raw[line.number - 1]
        for line in prose_lines(page)
        if (h := HEADING.match(line.text)) and len(h.group(1)) == level
    )
    soup = BeautifulSoup(markdown.markdown(source, extensions=["toc", "attr_list"]), "html.parser")
    return [(h.get("id", ""), h.get_text().strip()) for h in soup.find_all(f"h{len(marks)}")]


def image_count(page: Path) -> int:
    return sum(
        len(MARKDOWN_IMAGE.findall(line.text)) + len(HTML_IMAGE.findall(line.text))
        for line in prose_lines(page)
    )


def quiz_count(page: Path) -> int:
    return sum(1 for line in prose_lines(page) if QUIZ.match(line.text))


def footnote_links(page: Path) -> list[str]:
    """The URLs the page's footnote definitions link to, in order."""
    lines, urls, inside = prose_lines(page), [], False
    for line in lines:
        if FOOTNOTE_DEF.match(line.text):
            inside = True
        elif line.text.strip() and not line.text.startswith(" "):
            inside = False
        if inside:
            urls += re.findall(r"\]\((https?://[^)\s]+)\)", line.text)
    return urls
