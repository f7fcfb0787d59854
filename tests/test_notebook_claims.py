"""The notebook's prose holds for the run it describes (seed 0).

Every comparison a Markdown cell of ``docs/three-ways-to-learn-a-game.ipynb``
makes is asserted here against the notebook's own run (the ``seed0_run``
fixture: the same ``Run`` the notebook calls, stage by stage), with the margin
the sentence states or, where it states none, one that the run clears by a
wide distance on any CPU (the rates move in the second or third digit across
CPUs). Numbers the notebook shows are printed by its cells from the run, never
typed; the tests check only that each sentence still names the quantity it is
tested on.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from lesson_code.pretraining import perplexity
from lesson_code.tictactoe.evaluate import evaluate
from lesson_code.tictactoe.game import TOKEN_NAMES, entropy_bound, play
from lesson_code.tictactoe.players import coach_player, random_player
from lesson_code.tictactoe.plots import last_tenth_mean
from lesson_code.tictactoe.ppo import ppo_finetune
from lesson_code.tictactoe.results import RunResults, StageResult

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "three-ways-to-learn-a-game.ipynb"
CHAPTER = ROOT / "docs" / "deep-learning-paradigms.md"  # its Quiz 4 cites the notebook
GAMES = 20_000  # reference matches (random against random, the coach against random)


def markdown(cell_id: str) -> str:
    """The text of the notebook's Markdown cell ``cell_id``, its lines joined by spaces."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c.get("id") == cell_id]
    assert cell["cell_type"] == "markdown"
    return " ".join("".join(cell["source"]).split())


def rate(games, result: int) -> float:
    return (games.results == result).float().mean().item()


@pytest.fixture(scope="module")
def run(seed0_run: RunResults) -> RunResults:
    return seed0_run


@pytest.fixture(scope="module")
def evaluation(run: RunResults) -> dict:
    return run.metrics["evaluation"]


@pytest.fixture(scope="module")
def coach_vs_random() -> tuple[float, float]:
    """The coach's win and loss rates as X against a random O."""
    generator = torch.Generator().manual_seed(1234)
    games = play(coach_player(generator), random_player(generator), GAMES)
    return rate(games, 1), rate(games, -1)


@pytest.fixture(scope="module")
def ablation(run: RunResults) -> tuple[StageResult, dict]:
    """The notebook's rerun of PPO with beta = 0: its result and its evaluation."""
    config = run.config
    free = ppo_finetune(
        run.stages["sft"].model,
        run.stages["reward_model"].model,
        replace(config, beta=0.0),
        torch.Generator().manual_seed(config.seed + 2),
    )
    free_eval = evaluate(free.model, config, torch.Generator().manual_seed(config.seed + 3))
    return free, free_eval


# --- The introduction and stage 1 ------------------------------------------------------


def test_the_model_has_about_100_000_parameters(run: RunResults) -> None:
    assert "about 100,000 parameters" in markdown("cell-00")
    assert run.metrics["parameters"] == pytest.approx(100_000, rel=0.1)


def test_a_perfect_reader_of_random_games_is_as_unsure_as_a_four_sided_die() -> None:
    assert "A perplexity of about 4" in markdown("cell-06")
    assert round(perplexity(entropy_bound())) == 4


def test_pretraining_ends_near_the_bound_and_almost_never_plays_an_illegal_move(
    run: RunResults,
) -> None:
    text = markdown("cell-08")
    assert "within 2% of the bound" in text
    assert "fewer than one of its moves in 200" in text
    pre = run.metrics["pretraining"]
    assert pre["heldout_loss"] <= 1.02 * pre["entropy_bound"]
    assert pre["illegal_move_rate"] < 1 / 200


def test_the_pretrained_model_spreads_its_next_move_evenly_over_the_empty_cells(
    run: RunResults,
) -> None:
    assert "almost evenly over the seven empty cells" in markdown("cell-08")
    prompt = torch.tensor([[TOKEN_NAMES.index("<start>"), 4, 0]])
    model = run.stages["pretrained"].model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(prompt)[0][0, -1], -1)
    empty = [cell for cell in range(9) if cell not in (4, 0)]
    assert all(abs(probs[c].item() - 1 / 7) < 0.04 for c in empty), probs[empty]
    assert probs.sum().item() - probs[empty].sum().item() < 0.02  # taken cells, results
    # Exercise 1: the entropy over the empty cells is just under log 7.
    p = probs[empty] / probs[empty].sum()
    entropy = -(p * p.log()).sum().item()
    assert math.log(7) - 0.03 < entropy <= math.log(7)


def test_the_pretrained_model_wins_about_as_often_as_a_random_player_and_never_beats_perfect(
    run: RunResults, evaluation: dict
) -> None:
    assert "within 3 points of the share of games X wins" in markdown("cell-10")
    generator = torch.Generator().manual_seed(99)
    random_x_wins = rate(play(random_player(generator), random_player(generator), GAMES), 1)
    assert abs(evaluation["pretrained"]["vs_random"]["win"] - random_x_wins) < 0.03
    for stage in ("pretrained", "sft", "rlhf"):
        assert evaluation[stage]["vs_perfect"]["win"] == 0
        assert evaluation[stage]["vs_perfect_sampled"]["win"] == 0


# --- Stage 2 --------------------------------------------------------------------------


def test_sft_uses_the_configured_number_of_positions(run: RunResults) -> None:
    assert f"on {run.config.sft_positions:,} such positions" in markdown("cell-12")


def test_sft_plays_like_the_coach_flaws_included(run: RunResults) -> None:
    text = markdown("cell-14")
    assert "at least 95% of the held-out positions" in text
    assert "within 5 points of the coach's" in text
    sft = run.metrics["sft"]
    assert sft["coach_agreement"] >= 0.95
    assert abs(sft["optimal_move_rate"] - sft["coach_optimal_move_rate"]) <= 0.05
    assert sft["coach_optimal_move_rate"] < 0.9  # "well below 100%"


# --- Stage 3 --------------------------------------------------------------------------


def test_the_reward_model_recovers_the_judges_taste_better_than_its_labels(
    run: RunResults,
) -> None:
    assert "more often than the judge's own noisy labels do" in markdown("cell-16")
    rm = run.metrics["reward_model"]
    assert rm["heldout_accuracy"] > rm["judge_accuracy"] + 0.05
    history = run.stages["reward_model"].history
    # The chart's note: far above the dashed line against the ordering, near it against
    # the noisy labels.
    assert "ends far above the dashed line" in markdown("reward-model-notes")
    assert history["heldout_accuracy"][-1] > rm["judge_accuracy"] + 0.05
    assert abs(history["noisy_label_accuracy"][-1] - rm["judge_accuracy"]) < 0.05


def test_the_reward_model_scores_a_quick_win_above_a_loss(run: RunResults) -> None:
    """Exercise 2."""
    from lesson_code.tictactoe.reward_model import reward_scores

    start, x_wins, o_wins = (TOKEN_NAMES.index(t) for t in ("<start>", "<x-wins>", "<o-wins>"))
    games = [[start, 0, 3, 1, 4, 2, x_wins], [start, 0, 4, 1, 2, 5, 6, o_wins]]
    tokens = torch.full((2, 10), TOKEN_NAMES.index("<pad>"))
    for row, game in enumerate(games):
        tokens[row, : len(game)] = torch.tensor(game)
    with torch.no_grad():
        win, lost = reward_scores(run.stages["reward_model"].model, tokens, torch.tensor([7, 8]))
    assert win > lost


def test_ppo_moves_ratios_past_the_clip_in_the_run(run: RunResults) -> None:
    assert "It does not keep the ratio inside" in markdown("ppo-intro")
    history = run.stages["rlhf"].history
    assert max(history["clip_fraction"]) > 0
    # Exercise 3: the clip fraction and the approximate KL rise and fall together.
    pair = torch.tensor([history["clip_fraction"], history["approx_kl"]])
    assert torch.corrcoef(pair)[0, 1].item() > 0


def test_ppo_raises_score_and_wins_while_the_kl_grows_from_zero(run: RunResults) -> None:
    text = markdown("ppo-chart-notes")
    assert "the score and the win rate rise while the KL, zero at the first rollout" in text
    history = run.stages["rlhf"].history
    assert last_tenth_mean(history["score"]) > history["score"][0]
    assert last_tenth_mean(history["win"]) > history["win"][0]
    assert history["kl"][0] == pytest.approx(0, abs=1e-4)
    assert last_tenth_mean(history["kl"]) > 10 * max(history["kl"][0], 1e-4)


# --- The charts of the three stages ---------------------------------------------------


def test_the_rlhf_top_move_loses_least_to_the_random_player(evaluation: dict) -> None:
    """How few games it loses varies with the CPU's kernels (seed 0: 0.26% with AVX-512,
    1.1% without vector kernels); that it loses the fewest does not."""
    assert "the RLHF model's top move loses fewer games than any other policy" in markdown(
        "cell-18"
    )
    rl = evaluation["rlhf"]["vs_random_greedy"]["loss"]
    others = [
        evaluation[stage][match]["loss"]
        for stage in ("pretrained", "sft", "rlhf")
        for match in ("vs_random", "vs_random_greedy")
        if (stage, match) != ("rlhf", "vs_random_greedy")
    ]
    assert rl < min(others) / 2


def test_the_loss_curves_end_just_above_their_floors(run: RunResults) -> None:
    text = markdown("loss-curves-notes")
    assert "ends just above the entropy bound" in text
    assert "SFT's loss stays above the coach's entropy" in text
    pre, sft = run.stages["pretrained"], run.stages["sft"]
    bound = pre.metrics["entropy_bound"]
    assert bound <= pre.history["heldout"][-1] <= 1.02 * bound
    coach = sft.metrics["coach_entropy"]
    assert last_tenth_mean(sft.history["loss"]) >= coach


# --- Lesson 1 and lesson 2 ------------------------------------------------------------


def test_rlhf_does_better_than_the_coach(
    run: RunResults, evaluation: dict, coach_vs_random: tuple[float, float]
) -> None:
    """Lesson 1's title and Quiz 4: the RLHF model's top move is optimal more often than
    the coach's moves, and wins more often against the random player. (Whether it also
    loses less often than the coach, about 1 game in 70, depends on the CPU's kernels:
    seed 0 loses 1 in 380 with AVX-512 and 1 in 90 without vector kernels; the page does
    not claim it.)"""
    assert "RLHF does better than the coach it learned from" in markdown("cell-22")
    assert "it wins more often against the random player than the coach does" in markdown("cell-22")
    coach_win, _ = coach_vs_random
    top = evaluation["rlhf"]["vs_random_greedy"]
    # 0.97-0.98 against 0.90: many standard errors of 5,000 and 20,000 games apart.
    assert top["win"] > coach_win + 0.03
    optimal = run.metrics["rlhf"]["heldout_positions_optimal_move_rate"]
    assert optimal > run.metrics["sft"]["coach_optimal_move_rate"] + 0.02
    assert "the sampled policy loses more often than its top move" in markdown("cell-22")
    assert evaluation["rlhf"]["vs_random"]["loss"] > top["loss"]
    quiz = CHAPTER.read_text(encoding="utf-8")
    assert "plays the best move in more positions than the coach it imitated, and" in quiz


def test_the_gain_against_random_does_not_carry_over_to_the_perfect_player(
    evaluation: dict,
) -> None:
    """The gain against the random player holds on every CPU's kernels; against the
    perfect player the change is this run's, printed by the notebook. The three runs the
    page cites were measured by hand (docs/claims.md): seed 0's RLHF model, sampled,
    lost 47.2%, 58.8% and 77.9% of its games against the perfect player with AVX2,
    AVX-512 and no vector kernels (SFT: 58.1%, 58.4%, 57.8%), and won 13.8, 11.5 and
    11.3 points more often than SFT against the random player."""
    text = markdown("cell-26")
    assert "lost 11 points less often than the SFT model, as often, and 20 points more" in text
    assert "while every one of them won more often against the random player" in text
    sft, rl = evaluation["sft"], evaluation["rlhf"]
    assert rl["vs_random"]["win"] - sft["vs_random"]["win"] >= 0.03


# --- The cake, in numbers -------------------------------------------------------------


def test_pretraining_received_far_more_signal_than_sft_and_sft_than_the_reward_model(
    run: RunResults,
) -> None:
    config = run.config
    shortest_record = 6  # five moves and the result, predicted after <start>
    pre = config.pretrain_steps * config.pretrain_batch * shortest_record * entropy_bound()
    sft = config.sft_steps * config.sft_batch * math.log(9)
    rm = config.rm_pairs * math.log(2)
    assert pre > 2 * sft
    assert sft > 10 * rm


# --- What the KL penalty holds back ---------------------------------------------------


def test_without_the_kl_penalty_the_policy_ends_further_from_the_sft_model(
    run: RunResults, ablation: tuple[StageResult, dict]
) -> None:
    text = markdown("cell-30")
    assert "Without the penalty the policy ends further from the SFT model" in text
    free, _ = ablation
    kl, free_kl = run.metrics["rlhf"]["kl_to_reference"], free.metrics["kl_to_reference"]
    # Seed 0 ends about 1.6 times as far; 1.2 leaves room for other CPUs' kernels.
    assert free_kl > 1.2 * kl
    # The chart of both runs: the KL panel ends higher without the penalty.
    assert "without the penalty the KL to the SFT model ends higher" in markdown("cell-27")
    history = run.stages["rlhf"].history
    assert last_tenth_mean(free.history["kl"]) > last_tenth_mean(history["kl"])
