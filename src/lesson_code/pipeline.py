r"""Three ways to learn a game: pre-training, SFT and RLHF of a tiny transformer at tic-tac-toe.

The chapter's metaphor, made literal. A small causal transformer
(:mod:`lesson_code.transformer`) learns tic-tac-toe (:mod:`lesson_code.game`)
through the staged pipeline that builds foundation models, every loss taken
from the lesson modules:

1. **Pre-training** (reading every book): next-token prediction
   (:func:`lesson_code.pretraining.next_token_loss`) on records of games
   between random legal players. No labels, no rewards: it learns the rules.
2. **Supervised fine-tuning** (a coach): positions where X is to move, paired
   with the move of a good but imperfect coach; the loss is on the coach's
   move only (:func:`lesson_code.sft.sft_loss`).
3. **RLHF** (playing, judged by people): a simulated judge compares pairs of
   the SFT model's games; a reward model learns the judge's preferences
   (:func:`lesson_code.reward_model.preference_loss`); PPO improves the policy
   against it with a per-token KL leash to the SFT model
   (:func:`lesson_code.rlhf.kl_shaped_rewards`, :mod:`lesson_code.ppo`).

After each stage the policy plays X against a random player and a perfect one.

Run it::

    python -m lesson_code.pipeline [--seed N] [--out DIR] [--quick]
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import inspect
import io
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial, wraps
from pathlib import Path
from typing import Any

import matplotlib
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from tqdm import tqdm

from lesson_code.game import (
    MAX_LEN,
    N_CELLS,
    PAD,
    VOCAB_SIZE,
    GameBatch,
    coach_move_mask,
    coach_moves,
    entropy_bound,
    optimal_move_mask,
    perfect_moves,
    play,
    random_moves,
    replay,
)
from lesson_code.ppo import (
    approx_kl,
    clip_fraction,
    entropy,
    gae,
    masked_mean,
    normalize_advantages,
    ppo_policy_loss,
    ppo_value_loss,
    probability_ratio,
)
from lesson_code.pretraining import next_token_loss
from lesson_code.reward_model import preference_accuracy, preference_loss
from lesson_code.rlhf import kl_shaped_rewards
from lesson_code.schemes import CYCLE, INK, PAGE, SCHEMES, Scheme
from lesson_code.sft import sft_loss
from lesson_code.transformer import GPT, GPTConfig

__all__ = [
    "Chart",
    "Config",
    "PipelineResults",
    "StageResult",
    "check_targets",
    "evaluate",
    "hidden_utility",
    "in_either_scheme",
    "ink",
    "judge",
    "main",
    "model_player",
    "move_quality",
    "paper",
    "plot_loss_curves",
    "plot_outcomes",
    "plot_ppo",
    "plot_reward_model_accuracy",
    "preference_data",
    "pretrain",
    "pretraining_data",
    "rlhf",
    "run_pipeline",
    "scheme_style",
    "seed_everything",
    "sft_data",
    "summary_table",
    "supervised_finetune",
    "train_reward_model",
]

STAGES = ("pretrained", "sft", "rlhf")
X_ACTION_POSITIONS = slice(0, MAX_LEN - 2, 2)  # logits at 0, 2, ..., 8 choose X's moves
X_ACTION_TOKENS = slice(1, MAX_LEN - 1, 2)  # X's moves sit at 1, 3, ..., 9
MAX_X_MOVES = 5
SFT_LEN = MAX_LEN - 1  # the longest prompt (9 tokens) and the coach's move


@dataclass(frozen=True)
class Config:
    """Every knob of the pipeline; ``Config.quick()`` is a smaller, faster run."""

    seed: int = 0
    threads: int = 2
    progress: bool = True
    # the model: about 100k parameters
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    # 1. pre-training on random games
    pretrain_steps: int = 500
    pretrain_batch: int = 256
    pretrain_lr: float = 4e-3
    pretrain_heldout_games: int = 8000
    # 2. supervised fine-tuning on the coach's moves
    sft_positions: int = 30000
    sft_heldout_positions: int = 5000
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
    max_grad_norm: float = 1.0
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
        return GPTConfig(
            vocab_size=VOCAB_SIZE,
            block_size=MAX_LEN,
            n_layer=self.n_layer,
            n_head=self.n_head,
            n_embd=self.n_embd,
        )


@dataclass
class StageResult:
    """What one stage returns: the trained model, its training curves, its headline metrics."""

    model: GPT
    history: dict[str, list[float]] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class PipelineResults:
    """Everything :func:`run_pipeline` produced."""

    config: Config
    stages: dict[str, StageResult]
    metrics: dict[str, Any]

    @property
    def models(self) -> dict[str, GPT]:
        return {name: stage.model for name, stage in self.stages.items()}


# --------------------------------------------------------------------------- helpers


def _optimizer(model: GPT, lr: float, steps: int) -> tuple[torch.optim.Optimizer, Any]:
    """AdamW with a short linear warm-up and a cosine decay to 10% of ``lr``."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), weight_decay=0.0)
    warmup = max(1, steps // 20)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.1 + 0.45 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _step(model: GPT, optimizer: torch.optim.Optimizer, scheduler: Any, loss: torch.Tensor) -> None:
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()


def _progress(total: int, desc: str, config: Config) -> tqdm:
    return tqdm(total=total, desc=desc, disable=not config.progress, leave=True, ncols=90)


def _frozen(model: GPT) -> GPT:
    """A detached copy in eval mode with gradients off."""
    frozen = copy.deepcopy(model).eval()
    frozen.requires_grad_(False)
    return frozen


def _random_player(generator: torch.Generator) -> Callable:
    return partial(random_moves, generator=generator)


def _perfect_player(generator: torch.Generator) -> Callable:
    return partial(perfect_moves, generator=generator)


def model_player(
    model: GPT, *, greedy: bool, generator: torch.Generator | None = None, temperature: float = 1.0
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The model as a player: its next token after the game so far is its move.

    It chooses from the whole vocabulary, so it can pick a taken cell or a
    non-move token (an illegal move, which forfeits the game).
    """

    @torch.no_grad()
    def player(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        logits = model(tokens)[0][:, -1]
        if greedy:
            return logits.argmax(-1)
        probs = F.softmax(logits / temperature, dim=-1)
        return torch.multinomial(probs, 1, generator=generator).squeeze(1)

    return player


# --------------------------------------------------------------------------- data


def pretraining_data(n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` games between random legal players: the token ids and the labels.

    The labels are the ids themselves (the data labels itself), with ``<pad>``
    set to -100 so that padding is never a target.
    """
    games = play(_random_player(generator), _random_player(generator), n)
    labels = games.tokens.masked_fill(games.tokens == PAD, -100)
    return games.tokens, labels


@dataclass
class SFTData:
    """Positions with X to move, each followed by the coach's move.

    Attributes:
        input_ids: ``[N, MAX_LEN]`` the prompt (``<start>`` and the moves so far),
            the coach's move, then ``<pad>``.
        prompt_lengths: ``[N]`` tokens in the prompt.
        attention_mask: ``[N, MAX_LEN]`` 1 on the prompt and the response.
        boards: ``[N, 9]`` the positions.
        coach: ``[N]`` the coach's move.
        coach_options: ``[N, 9]`` bool, the moves the coach chooses among.
    """

    input_ids: torch.Tensor
    prompt_lengths: torch.Tensor
    attention_mask: torch.Tensor
    boards: torch.Tensor
    coach: torch.Tensor
    coach_options: torch.Tensor

    def __len__(self) -> int:
        return len(self.coach)

    def subset(self, index: torch.Tensor) -> SFTData:
        return SFTData(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


def _explorer(generator: torch.Generator, p_coach: float = 0.5) -> Callable:
    """X players that follow the coach half of the time and play randomly otherwise."""

    def player(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        follow = torch.rand(len(boards), generator=generator) < p_coach
        return torch.where(
            follow, coach_moves(tokens, boards, generator), random_moves(tokens, boards, generator)
        )

    return player


def sft_data(n: int, generator: torch.Generator) -> SFTData:
    """``n`` positions with X to move, labelled with the coach's move.

    Positions come from games where X half follows the coach and half plays
    at random, and O plays at random: the positions a coach would meet, and
    many it would not.
    """
    games = play(_explorer(generator), _random_player(generator), n)
    prefixes = []
    for prompt_length in range(1, MAX_LEN - 1, 2):  # 1, 3, 5, 7, 9 tokens: X to move
        going_on = games.tokens[:, prompt_length] < N_CELLS  # X did move here
        prefixes.append((games.tokens[going_on, :prompt_length], prompt_length))
    pick = torch.randperm(sum(len(p) for p, _ in prefixes), generator=generator)[:n]
    input_ids = torch.full((sum(len(p) for p, _ in prefixes), MAX_LEN), PAD, dtype=torch.long)
    prompt_lengths = torch.cat([torch.full((len(p),), k) for p, k in prefixes])
    row = 0
    for prefix, k in prefixes:
        input_ids[row : row + len(prefix), :k] = prefix
        row += len(prefix)
    input_ids, prompt_lengths = input_ids[pick], prompt_lengths[pick]
    boards = replay(input_ids)
    coach = coach_moves(input_ids, boards, generator)
    input_ids[torch.arange(len(pick)), prompt_lengths] = coach
    attention_mask = (torch.arange(MAX_LEN)[None, :] <= prompt_lengths[:, None]).long()
    return SFTData(
        input_ids, prompt_lengths, attention_mask, boards, coach, coach_move_mask(boards)
    )


def hidden_utility(games: GameBatch) -> torch.Tensor:
    """The judge's hidden taste: a win beats a draw beats a loss; quicker wins are better.

    $u = 1.5, 1.25, 1$ for a win in 3, 4, 5 moves of X; $0$ for a draw;
    $-3$ for a loss (losing is much worse than failing to win).
    """
    win = (games.results == 1).float()
    loss = (games.results == -1).float()
    return win * (1 + 0.25 * (MAX_X_MOVES - games.x_moves).clamp(min=0)) - 3 * loss


def judge(
    utility_a: torch.Tensor,
    utility_b: torch.Tensor,
    *,
    temperature: float,
    generator: torch.Generator,
) -> torch.Tensor:
    r"""The simulated judge: ``True`` where it prefers game a to game b.

    Bradley–Terry noise: $P(a \succ b) = \sigma\big((u_a - u_b)/\tau\big)$, so
    close calls are often wrong and ties are coin flips.
    """
    p_a = torch.sigmoid((utility_a - utility_b) / temperature)
    return torch.rand(len(p_a), generator=generator) < p_a


@dataclass
class PreferenceData:
    """Pairs of games, ordered by the judge: chosen first.

    Attributes:
        chosen, rejected: ``[N, MAX_LEN]`` game records.
        chosen_lengths, rejected_lengths: ``[N]`` tokens before padding.
        chosen_utility, rejected_utility: ``[N]`` the judge's hidden utilities.
    """

    chosen: torch.Tensor
    rejected: torch.Tensor
    chosen_lengths: torch.Tensor
    rejected_lengths: torch.Tensor
    chosen_utility: torch.Tensor
    rejected_utility: torch.Tensor

    def __len__(self) -> int:
        return len(self.chosen)

    def subset(self, index: torch.Tensor) -> PreferenceData:
        return PreferenceData(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    @property
    def strict(self) -> torch.Tensor:
        """``[N]`` bool: pairs whose hidden utilities differ (not ties)."""
        return self.chosen_utility != self.rejected_utility

    @property
    def judge_agrees(self) -> torch.Tensor:
        """``[N]`` bool: the noisy label matches the noiseless ordering."""
        return self.chosen_utility > self.rejected_utility


def _with_exploration(player: Callable, epsilon: float, generator: torch.Generator) -> Callable:
    """``player``, except that with probability ``epsilon`` a random legal move is played."""

    def explorer(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        explore = torch.rand(len(boards), generator=generator) < epsilon
        return torch.where(explore, random_moves(tokens, boards, generator), player(tokens, boards))

    return explorer


def preference_data(
    policy: GPT, n_pairs: int, config: Config, generator: torch.Generator
) -> PreferenceData:
    """Pairs of the policy's games as X against a random O, ranked by the judge.

    X's moves are the policy's, sampled at temperature 1, except that with
    probability ``config.rm_explore`` a random legal move is played instead:
    without it the judge would see almost no draws and losses, and the reward
    model could not learn how they compare.
    """
    x = model_player(policy, greedy=False, generator=generator)
    x = _with_exploration(x, config.rm_explore, generator)
    games = play(x, _random_player(generator), 2 * n_pairs)
    utility = hidden_utility(games)
    a, b = torch.arange(n_pairs), torch.arange(n_pairs, 2 * n_pairs)
    a_wins = judge(
        utility[a], utility[b], temperature=config.judge_temperature, generator=generator
    )
    chosen, rejected = torch.where(a_wins, a, b), torch.where(a_wins, b, a)
    return PreferenceData(
        games.tokens[chosen],
        games.tokens[rejected],
        games.lengths[chosen],
        games.lengths[rejected],
        utility[chosen],
        utility[rejected],
    )


# --------------------------------------------------------------------------- evaluation


def _outcomes(games: GameBatch) -> dict[str, float]:
    x_moves = games.x_moves.sum().item()
    return {
        "win": (games.results == 1).float().mean().item(),
        "draw": (games.results == 0).float().mean().item(),
        "loss": (games.results == -1).float().mean().item(),
        "illegal_move_rate": (games.illegal == 1).sum().item() / max(1, x_moves),
        "games": len(games.results),
    }


def evaluate(model: GPT, config: Config, generator: torch.Generator) -> dict[str, Any]:
    """The policy as X: against a random O and a perfect O, sampled (temperature 1) and greedy.

    ``illegal_move_rate`` is the share of the model's own sampled moves
    (temperature 1, against the random player) that are illegal.
    """
    model.eval()
    n = config.eval_games
    sampled = model_player(model, greedy=False, generator=generator)
    greedy = model_player(model, greedy=True)
    results = {
        "vs_random": _outcomes(play(sampled, _random_player(generator), n)),
        "vs_random_greedy": _outcomes(play(greedy, _random_player(generator), n)),
        "vs_perfect": _outcomes(play(greedy, _perfect_player(generator), n)),
        "vs_perfect_sampled": _outcomes(play(sampled, _perfect_player(generator), n)),
    }
    results["illegal_move_rate"] = results["vs_random"]["illegal_move_rate"]
    return results


@torch.no_grad()
def move_quality(model: GPT, data: SFTData) -> dict[str, float]:
    """The model's top move on each position, compared with the coach and with minimax.

    Returns the coach agreement (the top move is one the coach could have
    chosen), the optimal-move rate (a move a perfect player could make: one
    that keeps the best game-theoretic value) and the share of top moves that
    are illegal.
    """
    model.eval()
    logits = model(data.input_ids)[0]
    rows = torch.arange(len(data))
    top = logits[rows, data.prompt_lengths - 1].argmax(-1)
    cell = top.clamp(max=N_CELLS - 1)
    legal = (top < N_CELLS) & (data.boards[rows, cell] == 0)
    optimal = optimal_move_mask(data.boards)[rows, cell] & legal
    return {
        "coach_agreement": (data.coach_options[rows, cell] & legal).float().mean().item(),
        "optimal_move_rate": optimal.float().mean().item(),
        "illegal_move_rate": (~legal).float().mean().item(),
    }


def coach_quality(data: SFTData) -> float:
    """The coach's own optimal-move rate on the same positions (expected over its random choice)."""
    options = data.coach_options
    good = (options & optimal_move_mask(data.boards)).sum(1) / options.sum(1)
    return good.mean().item()


# --------------------------------------------------------------------------- 1. pre-training


@torch.no_grad()
def heldout_loss(model: GPT, tokens: torch.Tensor, labels: torch.Tensor) -> float:
    """Next-token loss in nats per token over a whole held-out set (total NLL / total tokens)."""
    model.eval()
    total = next_token_loss(model(tokens)[0], labels, reduction="sum").item()
    return total / (labels[:, 1:] != -100).sum().item()


def pretrain(config: Config, generator: torch.Generator) -> StageResult:
    """Stage 1: next-token prediction on fresh games between random legal players."""
    model = GPT(config.model_config())
    heldout = pretraining_data(config.pretrain_heldout_games, generator)
    optimizer, scheduler = _optimizer(model, config.pretrain_lr, config.pretrain_steps)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": [], "heldout": []}
    every = max(1, config.pretrain_steps // 5)
    with _progress(config.pretrain_steps, "1 pre-training", config) as bar:
        for step in range(config.pretrain_steps):
            model.train()
            tokens, labels = pretraining_data(config.pretrain_batch, generator)
            loss = next_token_loss(model(tokens)[0], labels)
            _step(model, optimizer, scheduler, loss)
            history["step"].append(step)
            history["loss"].append(loss.item())
            if (step + 1) % every == 0 or step + 1 == config.pretrain_steps:
                history["heldout_step"].append(step)
                history["heldout"].append(heldout_loss(model, *heldout))
                bar.set_postfix(heldout=f"{history['heldout'][-1]:.4f}")
            bar.update()
    bound = entropy_bound()
    metrics = {
        "heldout_loss": history["heldout"][-1],
        "entropy_bound": bound,
        "heldout_over_bound": history["heldout"][-1] / bound,
    }
    return StageResult(model, history, metrics)


# --------------------------------------------------------------------------- 2. SFT


def supervised_finetune(
    model: GPT,
    config: Config,
    generator: torch.Generator,
    heldout: SFTData | None = None,
) -> StageResult:
    """Stage 2: imitate the coach, with the loss on the coach's move only."""
    model = copy.deepcopy(model)
    train = sft_data(config.sft_positions, generator)
    heldout = heldout if heldout is not None else sft_data(config.sft_heldout_positions, generator)
    optimizer, scheduler = _optimizer(model, config.sft_lr, config.sft_steps)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": [], "agreement": []}
    every = max(1, config.sft_steps // 5)
    with _progress(config.sft_steps, "2 SFT", config) as bar:
        for step in range(config.sft_steps):
            model.train()
            batch = train.subset(
                torch.randint(len(train), (config.sft_batch,), generator=generator)
            )
            input_ids = batch.input_ids[:, :SFT_LEN]  # the rest is padding
            loss = sft_loss(
                model(input_ids)[0],
                input_ids,
                batch.prompt_lengths,
                attention_mask=batch.attention_mask[:, :SFT_LEN],
            )
            _step(model, optimizer, scheduler, loss)
            history["step"].append(step)
            history["loss"].append(loss.item())
            if (step + 1) % every == 0 or step + 1 == config.sft_steps:
                history["heldout_step"].append(step)
                history["agreement"].append(move_quality(model, heldout)["coach_agreement"])
                bar.set_postfix(agreement=f"{history['agreement'][-1]:.3f}")
            bar.update()
    metrics = {
        **move_quality(model, heldout),
        "coach_optimal_move_rate": coach_quality(heldout),
        "coach_entropy": heldout.coach_options.sum(1).float().log().mean().item(),
    }
    return StageResult(model, history, metrics)


# --------------------------------------------------------------------------- 3a. reward model


def reward_scores(reward_model: GPT, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """``[N]`` the scalar head read at the last token of each game (the result)."""
    values = reward_model(tokens)[1]
    return values[torch.arange(len(tokens)), lengths - 1]


@torch.no_grad()
def reward_model_accuracy(reward_model: GPT, pairs: PreferenceData) -> dict[str, float]:
    """Held-out accuracy against the noiseless ordering and against the judge's noisy labels.

    Both are measured on the pairs that are not ties under the hidden utility.
    """
    reward_model.eval()
    strict = pairs.strict
    r_chosen = reward_scores(reward_model, pairs.chosen, pairs.chosen_lengths)[strict]
    r_rejected = reward_scores(reward_model, pairs.rejected, pairs.rejected_lengths)[strict]
    right = pairs.judge_agrees[strict]  # noisy label == noiseless ordering
    better = torch.where(right, r_chosen, r_rejected)  # the truly better game's score
    worse = torch.where(right, r_rejected, r_chosen)
    return {
        "heldout_accuracy": preference_accuracy(better, worse),
        "noisy_label_accuracy": preference_accuracy(r_chosen, r_rejected),
        "judge_accuracy": right.float().mean().item(),
    }


def train_reward_model(
    policy: GPT,
    config: Config,
    generator: torch.Generator,
) -> StageResult:
    """Stage 3a: a scalar head on a copy of the SFT model, fit to the judge's choices."""
    policy.eval()
    train = preference_data(policy, config.rm_pairs, config, generator)
    heldout = preference_data(policy, config.rm_heldout_pairs, config, generator)
    model = policy.with_value_head()
    optimizer, scheduler = _optimizer(model, config.rm_lr, config.rm_steps)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": []}
    history.update({"heldout_accuracy": [], "noisy_label_accuracy": []})
    every = max(1, config.rm_steps // 6)
    with _progress(config.rm_steps, "3a reward model", config) as bar:
        for step in range(config.rm_steps):
            model.train()
            batch = train.subset(torch.randint(len(train), (config.rm_batch,), generator=generator))
            r_chosen = reward_scores(model, batch.chosen, batch.chosen_lengths)
            r_rejected = reward_scores(model, batch.rejected, batch.rejected_lengths)
            loss = preference_loss(r_chosen, r_rejected)
            _step(model, optimizer, scheduler, loss)
            history["step"].append(step)
            history["loss"].append(loss.item())
            if (step + 1) % every == 0 or step + 1 == config.rm_steps:
                accuracy = reward_model_accuracy(model, heldout)
                history["heldout_step"].append(step)
                history["heldout_accuracy"].append(accuracy["heldout_accuracy"])
                history["noisy_label_accuracy"].append(accuracy["noisy_label_accuracy"])
                bar.set_postfix(accuracy=f"{accuracy['heldout_accuracy']:.3f}")
            bar.update()
    metrics = {**reward_model_accuracy(model, heldout), "heldout_pairs": int(heldout.strict.sum())}
    return StageResult(_frozen(model), history, metrics)


# --------------------------------------------------------------------------- 3b. PPO


@dataclass
class Rollout:
    """One batch of games played by the policy, with everything PPO needs per X move.

    All per-move tensors are ``[N, 5]`` (X makes at most five moves); ``mask``
    marks the moves that were made.
    """

    games: GameBatch
    mask: torch.Tensor
    logp: torch.Tensor
    ref_logp: torch.Tensor
    values: torch.Tensor
    scores: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor


def policy_outputs(
    model: GPT, tokens: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """At each of X's moves: the log-probability ``[N, 5]`` of the move played, the
    logits ``[N, 5, V]`` that chose it, and the value ``[N, 5]`` of the position
    (``None`` without a value head)."""
    logits, values = model(tokens[:, : MAX_LEN - 2])  # positions 0..8 choose every X move
    logits = logits[:, X_ACTION_POSITIONS]
    actions = tokens[:, X_ACTION_TOKENS]
    logp = F.log_softmax(logits, -1).gather(-1, actions[..., None]).squeeze(-1)
    return logp, logits, None if values is None else values[:, X_ACTION_POSITIONS]


def _move_mask(games: GameBatch) -> torch.Tensor:
    return torch.arange(MAX_X_MOVES)[None, :] < games.x_moves[:, None]


@torch.no_grad()
def collect_rollout(
    policy: GPT,
    reference: GPT,
    reward_model: GPT,
    reward_stats: tuple[float, float],
    config: Config,
    generator: torch.Generator,
) -> Rollout:
    """Play ``ppo_games`` games against a random O, score them with the reward
    model, shape the rewards with the KL penalty and turn them into advantages (GAE)."""
    policy.eval()
    games = play(
        model_player(policy, greedy=False, generator=generator),
        _random_player(generator),
        config.ppo_games,
    )
    mask = _move_mask(games)
    logp, _, values = policy_outputs(policy, games.tokens)
    ref_logp, _, _ = policy_outputs(reference, games.tokens)
    values = values * mask
    mean, std = reward_stats
    scores = (reward_scores(reward_model, games.tokens, games.lengths) - mean) / std
    rewards = kl_shaped_rewards(scores, logp, ref_logp, mask, beta=config.beta)
    dones = mask & ~F.pad(mask[:, 1:], (0, 1))  # X's last move ends the episode
    advantages, returns = gae(  # time first: [5, N]
        rewards.T,
        values.T,
        dones.T.float(),
        torch.zeros(len(mask)),
        gamma=config.gamma,
        lam=config.lam,
    )
    return Rollout(games, mask, logp, ref_logp, values, scores, advantages.T, returns.T)


def ppo_update(
    policy: GPT,
    optimizer: torch.optim.Optimizer,
    rollout: Rollout,
    config: Config,
    generator: torch.Generator,
) -> dict[str, float]:
    r"""``ppo_epochs`` passes of minibatch PPO on one rollout: clipped policy loss,
    value loss and entropy bonus, $L = L^{\pi} + c_1 L^V - c_2 S$ (PPO eq. 9, negated)."""
    policy.train()
    advantages = normalize_advantages(rollout.advantages, mask=rollout.mask)
    n = len(rollout.mask)
    size = n // config.ppo_minibatches
    logs: dict[str, list[float]] = {"policy_loss": [], "value_loss": [], "entropy": []}
    for _ in range(config.ppo_epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n - size + 1, size):
            i = order[start : start + size]
            mask = rollout.mask[i]
            logp, logits, values = policy_outputs(policy, rollout.games.tokens[i])
            pg_loss = ppo_policy_loss(
                logp, rollout.logp[i], advantages[i], clip_eps=config.clip_eps, mask=mask
            )
            v_loss = ppo_value_loss(values, rollout.values[i], rollout.returns[i], mask=mask)
            ent = masked_mean(entropy(logits), mask)
            loss = pg_loss + config.vf_coef * v_loss - config.ent_coef * ent
            if config.ptx_coef > 0:  # PPO-ptx: keep predicting the pre-training data
                tokens, labels = pretraining_data(config.ptx_batch, generator)
                loss = loss + config.ptx_coef * next_token_loss(policy(tokens)[0], labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(policy.parameters(), config.max_grad_norm)
            optimizer.step()
            logs["policy_loss"].append(pg_loss.item())
            logs["value_loss"].append(v_loss.item())
            logs["entropy"].append(ent.item())
    with torch.no_grad():
        policy.eval()
        logp, _, _ = policy_outputs(policy, rollout.games.tokens)
    ratio = probability_ratio(logp, rollout.logp)
    return {
        **{k: sum(v) / len(v) for k, v in logs.items()},
        "approx_kl": approx_kl(logp, rollout.logp, mask=rollout.mask).item(),
        "clip_fraction": clip_fraction(ratio, clip_eps=config.clip_eps, mask=rollout.mask),
    }


@torch.no_grad()
def kl_to_reference(
    policy: GPT, reference: GPT, config: Config, generator: torch.Generator
) -> float:
    r"""$\mathrm{KL}[\pi \,\|\, \pi_{ref}]$ per X move (k3 estimator).

    Measured on new games of the policy against a random O.
    """
    policy.eval()
    games = play(
        model_player(policy, greedy=False, generator=generator),
        _random_player(generator),
        config.eval_games,
    )
    logp, _, _ = policy_outputs(policy, games.tokens)
    ref_logp, _, _ = policy_outputs(reference, games.tokens)
    return approx_kl(ref_logp, logp, estimator="k3", mask=_move_mask(games)).item()


@torch.no_grad()
def _reward_stats(
    reward_model: GPT, reference: GPT, generator: torch.Generator
) -> tuple[float, float]:
    """Mean and standard deviation of the reward model's scores on the SFT model's games."""
    games = play(
        model_player(reference, greedy=False, generator=generator), _random_player(generator), 2000
    )
    scores = reward_scores(reward_model, games.tokens, games.lengths)
    return scores.mean().item(), scores.std().item() + 1e-6


def rlhf(
    sft_model: GPT,
    reward_model: GPT,
    config: Config,
    generator: torch.Generator,
) -> StageResult:
    r"""Stage 3b: PPO against the reward model, every move paying $\beta\log(\pi/\pi_{ref})$.

    The policy starts as a copy of the SFT model with a value head on the
    same trunk (the critic); the reference is the frozen SFT model; the
    reward model's scores are standardised on the SFT model's games; the
    opponent is a random legal player.
    """
    reference = _frozen(sft_model)
    policy = sft_model.with_value_head()
    optimizer = torch.optim.Adam(policy.parameters(), lr=config.ppo_lr)
    anneal = torch.optim.lr_scheduler.LambdaLR(  # linear decay to 0, as in CleanRL
        optimizer, lambda i: 1 - i / config.ppo_iterations
    )
    reward_stats = _reward_stats(reward_model, reference, generator)
    keys = ["score", "utility", "win", "loss", "kl", "approx_kl", "clip_fraction"]
    keys += ["policy_loss", "value_loss", "entropy"]
    history: dict[str, list[float]] = {k: [] for k in keys}
    with _progress(config.ppo_iterations, "3b PPO", config) as bar:
        for _ in range(config.ppo_iterations):
            rollout = collect_rollout(
                policy, reference, reward_model, reward_stats, config, generator
            )
            logs = ppo_update(policy, optimizer, rollout, config, generator)
            anneal.step()
            results = rollout.games.results
            logs["score"] = rollout.scores.mean().item()
            logs["utility"] = hidden_utility(rollout.games).mean().item()
            logs["win"] = (results == 1).float().mean().item()
            logs["loss"] = (results == -1).float().mean().item()
            logs["kl"] = approx_kl(rollout.ref_logp, rollout.logp, mask=rollout.mask).item()
            for k in keys:
                history[k].append(logs[k])
            bar.set_postfix(win=f"{logs['win']:.3f}", kl=f"{logs['kl']:.3f}")
            bar.update()
    policy.eval()
    metrics = {
        "kl_to_reference": kl_to_reference(policy, reference, config, generator),
        "beta": config.beta,
    }
    return StageResult(policy, history, metrics)


# --------------------------------------------------------------------------- the pipeline


def seed_everything(config: Config) -> tuple[torch.Generator, torch.Generator]:
    """Seed torch, set the thread count, and return the two generators of a run:
    one for the stages (data, sampling, shuffling), one for the evaluations."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    return (
        torch.Generator().manual_seed(config.seed),
        torch.Generator().manual_seed(config.seed + 1),
    )


def run_pipeline(config: Config | None = None) -> PipelineResults:
    """Pre-training, SFT, reward model, PPO; each policy evaluated after its stage."""
    config = config or Config()
    start = time.perf_counter()
    generator, eval_generator = seed_everything(config)
    stages: dict[str, StageResult] = {}
    evaluation: dict[str, Any] = {}

    seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
        return out

    stages["pretrained"] = timed("pretraining", lambda: pretrain(config, generator))
    evaluation["pretrained"] = timed(
        "evaluation", lambda: evaluate(stages["pretrained"].model, config, eval_generator)
    )
    heldout_positions = sft_data(config.sft_heldout_positions, generator)
    pretrained_quality = move_quality(stages["pretrained"].model, heldout_positions)
    stages["sft"] = timed(
        "sft",
        lambda: supervised_finetune(
            stages["pretrained"].model, config, generator, heldout_positions
        ),
    )
    evaluation["sft"] = timed(
        "evaluation", lambda: evaluate(stages["sft"].model, config, eval_generator)
    )
    stages["reward_model"] = timed(
        "reward_model", lambda: train_reward_model(stages["sft"].model, config, generator)
    )
    stages["rlhf"] = timed(
        "rlhf",
        lambda: rlhf(stages["sft"].model, stages["reward_model"].model, config, generator),
    )
    evaluation["rlhf"] = timed(
        "evaluation", lambda: evaluate(stages["rlhf"].model, config, eval_generator)
    )
    rlhf_quality = move_quality(stages["rlhf"].model, heldout_positions)

    metrics = {
        "seed": config.seed,
        "parameters": stages["pretrained"].model.num_parameters(),
        "pretraining": {
            **stages["pretrained"].metrics,
            "illegal_move_rate": evaluation["pretrained"]["illegal_move_rate"],
            **{f"heldout_positions_{k}": v for k, v in pretrained_quality.items()},
        },
        "sft": stages["sft"].metrics,
        "reward_model": stages["reward_model"].metrics,
        "rlhf": {
            **stages["rlhf"].metrics,
            **{f"heldout_positions_{k}": v for k, v in rlhf_quality.items()},
        },
        "evaluation": evaluation,
        "config": asdict(config),
    }
    metrics["seconds"] = seconds
    metrics["seconds_total"] = time.perf_counter() - start
    return PipelineResults(config, stages, metrics)


# --------------------------------------------------------------------------- targets and report


def check_targets(
    metrics: dict[str, Any], *, full: bool = True
) -> list[tuple[str, float, str, bool]]:
    """The targets of the full run as ``(name, value, target, passed)`` rows."""
    ev = metrics["evaluation"]
    pre, sft, rm = metrics["pretraining"], metrics["sft"], metrics["reward_model"]
    sft_greedy_loss = ev["sft"]["vs_random_greedy"]["loss"]
    rows = [
        (
            "pre-training held-out loss / bound",
            pre["heldout_over_bound"],
            "<= 1.02",
            pre["heldout_over_bound"] <= 1.02,
        ),
        (
            "pre-training illegal-move rate",
            pre["illegal_move_rate"],
            "<= 0.005",
            pre["illegal_move_rate"] <= 0.005,
        ),
        ("SFT coach agreement", sft["coach_agreement"], ">= 0.95", sft["coach_agreement"] >= 0.95),
        (
            "reward-model accuracy (noiseless)",
            rm["heldout_accuracy"],
            ">= 0.90",
            rm["heldout_accuracy"] >= 0.90,
        ),
        (
            "RLHF greedy loss rate vs random",
            ev["rlhf"]["vs_random_greedy"]["loss"],
            f"<= 0.005 and < SFT {sft_greedy_loss:.4f}",
            ev["rlhf"]["vs_random_greedy"]["loss"] <= 0.005
            and ev["rlhf"]["vs_random_greedy"]["loss"] < sft_greedy_loss,
        ),
        (
            "RLHF sampled win rate - SFT's",
            ev["rlhf"]["vs_random"]["win"] - ev["sft"]["vs_random"]["win"],
            ">= 0.03",
            ev["rlhf"]["vs_random"]["win"] - ev["sft"]["vs_random"]["win"] >= 0.03,
        ),
    ]
    if full:
        seconds = metrics["seconds_total"]
        rows.append(("whole pipeline, seconds", seconds, "<= 75", seconds <= 75))
    return rows


def summary_table(metrics: dict[str, Any]) -> str:
    """Win / draw / loss of each stage's policy against each opponent, as aligned text."""
    lines = [f"{'stage':<11}{'opponent':<22}{'win':>8}{'draw':>8}{'loss':>8}{'illegal':>9}"]
    for stage in STAGES:
        for match, label in [
            ("vs_random", "random (sampled)"),
            ("vs_random_greedy", "random (greedy)"),
            ("vs_perfect", "perfect (greedy)"),
            ("vs_perfect_sampled", "perfect (sampled)"),
        ]:
            r = metrics["evaluation"][stage][match]
            lines.append(
                f"{stage:<11}{label:<22}{r['win']:>8.3f}{r['draw']:>8.3f}{r['loss']:>8.3f}"
                f"{r['illegal_move_rate']:>9.4f}"
            )
    return "\n".join(lines)


def _targets_text(rows: list[tuple[str, float, str, bool]]) -> str:
    return "\n".join(
        f"[{'pass' if ok else 'FAIL'}] {name:<38}{value:>10.4f}   target {target}"
        for name, value, target, ok in rows
    )


# --------------------------------------------------------------------------- plots

# Sized for a column about 500 px wide (a notebook's output column on a laptop):
# panels are laid out two to a row, and no text is smaller than 9 px there.
PLOT_WIDTH = 6.4  # inches
LEGEND_SIZE = 9  # points


def scheme_style(scheme: Scheme) -> dict[str, Any]:
    """Matplotlib settings that draw a chart for one of the site's colour schemes.

    Text, axes and ticks in the scheme's ink; lines in colours that read on
    both pages; the background, legends included, in the page's colour, so
    that each image also reads wherever it is shown on its own.
    """
    ink = INK[scheme]
    return {
        "figure.facecolor": PAGE[scheme],
        "axes.facecolor": PAGE[scheme],
        "text.color": ink,
        "axes.labelcolor": ink,
        "axes.titlecolor": ink,
        "axes.edgecolor": ink,
        "xtick.color": ink,
        "ytick.color": ink,
        "legend.facecolor": PAGE[scheme],
        "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    }


def ink() -> str:
    """The ink of the scheme a chart is being drawn in (for reference lines)."""
    return matplotlib.rcParams["text.color"]


def paper() -> str:
    """The background of the scheme a chart is being drawn in (for separators)."""
    return matplotlib.rcParams["axes.facecolor"]


class Chart(Figure):
    """A matplotlib figure with a text alternative, for either colour scheme.

    In a notebook it is shown as a PNG image, ``DPI`` pixels per inch, whose
    ``alt`` text is ``alt`` (matplotlib's own display of a figure has none).
    A chart from one of the plot functions below can draw itself again in the
    other scheme (``redraw``): it is then shown as a ``<picture>`` whose dark
    image a browser picks when the reader's system is dark. The site shows the
    image of the palette the reader chose (``tools/hooks/notebook_images.py``).
    The other scheme's drawing comes from calling the plot function again with
    the same arguments: a change made to the chart after it was drawn is not in
    it (make the change in the plot function instead).
    """

    DPI = 100

    def __init__(self, alt: str, **kwargs: Any) -> None:
        kwargs.setdefault("layout", "constrained")
        super().__init__(**kwargs)
        self.alt = alt
        self.scheme: Scheme = "light"
        self.redraw: Callable[..., Chart] | None = None

    def png(self) -> bytes:
        """The chart as a PNG image, on its own background colour."""
        image = io.BytesIO()
        self.savefig(image, format="png", dpi=self.DPI, facecolor="auto")
        return image.getvalue()

    def in_scheme(self, scheme: Scheme) -> Chart:
        """This chart as drawn in ``scheme``: itself, or a new drawing."""
        if scheme == self.scheme:
            return self
        if self.redraw is None:
            raise ValueError(f"this chart is drawn in the {self.scheme} scheme only")
        return self.redraw(scheme=scheme)

    def _repr_html_(self) -> str:
        alt = html.escape(self.alt)
        if self.redraw is None:
            return f'<img src="{_png_url(self.png())}" alt="{alt}">'
        light, dark = (_png_url(self.in_scheme(scheme).png()) for scheme in SCHEMES)
        return (
            f'<picture><source srcset="{dark}" media="(prefers-color-scheme: dark)">'
            f'<img src="{light}" alt="{alt}"></picture>'
        )


def _png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def in_either_scheme(plot: Callable[..., Chart]) -> Callable[..., Chart]:
    """Give a plot function a ``scheme`` keyword (default ``"light"``), and the
    chart it returns a way to draw itself again in the other scheme."""

    @wraps(plot)
    def draw(*args: Any, scheme: Scheme = "light", **kwargs: Any) -> Chart:
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
        with matplotlib.rc_context(scheme_style(scheme)):
            chart = plot(*args, **kwargs)
        chart.scheme = scheme
        chart.redraw = partial(draw, *args, **kwargs)
        return chart

    # help() and inspect show the new keyword (wraps() copies the old signature).
    signature = inspect.signature(plot)
    parameters = list(signature.parameters.values())
    position = next(
        (i for i, p in enumerate(parameters) if p.kind is inspect.Parameter.VAR_KEYWORD),
        len(parameters),
    )
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters.insert(position, inspect.Parameter("scheme", keyword, default="light"))
    draw.__signature__ = signature.replace(parameters=parameters)
    return draw


def _last_tenth_mean(values: list[float]) -> float:
    """The mean of the last tenth of a noisy per-step curve (at least one value)."""
    tail = values[-max(1, len(values) // 10) :]
    return sum(tail) / len(tail)


@in_either_scheme
def plot_loss_curves(results: PipelineResults) -> Chart:
    """Training loss of each stage (held-out loss and the entropy bound for pre-training)."""
    pre = results.stages["pretrained"]
    sft = results.stages["sft"]
    rm = results.stages["reward_model"]
    ppo = results.stages["rlhf"].history
    bound = pre.metrics["entropy_bound"]
    coach = sft.metrics["coach_entropy"]
    fig = Chart(
        alt=(
            "Training loss of each stage, in four panels. Pre-training: the held-out loss "
            f"ends at {pre.history['heldout'][-1]:.3f} nats per token, against an entropy "
            f"bound of {bound:.3f}. SFT: the loss on the coach's moves averages "
            f"{_last_tenth_mean(sft.history['loss']):.3f} over the last tenth of the steps, "
            f"against the coach's entropy of {coach:.3f}. Reward model: the loss averages "
            f"{_last_tenth_mean(rm.history['loss']):.3f} over the last tenth. PPO: the policy "
            f"(clipped) and value losses over {len(ppo['policy_loss'])} iterations."
        ),
        figsize=(PLOT_WIDTH, 5.2),
    )
    axes = fig.subplots(2, 2).ravel()
    axes[0].plot(pre.history["step"], pre.history["loss"], lw=0.8, label="train")
    axes[0].plot(pre.history["heldout_step"], pre.history["heldout"], "o-", label="held-out")
    axes[0].axhline(bound, color=ink(), ls="--", label="entropy bound")
    axes[0].set(title="1 pre-training", xlabel="step", ylabel="nats per token", ylim=(1.3, 2.0))
    for ax, stage, title in [
        (axes[1], sft, "2 SFT (coach's moves)"),
        (axes[2], rm, "3a reward model"),
    ]:
        ax.plot(stage.history["step"], stage.history["loss"], lw=0.8, label="train")
        ax.set(title=title, xlabel="step", ylabel="loss")
    axes[1].axhline(coach, color=ink(), ls="--", label="coach's entropy")
    axes[3].plot(ppo["policy_loss"], label="policy (clipped)")
    axes[3].plot(ppo["value_loss"], label="value")
    axes[3].set(title="3b PPO", xlabel="iteration", ylabel="loss")
    for ax in (axes[0], axes[1], axes[3]):
        ax.legend(fontsize=LEGEND_SIZE)
    return fig


@in_either_scheme
def plot_reward_model_accuracy(results: PipelineResults) -> Chart:
    """Held-out accuracy of the reward model during training."""
    history = results.stages["reward_model"].history
    judge = results.stages["reward_model"].metrics["judge_accuracy"]
    fig = Chart(
        alt=(
            "Held-out accuracy of the reward model during training. It ends at "
            f"{history['heldout_accuracy'][-1]:.3f} against the noiseless ordering and "
            f"{history['noisy_label_accuracy'][-1]:.3f} against the judge's noisy labels; "
            f"the judge agrees with its own ordering {judge:.3f} of the time."
        ),
        figsize=(PLOT_WIDTH * 0.8, 3.4),
    )
    ax = fig.subplots()
    ax.plot(
        history["heldout_step"], history["heldout_accuracy"], "o-", label="vs noiseless ordering"
    )
    ax.plot(
        history["heldout_step"],
        history["noisy_label_accuracy"],
        "s-",
        label="vs judge's noisy labels",
    )
    ax.axhline(judge, color=ink(), ls="--", label="the judge vs its own ordering")
    ax.set(title="reward model, held-out pairs", xlabel="step", ylabel="accuracy", ylim=(0.4, 1.01))
    ax.legend(fontsize=LEGEND_SIZE)
    return fig


@in_either_scheme
def plot_ppo(*histories: tuple[str, dict[str, list[float]]]) -> Chart:
    """Reward-model score, win rate and KL to the reference per PPO iteration."""
    ends = "; ".join(
        f"{label}: score {h['score'][-1]:.3f}, win rate {h['win'][-1]:.3f}, KL {h['kl'][-1]:.3f}"
        for label, h in histories
    )
    fig = Chart(
        alt=(
            "Three panels over the PPO iterations: the reward model's normalised score, the "
            f"win rate of the rollouts and the KL to the SFT model. In the last iteration, {ends}."
        ),
        figsize=(PLOT_WIDTH, 6.6),
    )
    axes = fig.subplots(3, 1, sharex=True)
    for label, history in histories:
        for ax, key in zip(axes, ("score", "win", "kl"), strict=True):
            ax.plot(history[key], label=label)
    axes[0].set(title="reward-model score (normalised)")
    axes[1].set(title="win rate of the rollouts")
    axes[2].set(title="KL to the SFT model, nats per move", xlabel="iteration")
    axes[0].legend(fontsize=LEGEND_SIZE)
    return fig


PLAYING = {"sampled": "sampling its moves", "greedy": "playing its top move"}


@in_either_scheme
def plot_outcomes(evaluation: dict[str, Any], stages: tuple[str, ...] = STAGES) -> Chart:
    """Stacked win / draw / loss bars for each stage against each opponent."""
    matches = [
        ("vs_random", "random", "sampled"),
        ("vs_random_greedy", "random", "greedy"),
        ("vs_perfect", "perfect", "greedy"),
        ("vs_perfect_sampled", "perfect", "sampled"),
    ]
    wins = "; ".join(
        f"against the {opponent} player, X {PLAYING[how]}: "
        + ", ".join(f"{s} {evaluation[s][match]['win']:.2f}" for s in stages)
        for match, opponent, how in matches
    )
    fig = Chart(
        alt=(
            "Share of games won, drawn and lost by X, for each stage's policy "
            f"({', '.join(stages)}), in four panels, one per opponent. Wins: {wins}."
        ),
        figsize=(PLOT_WIDTH, 5.2),
    )
    axes = fig.subplots(2, 2, sharey=True).ravel()
    colors = {"win": "tab:green", "draw": "tab:gray", "loss": "tab:red"}
    for ax, (match, opponent, how) in zip(axes, matches, strict=True):
        bottom = [0.0] * len(stages)
        for outcome, color in colors.items():
            heights = [evaluation[s][match][outcome] for s in stages]
            # A line of the page between the segments tells them apart.
            ax.bar(stages, heights, bottom=bottom, color=color, label=outcome, edgecolor=paper())
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set(title=f"X against {opponent}, {how}", ylim=(0, 1))
    for ax in (axes[0], axes[2]):
        ax.set_ylabel("share of games")
    # The bars fill each panel: the legend goes below them.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=LEGEND_SIZE, loc="outside lower center", ncols=3)
    return fig


def save_plots(results: PipelineResults, out: Path) -> list[Path]:
    """Write the four figures as PNG files into ``out``."""
    figures = {
        "loss_curves.png": plot_loss_curves(results),
        "reward_model_accuracy.png": plot_reward_model_accuracy(results),
        "ppo_reward_kl.png": plot_ppo(("RLHF", results.stages["rlhf"].history)),
        "outcomes.png": plot_outcomes(results.metrics["evaluation"]),
    }
    paths = []
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        paths.append(out / name)
    return paths


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> PipelineResults:
    """``python -m lesson_code.pipeline [--seed N] [--out DIR] [--quick]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lesson_code.pipeline",
        description="Pre-train, fine-tune and RLHF a tiny transformer at tic-tac-toe.",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("pipeline-out"))
    parser.add_argument("--quick", action="store_true", help="a smaller run of a few seconds")
    args = parser.parse_args(argv)
    config = Config.quick(seed=args.seed) if args.quick else Config(seed=args.seed)
    results = run_pipeline(config)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(results.metrics, indent=2))
    save_plots(results, args.out)
    m = results.metrics
    print()
    print(summary_table(m))
    print()
    print(
        f"pre-training held-out loss {m['pretraining']['heldout_loss']:.4f} nats/token, "
        f"entropy bound {m['pretraining']['entropy_bound']:.4f}"
    )
    print(
        f"SFT coach agreement {m['sft']['coach_agreement']:.3f}, optimal-move rate "
        f"{m['sft']['optimal_move_rate']:.3f} "
        f"(the coach's own: {m['sft']['coach_optimal_move_rate']:.3f})"
    )
    print(
        f"reward model accuracy {m['reward_model']['heldout_accuracy']:.3f} (noiseless), "
        f"{m['reward_model']['noisy_label_accuracy']:.3f} (noisy labels)"
    )
    print(f"RLHF KL to the SFT model {m['rlhf']['kl_to_reference']:.4f} nats per move")
    print()
    print(_targets_text(check_targets(m, full=not args.quick)))
    print(f"\n{m['seconds_total']:.1f} s; metrics and plots in {args.out}/")
    return results


if __name__ == "__main__":
    main()
