"""CI runs the suite in parts (`make test-part`, a runner each) that run each test once."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.support.site import ROOT

pytestmark = pytest.mark.slow  # five collections of the whole suite

PART = re.compile(r"^TEST_PART_(\w+) := (.*)$", re.MULTILINE)
PARTS = re.compile(r"^TEST_PARTS := (.*)$", re.MULTILINE)


def makefile_parts() -> dict[str, list[str]]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    parts = {name: shlex.split(args) for name, args in PART.findall(text)}
    (listed,) = PARTS.findall(text)
    assert listed.split() == list(parts), "TEST_PARTS names each TEST_PART_* once, in order"
    return parts


def collected(*args: str) -> list[str]:
    """The ids of the tests ``pytest ARGS`` would run."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"pytest {' '.join(args)} collected nothing:\n{result.stdout}"
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_parts_run_every_test_once() -> None:
    parts = {name: collected(*args) for name, args in makefile_parts().items()}
    everything = collected()
    assert all(parts.values()), {name: len(ids) for name, ids in parts.items()}
    runs = [test for ids in parts.values() for test in ids]
    twice = sorted({test for test in runs if runs.count(test) > 1})
    assert not twice, f"run by two parts: {twice[:5]}"
    assert sorted(runs) == sorted(everything), (
        f"in no part: {sorted(set(everything) - set(runs))[:5]}; "
        f"not in make test: {sorted(set(runs) - set(everything))[:5]}"
    )


def test_ci_runs_each_part_on_each_system() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["part"] == list(makefile_parts())
    assert len(matrix["os"]) == 2
