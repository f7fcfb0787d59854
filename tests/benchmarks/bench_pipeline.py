"""Benchmark: the full three-stage pipeline against its targets.

Runs ``run_pipeline`` with the default configuration (seed 0 unless given),
prints the time of each stage, the summary table and every target as pass or
fail, and exits with status 1 if any target fails. Timing lives here, never in
the test suite.

    python tests/benchmarks/bench_pipeline.py [--seed N] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

from lesson_code.pipeline import Config, check_targets, run_pipeline, save_plots, summary_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write metrics and plots")
    args = parser.parse_args()

    config = Config(seed=args.seed, progress=False)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"torch {torch.__version__}, {config.threads} threads, load average {load:.2f}")
    results = run_pipeline(config)
    metrics = results.metrics

    print("\nseconds per stage")
    for stage, seconds in metrics["seconds"].items():
        print(f"  {stage:<14}{seconds:7.1f}")
    print(f"  {'total':<14}{metrics['seconds_total']:7.1f}\n")
    print(summary_table(metrics), "\n")

    rows = check_targets(metrics)
    for name, value, target, ok in rows:
        print(f"[{'pass' if ok else 'FAIL'}] {name:<38}{value:>10.4f}   target {target}")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        save_plots(results, args.out)
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
