"""ruff (lint and format) and codespell pass on the repository, as CI checks them.

The tools run from the test's own environment (``sys.executable -m ...``), so
the pinned versions of tools/constraints.txt decide. codespell reads its
settings (files to skip, the project word list tools/codespell-words.txt)
from ``[tool.codespell]`` in pyproject.toml. A correct word it flags (a name,
a term) goes into that list, one lowercase word a line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What codespell reads: the pages, the snippets, the code (its comments and
# docstrings), the build hooks, the templates and the contributor docs.
SPELLED = [
    "docs",
    "snippets",
    "src",
    "tests",
    "tools",
    "overrides",
    ".github",
    "Makefile",
    "mkdocs.yml",
    "README.md",
    "CONTRIBUTING.md",
]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_ruff_finds_no_lint_errors() -> None:
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_unchanged() -> None:
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_finds_no_misspelling_in_pages_code_comments_and_docs() -> None:
    paths = [path for path in SPELLED if (ROOT / path).exists()]
    result = run("codespell_lib", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_finds_no_misspelling_in_notebook_cells(tmp_path: Path) -> None:
    """The notebooks' Markdown and code, without their outputs (skipped as JSON)."""
    notebooks = sorted((ROOT / "docs").rglob("*.ipynb"))
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        text = "\n\n".join("".join(cell.get("source", [])) for cell in cells)
        (tmp_path / f"{notebook.stem}.txt").write_text(text, encoding="utf-8")
    if not notebooks:
        pytest.skip("no notebooks")
    ignore_words = ROOT / "tools" / "codespell-words.txt"
    result = run("codespell_lib", "--ignore-words", str(ignore_words), str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_flags_a_misspelling(tmp_path: Path) -> None:
    misspelt = "sepe" + "rately"  # spelt out here, this file would fail its own check
    (tmp_path / "page.md").write_text(f"The model is trained {misspelt}.\n", encoding="utf-8")
    result = run("codespell_lib", str(tmp_path / "page.md"), cwd=tmp_path)
    assert result.returncode != 0
    assert misspelt in result.stdout


# A command a contributor types from a clone runs the project's own Python:
# a bare `python` may be another interpreter without the pinned packages.
BARE_PYTHON = re.compile(r"(?<![\w./-])python3?(?= +(?:-m +\w|[\w./-]+\.py\b))")
CONTRIBUTOR_DOCS = ["README.md", "CONTRIBUTING.md", "docs/*.md", "tools/templates/*"]


def bare_python_commands(text: str) -> list[int]:
    """The 1-based lines of ``text`` that run ``python -m ...`` or ``python FILE.py``."""
    return [n for n, line in enumerate(text.splitlines(), 1) if BARE_PYTHON.search(line)]


def test_contributor_docs_run_the_virtual_environments_python() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for pattern in CONTRIBUTOR_DOCS
        for path in sorted(ROOT.glob(pattern))
        if path.is_file()
        for line in bare_python_commands(path.read_text(encoding="utf-8"))
    ]
    assert not found, "write `.venv/bin/python`, not a bare `python`, at: " + ", ".join(found)


def test_bare_python_commands_are_found_and_the_venvs_are_not() -> None:
    text = "run `python -m lesson_code.tictactoe`\nor python3 snippets/a.py\n"
    text += "then `.venv/bin/python -m pytest` and a python snippet\n"
    assert bare_python_commands(text) == [1, 2]
