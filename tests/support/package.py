"""Build the package as a release does and install it where the checkout is out of sight.

Used by ``tests/test_package.py``. Nothing here writes into the checkout: the
build runs in a copy (:func:`checkout_copy`), the wheel goes into a new virtual
environment (:func:`clean_environment`) that borrows the dependencies (torch,
numpy, matplotlib, tqdm) from the running one but not its editable install of
``lesson_code``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPENDENCIES_PTH = "borrowed-dependencies.pth"


def run(
    *command: str | Path, cwd: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd`` without network or the caller's PYTHONPATH, with ``env``
    added to the environment; never raises."""
    environment = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    environment |= {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg"}
    environment |= env or {}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def checked(result: subprocess.CompletedProcess[str]) -> str:
    """The standard output of ``result``; an AssertionError with its output if it failed."""
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    return result.stdout


def git_files(*options: str) -> list[str]:
    """``git ls-files OPTIONS`` of the checkout: paths relative to its root."""
    out = checked(run("git", "ls-files", "-z", *options, cwd=REPO))
    return [path for path in out.split("\0") if path]


def checkout_copy(dest: Path) -> Path:
    """A clone of the checkout (tags included) with the working tree's files laid over it.

    Uncommitted edits and new files that git does not ignore are built as they
    are; the copy's version (distance to the tag, dirty or not) is the checkout's.
    """
    checked(run("git", "clone", "--quiet", REPO, dest, cwd=dest.parent))
    for path in git_files("--cached", "--others", "--exclude-standard"):
        source, target = REPO / path, dest / path
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.is_file():  # deleted in the working tree, not yet committed
            target.unlink()
    return dest


def scm_version(root: Path) -> str:
    """The version setuptools-scm gives the project at ``root`` (read from git)."""
    return checked(run(sys.executable, "-m", "setuptools_scm", cwd=root)).strip()


def build_distributions(source: Path, outdir: Path) -> tuple[Path, Path]:
    """Build ``source``'s sdist, then its wheel from that sdist, as ``python -m build`` does.

    Without isolation: the build backends come from the running environment
    (the ``test`` extra installs them), so no network is needed.
    """
    checked(
        run(sys.executable, "-m", "build", "--no-isolation", "--outdir", outdir, ".", cwd=source)
    )
    (sdist,) = outdir.glob("*.tar.gz")
    (wheel,) = outdir.glob("*.whl")
    return sdist, wheel


def site_packages(python: Path | str) -> Path:
    """The site-packages directory of the interpreter ``python``."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(checked(run(python, "-c", code, cwd=Path.cwd())).strip())


def clean_environment(path: Path) -> Path:
    """A new virtual environment at ``path`` that sees the running one's packages; its python.

    A line of a ``.pth`` file names the running environment's site-packages: it
    joins ``sys.path`` after the new site-packages, and the ``.pth`` files inside
    it (the editable install's path to ``src/``) are not read.
    """
    checked(run(sys.executable, "-m", "venv", path, cwd=path.parent))
    python = path / "bin" / "python"
    borrowed = {site_packages(sys.executable)}
    (site_packages(python) / DEPENDENCIES_PTH).write_text(
        "".join(f"{directory}\n" for directory in sorted(borrowed)), encoding="utf-8"
    )
    return python


def install_wheel(python: Path, wheel: Path) -> None:
    """Install ``wheel`` alone into ``python``'s environment, from the file only.

    ``--ignore-installed``: pip leaves alone the running environment's editable
    install, which it sees through the borrowed site-packages.
    """
    checked(
        run(
            python,
            *("-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--ignore-installed"),
            wheel,
            cwd=wheel.parent,
        )
    )
