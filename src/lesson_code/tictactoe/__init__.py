"""The game course: a tiny transformer learns tic-tac-toe by pre-training, SFT and RLHF.

The chapter's metaphor made literal. Modules, in the order a run uses them:

- :mod:`~lesson_code.tictactoe.game`: the rules, and games written as token records;
- :mod:`~lesson_code.tictactoe.players`: random, the coach, perfect (minimax), the model;
- :mod:`~lesson_code.tictactoe.model`: the transformer (with an optional scalar head);
- :mod:`~lesson_code.tictactoe.config`: every hyperparameter, in :class:`Config`;
- :mod:`~lesson_code.tictactoe.data`: each stage's data, the judge included;
- :mod:`~lesson_code.tictactoe.training`: what the stages share (optimiser, one step);
- the stages: :mod:`~lesson_code.tictactoe.pretrain`, :mod:`~lesson_code.tictactoe.sft`,
  :mod:`~lesson_code.tictactoe.reward_model`, :mod:`~lesson_code.tictactoe.ppo`;
- :mod:`~lesson_code.tictactoe.evaluate`: matches and move quality;
- :mod:`~lesson_code.tictactoe.run`: :class:`Run`, the stages in order (the one run path);
- :mod:`~lesson_code.tictactoe.report` and :mod:`~lesson_code.tictactoe.plots`: the
  numbers and the charts;
- ``python -m lesson_code.tictactoe --seed N --out DIR [--quick]``: all of it from a terminal.

Every loss comes from the formula modules (:mod:`lesson_code.pretraining`,
:mod:`lesson_code.sft`, :mod:`lesson_code.reward_model`, :mod:`lesson_code.ppo`,
:mod:`lesson_code.rlhf`); nothing here defines a loss of its own.
"""

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.results import RunResults, StageResult
from lesson_code.tictactoe.run import Run, run_pipeline

__all__ = ["Config", "Run", "RunResults", "StageResult", "run_pipeline"]
