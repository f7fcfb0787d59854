"""The release's sdist and wheel carry what the command lines and the notebook need.

Builds both as the release workflow does (``python -m build``: the sdist, then
the wheel from the sdist), from a copy of the checkout, without network. The
wheel is installed into a new virtual environment that sees the dependencies
but neither ``src/`` nor the editable install, and run from outside the checkout.
"""

from __future__ import annotations

import json
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from lesson_code.next_token.corpus import parse_sentences
from lesson_code.next_token.grammar import parse_grammar
from tests.support.package import (
    REPO,
    build_distributions,
    checked,
    checkout_copy,
    clean_environment,
    git_files,
    install_wheel,
    run,
    scm_version,
    site_packages,
)
from tests.support.site import load_hook

launch = load_hook("notebook_launch")  # how the site pins the notebook's install cell

pytestmark = pytest.mark.slow

PACKAGE_DATA = [
    "src/lesson_code/py.typed",
    "src/lesson_code/next_token/data/grammar.json",
    "src/lesson_code/next_token/data/handwritten_sentences.txt",
]
IMPORT_PROBE = "import lesson_code, sys; print(lesson_code.__file__); print(sys.path)"


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    version: str  # what setuptools-scm gives the checkout


@dataclass(frozen=True)
class Installed:
    python: Path
    site_packages: Path
    before_install: str  # the import probe's stderr before the wheel was installed
    elsewhere: Path  # a working directory outside the checkout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if not (REPO / ".git").exists():
        pytest.skip("needs the git checkout: setuptools-scm reads the version from its tags")
    root = tmp_path_factory.mktemp("package")
    source = checkout_copy(root / "checkout")
    sdist, wheel = build_distributions(source, root / "dist")
    return Built(sdist, wheel, scm_version(REPO))


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("clean")
    python = clean_environment(root / "venv")
    probe = run(python, "-c", IMPORT_PROBE, cwd=root)
    assert probe.returncode != 0, f"lesson_code importable before the install:\n{probe.stdout}"
    install_wheel(python, built.wheel)
    (root / "elsewhere").mkdir()
    return Installed(python, site_packages(python), probe.stderr, root / "elsewhere")


def package_files() -> list[str]:
    """Every file git tracks in ``src/lesson_code``, modules and data."""
    return [path for path in git_files("--", "src/lesson_code") if (REPO / path).is_file()]


def test_sdist_holds_the_sources_and_data(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = set(sdist.getnames())
        top = built.sdist.name.removesuffix(".tar.gz")
        pkg_info = sdist.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        metadata = pkg_info.read().decode()
    wanted = {f"{top}/{path}" for path in ["pyproject.toml", *PACKAGE_DATA, *package_files()]}
    assert wanted <= names, f"missing from the sdist: {sorted(wanted - names)}"
    assert f"\nVersion: {built.version}\n" in metadata


def test_wheel_holds_every_file_of_the_package(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
    wanted = {path.removeprefix("src/") for path in [*PACKAGE_DATA, *package_files()]}
    assert wanted <= names, f"missing from the wheel: {sorted(wanted - names)}"
    assert built.wheel.name.startswith(f"lesson_code-{built.version}-py3-none-any")


def test_clean_environment_did_not_see_the_checkout(installed: Installed) -> None:
    assert "No module named 'lesson_code'" in installed.before_install


def evaluated(installed: Installed, code: str) -> list:
    """What ``code``, run by the clean environment's python outside the checkout, prints
    as JSON."""
    return json.loads(checked(run(installed.python, "-c", code, cwd=installed.elsewhere)))


def test_import_and_version_come_from_the_wheel(built: Built, installed: Installed) -> None:
    code = (
        "import json, lesson_code; from importlib.metadata import distribution; "
        "d = distribution('lesson-code'); "
        "print(json.dumps([lesson_code.__file__, d.version, str(d.locate_file(''))]))"
    )
    module, version, location = evaluated(installed, code)
    assert Path(module) == installed.site_packages / "lesson_code" / "__init__.py"
    assert Path(location) == installed.site_packages
    assert version == built.version


@pytest.mark.parametrize("command", ["lesson_code.tictactoe", "lesson_code.next_token"])
def test_command_line_help(installed: Installed, command: str) -> None:
    out = checked(run(installed.python, "-m", command, "--help", cwd=installed.elsewhere))
    assert f"usage: python -m {command}" in out


def test_next_token_data_loads(installed: Installed) -> None:
    code = (
        "import json, lesson_code.next_token as nt; "
        "from lesson_code.next_token.grammar import load_grammar; "
        "print(json.dumps([nt.__file__, nt.handwritten_sentences(), load_grammar()]))"
    )
    module, sentences, grammar = evaluated(installed, code)
    data = REPO / "src/lesson_code/next_token/data"
    assert Path(module).is_relative_to(installed.site_packages)
    assert sentences == parse_sentences((data / "handwritten_sentences.txt").read_text("utf-8"))
    expected = parse_grammar((data / "grammar.json").read_text("utf-8"))
    assert grammar == {name: list(alternatives) for name, alternatives in expected.items()}


def test_quick_game_course_run(installed: Installed) -> None:
    out = installed.elsewhere / "quick-run"
    command = ["-m", "lesson_code.tictactoe", "--quick", "--seed", "0", "--out", out]
    checked(run(installed.python, *command, cwd=installed.elsewhere, timeout=900))
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics


def test_the_downloaded_notebook_installs_the_wheel_and_runs(
    built: Built, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """What a reader of the Download notebook button runs, in a clean environment: the
    install cell (pinned as the site pins it) finds no lesson_code and installs it,
    here from the wheel (``LESSON_CODE_SPEC``; no network), and every cell after it
    runs on the installed package."""
    root = tmp_path_factory.mktemp("notebook")
    python = clean_environment(root / "venv")
    notebook = (REPO / "docs" / "three-ways-to-learn-a-game.ipynb").read_text("utf-8")
    pinned = root / "downloaded.ipynb"
    pinned.write_text(notebook.replace(launch.PLACEHOLDER, "@v0.0.0"), encoding="utf-8")
    executed = root / "executed.ipynb"
    env = {
        "LESSON_CODE_SPEC": str(built.wheel),
        # pip sees the borrowed packages (the test's own editable install among them):
        # install the wheel itself, and nothing from an index.
        "PIP_IGNORE_INSTALLED": "1",
        "PIP_NO_DEPS": "1",
        "PIP_NO_INDEX": "1",
    }
    execute = (
        "import sys, nbformat; from nbclient import NotebookClient; "
        f"nb = nbformat.read({str(pinned)!r}, as_version=4); "
        "NotebookClient(nb, timeout=1200, kernel_name='python3').execute(); "
        f"nbformat.write(nb, {str(executed)!r})"
    )
    checked(run(python, "-c", execute, cwd=root, timeout=1500, env=env))
    cells = json.loads(executed.read_text("utf-8"))["cells"]
    errors = [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    probe = run(python, "-c", "import lesson_code; print(lesson_code.__file__)", cwd=root)
    assert Path(checked(probe).strip()).is_relative_to(site_packages(python))
