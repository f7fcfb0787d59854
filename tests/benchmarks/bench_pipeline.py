"""Benchmark: the whole game course, as a reader runs it, against its targets.

Runs ``python -m lesson_code.tictactoe --seed N --out DIR`` as a separate
process for each seed and measures the whole process from outside (start-up,
the four stages, the evaluations and the charts), as ``/usr/bin/time`` would.
Prints that time beside the run's own timer, the seconds of each stage, and
every target as pass or fail; exits with status 1 if any target fails for any
seed. Timing lives here, never in the test suite.

    .venv/bin/python tests/benchmarks/bench_pipeline.py [--seeds 0 1 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from lesson_code.tictactoe.report import check_targets, summary_table, targets_text


def run_seed(seed: int, out: Path) -> tuple[dict, float]:
    """Run the command for ``seed`` into ``out``; return its metrics and its wall-clock time."""
    command = [sys.executable, "-m", "lesson_code.tictactoe", "--seed", str(seed)]
    command += ["--out", str(out)]
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    return json.loads((out / "metrics.json").read_text()), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", type=Path, default=None, help="keep each seed's output here")
    args = parser.parse_args()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs, load average {load:.2f}")
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for seed in args.seeds:
            out = (args.out or Path(scratch)) / f"seed-{seed}"
            metrics, wall = run_seed(seed, out)
            print(f"\n== seed {seed}: whole process {wall:.1f} s (wall clock, from outside)")
            for stage, seconds in metrics["seconds"].items():
                print(f"  {stage:<14}{seconds:7.1f}")
            print(f"  {'run timer':<14}{metrics['seconds_total']:7.1f}\n")
            print(summary_table(metrics), "\n")
            rows = check_targets(metrics)
            print(targets_text(rows))
            failed |= not all(ok for *_, ok in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
