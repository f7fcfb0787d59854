"""Data builders and the three-stage pipeline (lesson_code.pipeline)."""

from __future__ import annotations

import base64
import json
import re
from functools import partial
from pathlib import Path

import pytest
import torch

from lesson_code.game import (
    BOS,
    MAX_LEN,
    N_CELLS,
    PAD,
    GameBatch,
    coach_move_mask,
    play,
    random_moves,
    winner,
)
from lesson_code.pipeline import (
    Chart,
    Config,
    PipelineResults,
    PreferenceData,
    hidden_utility,
    judge,
    main,
    model_player,
    plot_loss_curves,
    plot_outcomes,
    plot_ppo,
    plot_reward_model_accuracy,
    preference_data,
    pretraining_data,
    sft_data,
)
from lesson_code.schemes import SCHEMES, low_contrast
from lesson_code.sft import mask_prompt
from lesson_code.transformer import GPT, GPTConfig


def _games(results: list[int], x_moves: list[int]) -> GameBatch:
    n = len(results)
    lengths = torch.tensor([2 * m + 1 for m in x_moves])  # X moved m times
    return GameBatch(
        tokens=torch.full((n, MAX_LEN), PAD),
        lengths=lengths,
        results=torch.tensor(results),
        illegal=torch.zeros(n, dtype=torch.long),
        boards=torch.zeros(n, N_CELLS, dtype=torch.long),
    )


# --------------------------------------------------------------------------- pre-training data


def test_pretraining_labels_are_the_tokens_with_only_padding_ignored() -> None:
    tokens, labels = pretraining_data(300, torch.Generator().manual_seed(0))
    assert torch.equal(labels == -100, tokens == PAD)
    assert torch.equal(labels[labels != -100], tokens[tokens != PAD])
    assert (tokens[:, 0] == BOS).all()


# --------------------------------------------------------------------------- SFT data


@pytest.fixture(scope="module")
def positions():
    return sft_data(2000, torch.Generator().manual_seed(1))


def test_sft_prompts_are_unfinished_positions_with_x_to_move(positions) -> None:
    assert ((positions.prompt_lengths - 1) % 2 == 0).all()  # an even number of moves
    assert (positions.boards.sum(1) == 0).all()  # as many X as O
    assert (winner(positions.boards) == 0).all()
    assert (positions.boards == 0).any(1).all()


def test_sft_response_is_one_coach_move_right_after_the_prompt(positions) -> None:
    rows = torch.arange(len(positions))
    assert torch.equal(positions.input_ids[rows, positions.prompt_lengths], positions.coach)
    assert positions.coach_options[rows, positions.coach].all()
    assert torch.equal(positions.coach_options, coach_move_mask(positions.boards))
    assert torch.equal(positions.attention_mask.sum(1), positions.prompt_lengths + 1)


def test_sft_masks_every_token_but_the_coach_move(positions) -> None:
    labels = mask_prompt(
        positions.input_ids, positions.prompt_lengths, attention_mask=positions.attention_mask
    )
    kept = labels != -100
    assert torch.equal(kept.sum(1), torch.ones(len(positions), dtype=torch.long))
    assert torch.equal(kept.float().argmax(1), positions.prompt_lengths)
    assert torch.equal(labels[kept], positions.coach)


# --------------------------------------------------------------------------- judge and pairs


def test_hidden_utility_ranks_quick_wins_over_slow_wins_over_draws_over_losses() -> None:
    u = hidden_utility(_games([1, 1, 1, 0, -1], [3, 4, 5, 5, 4])).tolist()
    assert u == sorted(u, reverse=True)
    assert len(set(u)) == len(u)


def test_judge_prefers_each_game_with_the_bradley_terry_probability() -> None:
    g = torch.Generator().manual_seed(2)
    n = 40000
    u_a, u_b = torch.full((n,), 1.0), torch.zeros(n)
    prefers_a = judge(u_a, u_b, temperature=1.0, generator=g).float().mean().item()
    assert prefers_a == pytest.approx(torch.sigmoid(torch.tensor(1.0)).item(), abs=0.01)
    tie = judge(u_b, u_b, temperature=1.0, generator=g).float().mean().item()
    assert tie == pytest.approx(0.5, abs=0.01)


def test_preference_pairs_put_the_better_game_first_when_the_judge_is_noiseless() -> None:
    torch.manual_seed(3)
    policy = GPT(GPTConfig())
    pairs = preference_data(
        policy, 500, Config(judge_temperature=1e-6), torch.Generator().manual_seed(3)
    )
    assert isinstance(pairs, PreferenceData)
    assert (pairs.chosen_utility >= pairs.rejected_utility).all()
    assert pairs.strict.any()


def test_model_player_greedy_plays_the_top_token() -> None:
    torch.manual_seed(4)
    model = GPT(GPTConfig())
    games = play(
        model_player(model, greedy=True),
        partial(random_moves, generator=torch.Generator().manual_seed(4)),
        20,
    )
    first = model(torch.full((1, 1), BOS))[0][0, -1].argmax().item()
    assert (games.tokens[:, 1] == first).all()


# --------------------------------------------------------------------------- the whole pipeline


@pytest.fixture(scope="module")
def quick_pipeline(tmp_path_factory) -> tuple[PipelineResults, Path]:
    out = tmp_path_factory.mktemp("pipeline")
    return main(["--quick", "--out", str(out)]), out


@pytest.fixture(scope="module")
def quick_run(quick_pipeline) -> tuple[dict, Path]:
    out = quick_pipeline[1]
    return json.loads((out / "metrics.json").read_text()), out


@pytest.mark.slow
def test_cli_writes_metrics_and_plots(quick_run) -> None:
    metrics, out = quick_run
    for key in ("heldout_loss", "entropy_bound", "illegal_move_rate"):
        assert key in metrics["pretraining"]
    assert {"coach_agreement", "optimal_move_rate"} <= metrics["sft"].keys()
    assert {"heldout_accuracy", "noisy_label_accuracy"} <= metrics["reward_model"].keys()
    assert "kl_to_reference" in metrics["rlhf"]
    assert metrics["seconds_total"] > 0
    for stage in ("pretrained", "sft", "rlhf"):
        ev = metrics["evaluation"][stage]
        assert "illegal_move_rate" in ev
        for match in ("vs_random", "vs_random_greedy", "vs_perfect"):
            assert sum(ev[match][k] for k in ("win", "draw", "loss")) == pytest.approx(1.0)
    for name in ("loss_curves", "reward_model_accuracy", "ppo_reward_kl", "outcomes"):
        assert (out / f"{name}.png").stat().st_size > 0


@pytest.mark.slow
def test_quick_pretraining_learns_the_rules(quick_run) -> None:
    pre = quick_run[0]["pretraining"]
    assert pre["heldout_loss"] < 1.1 * pre["entropy_bound"]
    assert pre["illegal_move_rate"] < 0.05  # an untrained model: about half its moves


@pytest.mark.slow
def test_quick_sft_imitates_the_coach_better_than_the_pretrained_model(quick_run) -> None:
    metrics = quick_run[0]
    pre, sft = metrics["pretraining"], metrics["sft"]
    assert sft["coach_agreement"] > pre["heldout_positions_coach_agreement"]
    assert sft["optimal_move_rate"] > pre["heldout_positions_optimal_move_rate"]
    assert sft["coach_agreement"] > 0.85


@pytest.mark.slow
def test_quick_reward_model_recovers_the_judges_ordering(quick_run) -> None:
    rm = quick_run[0]["reward_model"]
    assert rm["heldout_accuracy"] > 0.8
    assert rm["heldout_accuracy"] > rm["noisy_label_accuracy"]


@pytest.mark.slow
def test_quick_rlhf_beats_the_sft_model_against_the_random_player(quick_run) -> None:
    ev = quick_run[0]["evaluation"]
    fewer_losses = ev["rlhf"]["vs_random_greedy"]["loss"] < ev["sft"]["vs_random_greedy"]["loss"]
    more_wins = ev["rlhf"]["vs_random"]["win"] > ev["sft"]["vs_random"]["win"]
    assert fewer_losses or more_wins
    assert quick_run[0]["rlhf"]["kl_to_reference"] > 0


# --------------------------------------------------------------------------- figures

# The notebook's output column on a laptop screen (1280 px wide), in CSS pixels.
COLUMN_PX = 508
SMALLEST_TEXT_PX = 9


def charts(results: PipelineResults) -> dict[str, Chart]:
    return {
        "loss curves": plot_loss_curves(results),
        "reward model": plot_reward_model_accuracy(results),
        "ppo": plot_ppo(("RLHF", results.stages["rlhf"].history)),
        "outcomes": plot_outcomes(results.metrics["evaluation"]),
    }


@pytest.mark.slow
def test_every_figure_shows_as_an_image_with_its_text_alternative(quick_pipeline) -> None:
    results = quick_pipeline[0]
    shown = charts(results)
    for name, chart in shown.items():
        html = chart._repr_html_()
        match = re.fullmatch(
            r'<picture><source srcset="data:image/png;base64,([^"]+)" '
            r'media="\(prefers-color-scheme: dark\)">'
            r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"></picture>',
            html,
        )
        assert match, f"{name}: {html[:80]}"
        assert base64.b64decode(match[1]).startswith(b"\x89PNG"), name
        assert base64.b64decode(match[2]).startswith(b"\x89PNG"), name
        assert len(match[3]) > 80, f"{name}: alt text too short to describe it: {match[3]!r}"
    # The alternative gives the numbers the figure shows, as the run computed them.
    heldout = results.stages["pretrained"].history["heldout"][-1]
    assert f"{heldout:.3f}" in shown["loss curves"].alt
    kl = results.stages["rlhf"].history["kl"][-1]
    assert f"KL {kl:.3f}" in shown["ppo"].alt


@pytest.mark.slow
def test_figure_text_is_legible_in_the_notebook_column(quick_pipeline) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    for name, chart in charts(quick_pipeline[0]).items():
        FigureCanvasAgg(chart).draw()  # lays out the ticks and their labels
        width_px = chart.get_figwidth() * Chart.DPI  # as _repr_html_ renders it
        scale = min(1.0, COLUMN_PX / width_px)
        sizes = [
            text.get_fontsize() * Chart.DPI / 72 * scale
            for text in chart.findobj(Text)
            if text.get_visible() and text.get_text().strip()
        ]
        assert sizes, name
        assert min(sizes) >= SMALLEST_TEXT_PX, (
            f"{name}: text {min(sizes):.1f} px tall in a {COLUMN_PX}-px column"
        )


@pytest.mark.slow
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_figure_reads_on_the_page_of_its_scheme(quick_pipeline, scheme: str) -> None:
    """Text at 4.5:1 and lines, bars and axes at 3:1 against the page (WCAG 2.2)."""
    for name, chart in charts(quick_pipeline[0]).items():
        assert low_contrast(chart.in_scheme(scheme), scheme) == [], name
