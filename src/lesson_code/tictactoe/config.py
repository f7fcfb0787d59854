"""Every knob of the game course, in one place.

:class:`Config` holds each hyperparameter of the run; ``Config.quick()`` is a
smaller run of a few seconds per stage, for tests and a first look. The
constants below are facts of the game's token layout, not choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lesson_code.tictactoe.game import MAX_LEN, VOCAB_SIZE
from lesson_code.tictactoe.model import GPTConfig

__all__ = [
    "MATCHES",
    "MAX_X_MOVES",
    "SFT_LEN",
    "STAGES",
    "X_ACTION_POSITIONS",
    "X_ACTION_TOKENS",
    "Config",
]

STAGES = ("pretrained", "sft", "rlhf")  # the policies, in the order they are made
X_ACTION_POSITIONS = slice(0, MAX_LEN - 2, 2)  # logits at 0, 2, ..., 8 choose X's moves
X_ACTION_TOKENS = slice(1, MAX_LEN - 1, 2)  # X's moves sit at 1, 3, ..., 9
MAX_X_MOVES = 5
SFT_LEN = MAX_LEN - 1  # the longest prompt (9 tokens) and the coach's move

# The four matches each policy plays as X: (key in the metrics, opponent, how X plays).
MATCHES = (
    ("vs_random", "random", "sampled"),
    ("vs_random_greedy", "random", "greedy"),
    ("vs_perfect", "perfect", "greedy"),
    ("vs_perfect_sampled", "perfect", "sampled"),
)


@dataclass(frozen=True)
class Config:
    """Every hyperparameter of the run; ``Config.quick()`` is a smaller, faster run."""

    seed: int = 0
    threads: int = 2
    progress: bool = True
    # the model: about 100k parameters
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    # the optimiser of the supervised stages: AdamW, a linear warm-up over
    # `warmup_fraction` of the steps, then a cosine decay to `final_lr_fraction`
    adam_betas: tuple[float, float] = (0.9, 0.99)
    warmup_fraction: float = 0.05
    final_lr_fraction: float = 0.1
    max_grad_norm: float = 1.0  # every stage clips its gradient norm to this
    heldout_checks: int = 5  # held-out measurements per stage, for the curves
    # 1. pre-training on random games
    pretrain_steps: int = 500
    pretrain_batch: int = 256
    pretrain_lr: float = 4e-3
    pretrain_heldout_games: int = 8000
    # 2. supervised fine-tuning on the coach's moves
    sft_positions: int = 30000
    sft_heldout_positions: int = 5000
    sft_p_coach: float = 0.5  # positions come from games where X follows the coach this often
    sft_steps: int = 300
    sft_batch: int = 256
    sft_lr: float = 2e-3
    # 3a. the judge and the reward model
    judge_temperature: float = 1.0
    rm_explore: float = 0.5
    rm_pairs: int = 3000
    rm_heldout_pairs: int = 1500
    rm_steps: int = 120
    rm_batch: int = 128
    rm_lr: float = 1e-3
    # 3b. PPO against the reward model
    reward_norm_games: int = 2000  # SFT games that set the mean and scale of the scores
    ppo_iterations: int = 40
    ppo_games: int = 512
    ppo_epochs: int = 4
    ppo_minibatches: int = 4
    ppo_lr: float = 5e-4
    beta: float = 0.05
    clip_eps: float = 0.2
    gamma: float = 1.0
    lam: float = 0.95
    vf_coef: float = 0.5
    ent_coef: float = 0.0
    ptx_coef: float = 0.2
    ptx_batch: int = 16
    # evaluation
    eval_games: int = 5000

    @classmethod
    def quick(cls, **overrides: Any) -> Config:
        """A run of a few seconds per stage, for tests and a first look."""
        small = dict(
            pretrain_steps=250,
            pretrain_batch=128,
            pretrain_lr=5e-3,
            pretrain_heldout_games=2000,
            sft_positions=10000,
            sft_heldout_positions=2000,
            sft_steps=90,
            rm_pairs=1000,
            rm_heldout_pairs=1000,
            rm_steps=50,
            ppo_iterations=12,
            ppo_games=256,
            eval_games=1500,
        )
        return cls(**{**small, **overrides})

    def model_config(self) -> GPTConfig:
        """The sizes of the transformer every stage trains."""
        return GPTConfig(
            vocab_size=VOCAB_SIZE,
            block_size=MAX_LEN,
            n_layer=self.n_layer,
            n_head=self.n_head,
            n_embd=self.n_embd,
        )
