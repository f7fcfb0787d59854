"""The command line, ``python -m lesson_code.tictactoe`` (lesson_code.tictactoe.__main__)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lesson_code.tictactoe.__main__ import parse_args

CHARTS = ("loss_curves", "reward_model_accuracy", "ppo_reward_kl", "outcomes")


def test_the_run_writes_metrics_and_charts_under_out_and_nowhere_else(quick_cli) -> None:
    results, out, left = quick_cli
    assert left["workdir"] == ["run"]
    assert left["repository_after"] == left["repository_before"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["metrics.json", *(f"{name}.png" for name in CHARTS)]
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["sft"] == results.metrics["sft"]
    assert metrics["seconds"]["plots"] > 0
    assert metrics["seconds_total"] >= sum(metrics["seconds"].values())


def test_out_is_required() -> None:
    with pytest.raises(SystemExit):
        parse_args([])


def test_help_explains_every_option_and_what_the_run_writes(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lesson_code.tictactoe", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    text = " ".join(done.stdout.split())
    expected = ("--seed", "--out", "--quick", "metrics.json", "outcomes.png", "exit status")
    board = ("--board FILE", "--board-fallback FILE", "docs/assets/tictactoe/board.json")
    for words in expected + board:
        assert words in text
    assert list(tmp_path.iterdir()) == []
