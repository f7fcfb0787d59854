"""A full run of the game course, made once per test session and shared.

The notebook page shows the run ``Config(seed=COURSE_SEED)`` makes; tests that
hold a page's numbers, or the data exported from its models, to that run use
:func:`course_run` (about a minute on 2 CPU cores; mark such tests ``slow``).
"""

from __future__ import annotations

from functools import cache

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.results import RunResults
from lesson_code.tictactoe.run import run_pipeline

COURSE_SEED = 0  # the seed of the notebook and of every exported table


@cache
def course_run(seed: int = COURSE_SEED) -> RunResults:
    """The full run for ``seed`` (default: the notebook's), made on first use."""
    return run_pipeline(Config(seed=seed, progress=False))
