r"""Stage 3b, RLHF with PPO: play, be scored by the reward model, stay near the SFT model.

The policy (the SFT model with a value head on the same trunk, the critic)
plays X against a random O. Each finished game gets the reward model's score;
each move also pays $\beta\log(\pi/\pi_{ref})$ for drifting from the frozen SFT
model (:func:`lesson_code.rlhf.kl_shaped_rewards`). GAE turns the rewards into
advantages, and PPO's clipped objective updates the policy
(:mod:`lesson_code.ppo`), with a little of the pre-training loss mixed in
(InstructGPT's PPO-ptx).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

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
from lesson_code.rlhf import kl_shaped_rewards
from lesson_code.tictactoe import training
from lesson_code.tictactoe.config import (
    MAX_X_MOVES,
    X_ACTION_POSITIONS,
    X_ACTION_TOKENS,
    Config,
)
from lesson_code.tictactoe.data import hidden_utility, pretraining_data
from lesson_code.tictactoe.game import MAX_LEN, GameBatch, play
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.players import model_player, random_player
from lesson_code.tictactoe.results import StageResult
from lesson_code.tictactoe.reward_model import reward_scores

__all__ = [
    "Rollout",
    "collect_rollout",
    "kl_to_reference",
    "move_mask",
    "policy_outputs",
    "ppo_finetune",
    "ppo_update",
    "score_scale",
]


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


def move_mask(games: GameBatch) -> torch.Tensor:
    """``[N, 5]`` bool: the X moves each game had."""
    return torch.arange(MAX_X_MOVES)[None, :] < games.x_moves[:, None]


def _policy_games(policy: GPT, n: int, generator: torch.Generator) -> GameBatch:
    """``n`` games of the policy (sampling its moves) as X against a random O."""
    policy.eval()
    x = model_player(policy, greedy=False, generator=generator)
    return play(x, random_player(generator), n)


SCORE_STD_FLOOR = 1e-6  # keeps the standardised scores finite if every game scores the same


@torch.no_grad()
def score_scale(
    reward_model: GPT, reference: GPT, config: Config, generator: torch.Generator
) -> tuple[float, float]:
    """Mean and standard deviation of the reward model's scores on ``reward_norm_games``
    of the SFT model's games: PPO sees the scores standardised by them."""
    games = _policy_games(reference, config.reward_norm_games, generator)
    scores = reward_scores(reward_model, games.tokens, games.lengths)
    return scores.mean().item(), scores.std().item() + SCORE_STD_FLOOR


@torch.no_grad()
def collect_rollout(
    policy: GPT,
    reference: GPT,
    reward_model: GPT,
    scale: tuple[float, float],
    config: Config,
    generator: torch.Generator,
) -> Rollout:
    """Play ``ppo_games`` games against a random O, score them with the reward
    model, shape the rewards with the KL penalty and turn them into advantages (GAE)."""
    games = _policy_games(policy, config.ppo_games, generator)
    mask = move_mask(games)
    logp, _, values = policy_outputs(policy, games.tokens)
    ref_logp, _, _ = policy_outputs(reference, games.tokens)
    values = values * mask
    mean, std = scale
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
    adam: torch.optim.Optimizer,
    rollout: Rollout,
    config: Config,
    generator: torch.Generator,
) -> dict[str, float]:
    r"""``ppo_epochs`` passes of minibatch PPO on one rollout: clipped policy loss,
    value loss and entropy bonus, $L = L^{\pi} + c_1 L^V - c_2 S$ (PPO eq. 9, negated),
    plus ``ptx_coef`` times the pre-training loss on fresh random games (PPO-ptx)."""
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
            training.step(policy, adam, loss, config)
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
    r"""$\mathrm{KL}[\pi \,\|\, \pi_{ref}]$ per X move (k3 estimator), measured on
    ``eval_games`` new games of the policy against a random O."""
    games = _policy_games(policy, config.eval_games, generator)
    logp, _, _ = policy_outputs(policy, games.tokens)
    ref_logp, _, _ = policy_outputs(reference, games.tokens)
    return approx_kl(ref_logp, logp, estimator="k3", mask=move_mask(games)).item()


HISTORY_KEYS = (
    "score",
    "utility",
    "win",
    "loss",
    "kl",
    "approx_kl",
    "clip_fraction",
    "policy_loss",
    "value_loss",
    "entropy",
)


def ppo_finetune(
    sft_model: GPT, reward_model: GPT, config: Config, generator: torch.Generator
) -> StageResult:
    r"""PPO against the reward model for ``ppo_iterations`` rollouts, every move paying
    $\beta\log(\pi/\pi_{ref})$.

    The policy starts as a copy of the SFT model with a value head on the
    same trunk (the critic); the reference is the frozen SFT model; the
    reward model's scores are standardised on the SFT model's games; the
    opponent is a random legal player. The learning rate decays linearly to
    0, as in CleanRL.
    """
    reference = training.frozen(sft_model)
    policy = sft_model.with_value_head()
    adam = torch.optim.Adam(policy.parameters(), lr=config.ppo_lr)
    anneal = torch.optim.lr_scheduler.LambdaLR(adam, lambda i: 1 - i / config.ppo_iterations)
    scale = score_scale(reward_model, reference, config, generator)
    history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
    with training.progress(config.ppo_iterations, "3b PPO", config) as bar:
        for _ in range(config.ppo_iterations):
            rollout = collect_rollout(policy, reference, reward_model, scale, config, generator)
            logs = ppo_update(policy, adam, rollout, config, generator)
            anneal.step()
            results = rollout.games.results
            logs["score"] = rollout.scores.mean().item()
            logs["utility"] = hidden_utility(rollout.games).mean().item()
            logs["win"] = (results == 1).float().mean().item()
            logs["loss"] = (results == -1).float().mean().item()
            logs["kl"] = approx_kl(rollout.ref_logp, rollout.logp, mask=rollout.mask).item()
            for k in HISTORY_KEYS:
                history[k].append(logs[k])
            bar.set_postfix(win=f"{logs['win']:.3f}", kl=f"{logs['kl']:.3f}")
            bar.update()
    policy.eval()
    metrics = {
        "kl_to_reference": kl_to_reference(policy, reference, config, generator),
        "beta": config.beta,
    }
    return StageResult(policy, history, metrics)
