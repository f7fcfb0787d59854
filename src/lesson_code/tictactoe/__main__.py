"""``python -m lesson_code.tictactoe``: the whole game course from a terminal.

The time the command prints (and ``seconds_total`` in ``metrics.json``)
covers the whole command, as ``/usr/bin/time`` sees it: from the start of the
process (read from ``/proc`` on Linux; elsewhere from the start of this
module), through the imports, the four stages, the evaluations and the plots.
"""

from __future__ import annotations

import os
import time


def _seconds_since_process_start() -> float:
    """How long this process has run, from Linux's ``/proc``; 0 where that is not there."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # from field 3, the state
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return max(0.0, now - int(fields[19]) / os.sysconf("SC_CLK_TCK"))  # field 22
    except (OSError, ValueError, IndexError):
        return 0.0


STARTED = time.perf_counter() - _seconds_since_process_start()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from lesson_code.tictactoe.board import export_board, write_board  # noqa: E402
from lesson_code.tictactoe.config import Config  # noqa: E402
from lesson_code.tictactoe.plots import save_plots  # noqa: E402
from lesson_code.tictactoe.report import (  # noqa: E402
    check_targets,
    headline,
    summary_table,
    targets_text,
)
from lesson_code.tictactoe.results import RunResults  # noqa: E402
from lesson_code.tictactoe.run import run_pipeline  # noqa: E402

DESCRIPTION = """\
Pre-train, fine-tune and RLHF a tiny transformer (about 100,000 parameters) at
tic-tac-toe, as the notebook "Three ways to learn a game" does: (1) next-token
pre-training on records of random games, (2) supervised fine-tuning on a
coach's moves, (3a) a reward model fit to a simulated judge's preferences and
(3b) PPO against it on a KL leash to the SFT model. Each policy then plays X
against a random and a perfect player.

It writes into --out: metrics.json (every number of the run, with the config
and the seconds each stage took) and four charts: loss_curves.png,
reward_model_accuracy.png, ppo_reward_kl.png and outcomes.png. It prints a
table of each stage's results and checks the course's targets; the exit
status is 1 if a target of a full run fails.

With --board FILE it also writes the data of the pages' tic-tac-toe board
(lesson_code.tictactoe.board): every position X can face, each stage's move
probabilities there, the reward model's score and the RLHF policy's KL to the
SFT model; with --board-fallback FILE, the board's HTML for readers without
JavaScript. The site's copies come from a full run with seed 0:

  python -m lesson_code.tictactoe --seed 0 --out tictactoe-run \\
      --board docs/assets/tictactoe/board.json \\
      --board-fallback snippets/tictactoe_board.html"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lesson_code.tictactoe",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds every random choice of the run: the same seed gives the same "
        "metrics on the same machine (default: 0, the seed the notebook uses)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder for metrics.json and the charts (made if missing); "
        "the run writes nowhere else",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smaller run of about 20 seconds (Config.quick()), for a first look; "
        "it is not held to the full run's targets",
    )
    parser.add_argument(
        "--board",
        type=Path,
        metavar="FILE",
        help="also write the board's data (JSON) from the run's models to FILE",
    )
    parser.add_argument(
        "--board-fallback",
        type=Path,
        metavar="FILE",
        help="also write the board's root element with its no-JavaScript table "
        "(the models' opening-move probabilities) to FILE",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace, started: float | None = None) -> RunResults:
    """Run the course as ``args`` say, write metrics and charts under ``args.out``, print
    the report; return the run's results. ``started`` (a ``time.perf_counter()``
    value) is when the command began; by default, when this call did."""
    started = time.perf_counter() if started is None else started
    config = Config.quick(seed=args.seed) if args.quick else Config(seed=args.seed)
    results = run_pipeline(config)
    args.out.mkdir(parents=True, exist_ok=True)
    plots_started = time.perf_counter()
    save_plots(results, args.out)
    metrics = results.metrics
    metrics["seconds"]["plots"] = time.perf_counter() - plots_started
    metrics["seconds_total"] = time.perf_counter() - started
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    if args.board or args.board_fallback:
        write_board(export_board(results), args.board, args.board_fallback)
    rows = check_targets(metrics, full=not args.quick)
    print(f"\n{summary_table(metrics)}\n\n{headline(metrics)}\n\n{targets_text(rows)}")
    print(f"\n{metrics['seconds_total']:.1f} s in all; metrics and charts in {args.out}/")
    return results


def main(argv: list[str] | None = None) -> int:
    """The command line: 0 if every target of a full run holds, 1 if one fails; a
    ``--quick`` run reports its targets but is not held to them (always 0)."""
    args = parse_args(argv)
    results = run(args, STARTED if argv is None else None)
    if args.quick:
        return 0
    return 0 if all(ok for *_, ok in check_targets(results.metrics)) else 1


if __name__ == "__main__":
    sys.exit(main())
