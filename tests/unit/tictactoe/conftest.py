"""One quick run of the game course, made by its command line, shared by the tests.

The run happens in an empty working directory with ``--out`` inside it, so
the tests can check that the command writes there and nowhere else.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lesson_code.tictactoe.__main__ import parse_args, run
from lesson_code.tictactoe.results import RunResults

ROOT = Path(__file__).resolve().parents[3]


def _repository_state() -> str:
    """``git status`` of the checkout: what a run must not change."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout


@pytest.fixture(scope="session")
def quick_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResults, Path, dict]:
    """``python -m lesson_code.tictactoe --quick --out run`` from an empty directory:
    the results, the output folder, and what the run left around it."""
    workdir = tmp_path_factory.mktemp("cwd")
    before = _repository_state()
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        results = run(parse_args(["--quick", "--seed", "0", "--out", "run"]))
    finally:
        os.chdir(previous)
    left = {
        "workdir": sorted(p.name for p in workdir.iterdir()),
        "repository_before": before,
        "repository_after": _repository_state(),
    }
    return results, workdir / "run", left


@pytest.fixture(scope="session")
def quick_results(quick_cli) -> RunResults:
    return quick_cli[0]
