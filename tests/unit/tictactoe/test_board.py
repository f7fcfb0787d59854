"""The board's data (lesson_code.tictactoe.board) and the command that writes it.

The fast tests use untrained models; the slow ones use the notebook's full run
(``seed0_run``), the run the committed data comes from.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import random
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from bs4 import BeautifulSoup

from lesson_code.tictactoe import __main__ as command
from lesson_code.tictactoe.board import (
    CELL_NAMES,
    DATA_URL,
    OPPONENTS,
    SCALES,
    board_positions,
    decode_board,
    dumps_board,
    export_board,
    move_order,
    move_probabilities,
    quantise,
    render_fallback,
    write_board,
)
from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.game import BOS, board_code, line_owner, play, replay
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.players import random_player
from lesson_code.tictactoe.results import RunResults, StageResult
from lesson_code.tictactoe.reward_model import reward_scores
from tests.support.runs import COURSE_SEED

ROOT = Path(__file__).resolve().parents[3]
COMMITTED_DATA = ROOT / "docs/assets/tictactoe/board.json"
COMMITTED_FALLBACK = ROOT / "snippets/tictactoe_board.html"
UNIT = {name: 1 / scale for name, scale in SCALES.items()}  # one stored unit of each number

# How far a retrained run's export may be from the committed one, on any CPU.
# On the same machine the command is deterministic (the same seed gives the same
# bytes). torch's kernels round differently between instruction sets (AVX-512,
# AVX2, none), and over a full run the difference grows: pre-training and SFT
# see the same data on every CPU, so their models differ only by rounding, but
# the reward model and PPO learn from games the models sample, and a draw that
# lands near a boundary between two moves can flip, so the RLHF policy follows
# a slightly different path. The bounds are therefore per number and per
# stage: the largest difference of a pre-trained or SFT probability, and the
# mean difference (over every position and empty cell) of the RLHF
# probabilities, the scores and the KL, with the share of positions where the
# RLHF policy's top move changes. test_..._on_any_cpu says what was measured.
CROSS_CPU_TOLERANCE = {
    "prob_max": 0.01,  # pre-trained and SFT: every probability (measured: 0)
    "rlhf_prob_mean": 0.05,  # measured: 0.016
    "rlhf_top_move_changed": 0.20,  # share of positions (measured: 0.050)
    "score_mean": 0.05,  # measured: 0.002
    "kl_mean": 0.10,  # measured: 0.019
}


def untrained_run(seed: int = 1) -> RunResults:
    """A run's shape with untrained models: enough to export and decode, in a second."""
    torch.manual_seed(seed)
    config = Config(seed=seed)
    pretrained, sft = GPT(config.model_config()), GPT(config.model_config())
    stages = {
        "pretrained": StageResult(pretrained),
        "sft": StageResult(sft),
        "reward_model": StageResult(sft.with_value_head()),
        "rlhf": StageResult(sft.with_value_head()),
    }
    for stage in stages.values():  # the value heads start at zero: give them something to say
        torch.nn.init.normal_(stage.model.lm_head.weight, std=0.5)
        if stage.model.value_head is not None:
            torch.nn.init.normal_(stage.model.value_head.weight, std=0.5)
    return RunResults(config, stages, {})


@pytest.fixture(scope="module")
def untrained() -> tuple[RunResults, dict]:
    run = untrained_run()
    return run, export_board(run)


# --------------------------------------------------------------------------- positions


def test_positions_are_every_board_random_play_reaches_with_x_to_move() -> None:
    positions = board_positions()
    assert [board_code(torch.tensor([b])).item() for b in positions] == sorted(
        board_code(torch.tensor(positions)).tolist()
    )
    games = play(random_player(torch.Generator().manual_seed(0)), random_player(None), 3000)
    reached = set()
    for tokens in games.tokens:
        for moves in range(0, 9, 2):
            board = tuple(replay(tokens[None, : 1 + moves])[0].tolist())
            if tokens[moves + 1] < 9 and line_owner(board) == 0:
                reached.add(board)
    assert reached <= set(positions)
    assert all(b.count(1) == b.count(-1) and line_owner(b) == 0 for b in positions)


def test_move_order_is_a_game_that_reaches_the_board() -> None:
    for board in board_positions():
        tokens = torch.tensor([[BOS, *move_order(board)]])
        assert tuple(replay(tokens)[0].tolist()) == board


def test_move_order_rejects_a_board_where_o_is_to_move() -> None:
    with pytest.raises(ValueError, match="board"):
        move_order([1, 0, 0, 0, 0, 0, 0, 0, 0])


# --------------------------------------------------------------------------- quantise


def test_quantised_probabilities_sum_to_the_scale_each_within_one_unit() -> None:
    rng = random.Random(0)
    for _ in range(500):
        weights = [rng.random() ** 4 for _ in range(rng.randint(1, 9))]
        probs = [w / sum(weights) for w in weights]
        ints = quantise(probs)
        assert sum(ints) == SCALES["prob"]
        assert all(abs(i - p * SCALES["prob"]) < 1 for i, p in zip(ints, probs, strict=True))


@pytest.mark.parametrize(
    ("probs", "scale", "name"), [([0.5, 0.4], 1000, "probs"), ([1.0], 0, "scale")]
)
def test_quantise_rejects_what_is_not_a_distribution(probs, scale, name) -> None:
    with pytest.raises(ValueError, match=name):
        quantise(probs, scale)


# --------------------------------------------------------------------------- export


def test_decoding_the_export_gives_back_the_probabilities_scores_and_kl(untrained) -> None:
    run, data = untrained
    decoded = decode_board(json.loads(dumps_board(data)))
    boards = board_positions()
    for stage in OPPONENTS:
        probs = move_probabilities(run.models[stage], boards)
        for board, row in zip(boards, probs.tolist(), strict=True):
            shown = decoded[board]["probs"][stage]
            assert math.isclose(sum(shown), 1.0, abs_tol=1e-9)
            for cell, (p, q) in enumerate(zip(row, shown, strict=True)):
                assert abs(p - q) < UNIT["prob"]
                assert board[cell] == 0 or q == 0
    scores = [decoded[b]["score"] for b in boards]
    assert max(scores) - min(scores) > 10 * UNIT["score"]  # the scores say something


def test_the_fallback_table_shows_each_models_opening_probabilities(untrained) -> None:
    _, data = untrained
    soup = BeautifulSoup(render_fallback(data), "html.parser")
    root = soup.select_one('[data-widget="tictactoe"]')
    assert root["data-src"] == DATA_URL
    assert "\n\n" not in render_fallback(data)  # one raw HTML block in Markdown
    header = [th.get_text() for th in root.select("thead th")][1:]
    assert header == list(OPPONENTS.values())
    rows = root.select("tbody tr")
    assert [r.th.get_text() for r in rows] == [f"{n} (cell {i})" for i, n in enumerate(CELL_NAMES)]
    opening = decode_board(data)[(0,) * 9]["probs"]
    for i, row in enumerate(rows):
        shown = [td.get_text() for td in row.select("td")]
        assert shown == [f"{opening[stage][i]:.1%}" for stage in OPPONENTS]


def test_the_committed_fallback_is_rendered_from_the_committed_data() -> None:
    data = json.loads(COMMITTED_DATA.read_text(encoding="utf-8"))
    assert COMMITTED_FALLBACK.read_text(encoding="utf-8") == render_fallback(data)
    assert data["seed"] == COURSE_SEED


def test_write_board_writes_only_the_files_it_is_given(untrained, tmp_path) -> None:
    _, data = untrained
    written = write_board(data, tmp_path / "a" / "board.json", tmp_path / "b.html")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")) == [
        "a/board.json",
        "b.html",
    ]
    assert written[0].read_text(encoding="utf-8") == dumps_board(data)
    assert write_board(data, None, None) == []


# --------------------------------------------------------------------------- the full run


@pytest.fixture(scope="module")
def seed0_export(seed0_run: RunResults) -> dict:
    return export_board(seed0_run)


@pytest.mark.slow
def test_the_exported_table_is_the_models_own_softmax_on_sampled_positions(
    seed0_run: RunResults, seed0_export: dict
) -> None:
    decoded = decode_board(seed0_export)
    boards = random.Random(0).sample(board_positions(), 300)
    models = seed0_run.models
    with torch.no_grad():
        for board in boards:
            prompt = torch.tensor([[BOS, *move_order(board)]])
            logits = {stage: models[stage](prompt)[0][0, -1] for stage in ("sft", *OPPONENTS)}
            for stage in OPPONENTS:
                probs = F.softmax(logits[stage].double(), -1)[:9]
                probs = probs * (torch.tensor(board) == 0)
                probs = (probs / probs.sum()).tolist()
                for p, q in zip(probs, decoded[board]["probs"][stage], strict=True):
                    assert abs(p - q) < UNIT["prob"]
            score = reward_scores(models["reward_model"], prompt, torch.tensor([prompt.shape[1]]))
            assert abs(score.item() - decoded[board]["score"]) <= UNIT["score"] / 2 + 1e-9
            rl, sft = F.log_softmax(logits["rlhf"], -1), F.log_softmax(logits["sft"], -1)
            kl = (rl.exp() * (rl - sft)).sum().item()
            assert abs(kl - decoded[board]["kl"]) <= UNIT["kl"] / 2 + 1e-6


def differences(ours: dict, theirs: dict) -> dict[str, float]:
    """How far two exports are apart, in the terms of :data:`CROSS_CPU_TOLERANCE`."""
    a, b = decode_board(ours), decode_board(theirs)
    prob_max, rlhf_sum, rlhf_count, top_changed = 0.0, 0.0, 0, 0
    for board in a:
        for stage in ("pretrained", "sft"):
            pairs = zip(a[board]["probs"][stage], b[board]["probs"][stage], strict=True)
            prob_max = max(prob_max, *(abs(p - q) for p, q in pairs))
        ours_rl, theirs_rl = a[board]["probs"]["rlhf"], b[board]["probs"]["rlhf"]
        empty = [i for i in range(9) if board[i] == 0]
        rlhf_sum += sum(abs(ours_rl[i] - theirs_rl[i]) for i in empty)
        rlhf_count += len(empty)
        top_changed += ours_rl.index(max(ours_rl)) != theirs_rl.index(max(theirs_rl))
    n = len(a)
    return {
        "prob_max": prob_max,
        "rlhf_prob_mean": rlhf_sum / rlhf_count,
        "rlhf_top_move_changed": top_changed / n,
        "score_mean": sum(abs(a[x]["score"] - b[x]["score"]) for x in a) / n,
        "kl_mean": sum(abs(a[x]["kl"] - b[x]["kl"]) for x in a) / n,
    }


@pytest.mark.slow
def test_the_committed_data_is_what_the_command_makes_for_its_seed_on_any_cpu(
    seed0_export: dict,
) -> None:
    """The committed data against the notebook's seed-0 run, within CROSS_CPU_TOLERANCE.

    What was measured, native (AVX-512) against ATEN_CPU_CAPABILITY=default, on
    the exports of the --quick seed-0 run (12 PPO iterations): the pre-trained
    and SFT probabilities identical to three decimals; the scores 0.002 apart on
    average (0.01 at most); the RLHF probabilities 0.016 apart on average
    (0.135 at most), its top move changed on 5.0% of the positions, its KL
    0.019 apart on average (0.62 at most). The full run's 40 PPO iterations can
    drift further, and a full run on the plain kernels was not compared, so
    the bounds leave about a threefold margin. A different training (the
    full run against the quick one) is far outside them: 0.92, 0.16, 0.43,
    1.34 and 0.23.
    """
    committed = json.loads(COMMITTED_DATA.read_text(encoding="utf-8"))
    assert committed["seed"] == seed0_export["seed"] == COURSE_SEED
    found = differences(seed0_export, committed)
    over = {k: v for k, v in found.items() if v > CROSS_CPU_TOLERANCE[k]}
    assert not over, f"the committed board data is stale (differences {found}); regenerate it"


@pytest.mark.slow
def test_the_command_writes_the_board_of_its_run(
    seed0_run: RunResults, seed0_export: dict, tmp_path, monkeypatch
) -> None:
    run = dataclasses.replace(seed0_run, metrics=copy.deepcopy(seed0_run.metrics))
    monkeypatch.setattr(command, "run_pipeline", lambda config: run)
    monkeypatch.setattr(command, "save_plots", lambda results, out: None)
    board, fallback = tmp_path / "board.json", tmp_path / "fallback.html"
    args = ["--seed", "0", "--out", str(tmp_path / "run"), "--board", str(board)]
    command.run(command.parse_args([*args, "--board-fallback", str(fallback)]))
    assert board.read_text(encoding="utf-8") == dumps_board(seed0_export)
    assert fallback.read_text(encoding="utf-8") == render_fallback(seed0_export)
