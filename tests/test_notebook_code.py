"""The notebook runs the package's stages and trains nothing by itself.

The notebook, the command line and the figures share one run path,
``lesson_code.tictactoe.run.Run``: the notebook calls its methods in the order
``run_pipeline`` does, and its cells hold no optimiser, no backward pass and
no training loop of their own.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

from lesson_code.tictactoe.run import run_pipeline

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs").rglob("*.ipynb"))


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    # IPython's magics are not Python: drop them before parsing.
    return "\n".join(re.sub(r"(?m)^%.*$", "", cell) for cell in code)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_the_notebook_trains_nothing_by_itself(notebook: Path) -> None:
    tree = ast.parse(code_of(notebook))
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    training = {"backward", "optim", "zero_grad", "clip_grad_norm_", "step"} & names
    assert not training, f"{notebook.name} trains in its own cells: {sorted(training)}"


def test_the_notebook_calls_the_stages_in_the_order_the_command_line_does() -> None:
    code = code_of(ROOT / "docs" / "three-ways-to-learn-a-game.ipynb")
    calls = re.findall(r"\brun\.(\w+)\(\)", code)
    stages = re.findall(r"\brun\.(\w+)\(\)", inspect.getsource(run_pipeline))
    assert stages[-1] == "results"
    assert calls == stages
