"""The package: its public names, its data files, and where its modules read from."""

from __future__ import annotations

import fnmatch
import tomllib
from importlib.resources import files
from pathlib import Path

import lesson_code.next_token as next_token


def test_public_names_exist():
    assert sorted(next_token.__all__) == sorted(set(next_token.__all__))
    for name in next_token.__all__:
        assert hasattr(next_token, name), name


def test_no_module_computes_a_path_from_its_own_location():
    """Data is read with importlib.resources; nothing is written next to the code."""
    package = Path(next_token.__file__).parent
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "__file__" not in source, module.name


def test_the_data_files_are_shipped_with_the_package(repo_root: Path):
    table = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = table["tool"]["setuptools"]["package-data"]["lesson_code"]
    data = files("lesson_code.next_token") / "data"
    names = sorted(entry.name for entry in data.iterdir() if entry.is_file())
    assert names == ["grammar.json", "handwritten_sentences.txt"]
    for name in names:
        assert any(fnmatch.fnmatch(f"next_token/data/{name}", p) for p in patterns), name
