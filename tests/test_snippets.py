"""Every snippet runs on its own and prints exactly what its page shows.

Each ``snippets/NAME.py`` runs as ``python snippets/NAME.py``; what it prints
must equal ``snippets/output/NAME.txt``, the file the page includes beneath
the code. After changing a snippet, refresh the outputs with
``python tests/test_snippets.py --update`` and review the diff.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
OUTPUTS = SNIPPETS / "output"
DOCS = ROOT / "docs"
SCRIPTS = sorted(SNIPPETS.glob("*.py"))
INCLUDE = re.compile(r"""--8<--\s+["']([^"':]+)""")
MAX_LINES = 40


def run_snippet(script: Path) -> str:
    """Run a snippet as a reader would, from the repository root."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, str(script.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stderr}"
    return result.stdout


def included_files() -> set[str]:
    """Every file name that a page includes with ``--8<--``."""
    return {
        match
        for page in DOCS.rglob("*.md")
        for match in INCLUDE.findall(page.read_text(encoding="utf-8"))
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_snippet_prints_what_its_page_shows(script: Path) -> None:
    expected = OUTPUTS / f"{script.stem}.txt"
    printed = run_snippet(script)
    if not printed:
        assert not expected.exists(), f"{script.name} prints nothing but {expected.name} exists"
        return
    assert expected.exists(), f"{script.name} prints output: record it in snippets/output/"
    assert printed == expected.read_text(encoding="utf-8"), (
        f"{script.name} no longer prints what the page shows; "
        "run `python tests/test_snippets.py --update` and review the diff"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_snippet_is_short_enough_to_read(script: Path) -> None:
    lines = script.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"{script.name} has {len(lines)} lines; keep it to {MAX_LINES}"


def test_every_snippet_file_is_included_by_a_page() -> None:
    files = {p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*") if p.is_file()}
    orphans = sorted(files - included_files())
    assert orphans == [], f"files in snippets/ that no page includes: {orphans}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_snippets.py --update")
    OUTPUTS.mkdir(exist_ok=True)
    for script in SCRIPTS:
        printed = run_snippet(script)
        target = OUTPUTS / f"{script.stem}.txt"
        if printed:
            target.write_text(printed, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
        elif target.exists():
            target.unlink()
