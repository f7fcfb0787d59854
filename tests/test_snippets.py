"""Every snippet runs on its own and prints what its page shows.

Each ``snippets/NAME.py`` runs as ``python snippets/NAME.py``; what it prints
must agree with ``snippets/output/NAME.txt``, the file the page includes
beneath the code, by the one rule of ``tests/support/outputs.py``: the same
text, and each number within 1e-3 relative or one unit of its last printed
digit (so a CPU of another kind, or another thread count, passes too).

After changing a snippet, record its output and review the diff::

    .venv/bin/python tests/test_snippets.py --update NAME     # one snippet
    .venv/bin/python tests/test_snippets.py --update --all    # every snippet
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tests.support is importable too
    sys.path.insert(0, str(ROOT))

from tests.support.outputs import diff, mismatches  # noqa: E402
from tests.support.pages import markdown_pages, prose_lines, where  # noqa: E402
from tests.support.snippet_runs import Run, run_all, run_one  # noqa: E402

SNIPPETS = ROOT / "snippets"
OUTPUTS = SNIPPETS / "output"
DOCS = ROOT / "docs"
SCRIPTS = sorted(SNIPPETS.glob("*.py"))
INCLUDE = re.compile(r"""--8<--\s+["']([^"':]+)""")
MAX_LINES = 40


def update_command(name: str) -> str:
    return f".venv/bin/python tests/test_snippets.py --update {name}"


@functools.cache
def runs() -> dict[Path, Run]:
    """Every snippet, run once per session (tests/support/snippet_runs.py)."""
    return run_all(SCRIPTS)


def included_by(name: str, pages: list[Path] | None = None) -> list[str]:
    """``docs/PAGE.md:LINE`` of every ``--8<--`` of the file ``name``."""
    return [
        where(page, line.number)
        for page in (markdown_pages() if pages is None else pages)
        for line in prose_lines(page)
        if name in INCLUDE.findall(line.text)
    ]


def snippet_problem(
    script: Path, result: Run, outputs: Path = OUTPUTS, root: Path = ROOT
) -> str | None:
    """Why ``script``, which gave ``result``, does not print what its page shows."""
    pages = ", ".join(included_by(script.name)) or "no page"
    if result.returncode != 0:
        return f"{script.relative_to(root)} (shown at {pages}) failed:\n{result.stderr}"
    printed, expected = result.stdout, outputs / f"{script.stem}.txt"
    shown_name = expected.relative_to(root).as_posix()
    if not printed:
        return (
            f"{script.name} prints nothing but {shown_name} exists" if expected.exists() else None
        )
    if not expected.exists():
        return f"{script.name} prints output: record it with `{update_command(script.stem)}`"
    shown = expected.read_text(encoding="utf-8")
    why = mismatches(shown, printed)
    if not why:
        return None
    return (
        f"{script.relative_to(root)} no longer prints what {shown_name} shows "
        f"(at {', '.join(included_by(f'output/{script.stem}.txt')) or 'no page'}):\n"
        + "\n".join(f"  {reason}" for reason in why)
        + "\n"
        + diff(shown, printed, shown_name, f"python {script.relative_to(root)}")
        + f"\nIf the new output is right, record it and review the diff:\n"
        f"  {update_command(script.stem)}"
    )


def included_files() -> set[str]:
    """Every file name that a page includes with ``--8<--``."""
    return {
        match
        for page in DOCS.rglob("*.md")
        for match in INCLUDE.findall(page.read_text(encoding="utf-8"))
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_snippet_prints_what_its_page_shows(script: Path) -> None:
    problem = snippet_problem(script, runs()[script])
    assert problem is None, problem


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_snippet_is_short_enough_to_read(script: Path) -> None:
    lines = script.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"{script.name} has {len(lines)} lines; keep it to {MAX_LINES}"


def test_every_snippet_file_is_included_by_a_page() -> None:
    files = {p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*") if p.is_file()}
    orphans = sorted(files - included_files())
    assert orphans == [], f"files in snippets/ that no page includes: {orphans}"


def update(names: list[str]) -> int:
    """Record the output of the snippets ``names``; the exit status."""
    OUTPUTS.mkdir(exist_ok=True)
    for name in names:
        script = SNIPPETS / f"{Path(name).stem}.py"
        if not script.is_file():
            print(f"no snippet {script.relative_to(ROOT)}", file=sys.stderr)
            return 1
        result = run_one(script)
        if result.returncode != 0:
            print(f"{script.name} failed:\n{result.stderr}", file=sys.stderr)
            return 1
        target = OUTPUTS / f"{script.stem}.txt"
        if result.stdout:
            target.write_text(result.stdout, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
        elif target.exists():
            target.unlink()
            print(f"removed {target.relative_to(ROOT)} (the snippet prints nothing)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Record what snippets print.")
    parser.add_argument(
        "--update",
        nargs="*",
        metavar="NAME",
        required=True,
        help="the snippets to record (snippets/NAME.py)",
    )
    parser.add_argument("--all", action="store_true", help="record every snippet")
    arguments = parser.parse_args()
    names = [s.stem for s in SCRIPTS] if arguments.all else arguments.update
    if not names:
        parser.error("name the snippets to record, or pass --all")
    sys.exit(update(names))
