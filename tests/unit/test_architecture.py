"""The shape of ``lesson_code``: layers that import downward only, and short modules.

The layers, from the bottom:

1. the formulas (``pretraining``, ``sft``, ``reward_model``, ``ppo``,
   ``advantages``, ``rlhf``, with ``_validation``): no game, no page, no plot;
2. ``plotting``: the one chart style and the chapter's figures;
3. the toy models, ``tictactoe`` and ``next_token``, which never import each other.

A module may import its own layer and the layers below it. Pages, snippets,
the notebook and the build hooks sit above all of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lesson_code

PACKAGE = Path(lesson_code.__file__).parent
MAX_LINES = 400

FORMULAS = {"pretraining", "sft", "reward_model", "ppo", "advantages", "rlhf", "_validation"}
ALLOWED = {
    "formulas": FORMULAS,
    "plotting": FORMULAS | {"plotting"},
    "tictactoe": FORMULAS | {"plotting", "tictactoe"},
    "next_token": FORMULAS | {"next_token"},
}
MODULES = sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    return part if part in ALLOWED else "formulas"


def lesson_code_imports(path: Path) -> set[str]:
    """The parts of ``lesson_code`` that ``path`` imports (``lesson_code.X...`` -> ``X``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lesson_code" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_imports_only_its_own_layer_and_those_below(path: Path) -> None:
    layer = layer_of(path)
    wrong = lesson_code_imports(path) - ALLOWED[layer]
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports lesson_code.{wrong}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_is_short_enough_to_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)}: {lines} lines; split it by job"


def test_no_module_writes_to_a_path_computed_from_its_own_location() -> None:
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert "__file__" not in text, f"{path.relative_to(PACKAGE)} uses __file__"
