"""Run snippets as ``python snippets/NAME.py`` does, with torch imported once.

Importing torch takes a second or two, longer than most snippets run. On
Linux one Python process imports torch, then forks a child for each snippet,
which runs it as ``__main__`` from the repository root, its ``sys.path[0]``
the snippet's folder, its output captured: a fresh process in all but the
import. Elsewhere (macOS, where forking after importing torch is not safe),
each snippet runs in a new ``python`` process. Both set ``PYTHONHASHSEED=0``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORKS = sys.platform == "linux"

SERVER = r"""
import json, os, runpy, sys, tempfile, traceback
import torch  # noqa: F401  (imported once; every snippet runs in a fork of this process)

results = {}
for script in sys.argv[1:]:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            sys.argv = [script]
            sys.path[0] = os.path.dirname(os.path.abspath(script))
            code = 0
            try:
                runpy.run_path(script, run_name="__main__")
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        results[script] = [os.waitstatus_to_exitcode(status), out.read(), err.read()]
sys.stdout.write(json.dumps(results))
"""


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONHASHSEED": "0"}


def run_one(script: Path, root: Path = ROOT) -> Run:
    """``python snippets/NAME.py`` from ``root``, in a new process."""
    result = subprocess.run(
        [sys.executable, str(script.relative_to(root))],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def run_all(scripts: list[Path], root: Path = ROOT) -> dict[Path, Run]:
    """Each of ``scripts`` run as a reader runs it; see the module's docstring."""
    if not FORKS or len(scripts) < 2:
        return {script: run_one(script, root) for script in scripts}
    names = [str(script.relative_to(root)) for script in scripts]
    result = subprocess.run(
        [sys.executable, "-c", SERVER, *names],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the snippet runner failed:\n{result.stderr}")
    runs = json.loads(result.stdout)
    return {script: Run(*runs[name]) for script, name in zip(scripts, names, strict=True)}
