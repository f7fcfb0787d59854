r"""The data of the pages' board: play X's moves from each stage's model, position by position.

For every position the model can face as X (equal numbers of X and O, nobody
has three in a row: 2,423 boards), :func:`export_board` records

- each stage's move probabilities (pre-trained, SFT, RLHF): the model's
  softmax over its whole vocabulary, restricted to the empty cells and
  renormalised over them (the board lets the model play legal moves only),
  rounded to thousandths that sum to exactly 1000;
- the reward model's score of the position: its scalar head read at the
  position's last token (where it reads a finished game's result);
- the RLHF policy's KL divergence from the SFT model at the position, over the
  whole vocabulary, $\mathrm{KL}[\pi_{RL} \,\|\, \pi_{SFT}] = \sum_t \pi_{RL}(t)
  \log\big(\pi_{RL}(t)/\pi_{SFT}(t)\big)$, in nats.

The model reads a game as the sequence of its moves, so one board reached by
different move orders gets slightly different probabilities. The board uses
one order per position: X's cells in increasing order, alternating with O's
cells in increasing order (a legal game, since the position has no line).

The encoding is compact: positions are listed in the order of their
:func:`~lesson_code.tictactoe.game.board_code` (which the page's script
enumerates itself), and for each position a stage stores the thousandths of
its empty cells in cell order, the last one left out (it is 1000 minus the
others). Scores are stored in hundredths, KL in thousandths of a nat.

The data also names the CPU kernels torch ran on (``"kernels"``:
:func:`torch.backends.cpu.get_cpu_capability`, such as ``AVX512``): a run is
deterministic on one kind of kernel, and other kinds round differently, which
over a full run trains a slightly different model.

``python -m lesson_code.tictactoe --seed 0 --out DIR --board FILE --board-fallback FILE``
writes the data and the fallback HTML for readers without JavaScript
(:func:`render_fallback`: the three models' opening-move probabilities).
"""

from __future__ import annotations

import gzip
import html
import json
import math
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from lesson_code.tictactoe.game import BOS, N_CELLS, PAD, line_owner
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.results import RunResults

__all__ = [
    "DATA_URL",
    "OPPONENTS",
    "SCALES",
    "board_positions",
    "decode_board",
    "dumps_board",
    "export_board",
    "move_order",
    "move_probabilities",
    "quantise",
    "render_fallback",
    "write_board",
]

# Where the pages (/deep-learning-paradigms/ and the notebook's) find the data, relative to
# themselves.
DATA_URL = "../assets/tictactoe/board.json"
OPPONENTS = {"pretrained": "pre-trained", "sft": "SFT", "rlhf": "RLHF"}
SCALES = {"prob": 1000, "score": 100, "kl": 1000}  # stored integer = round(value * scale)
FORMAT = 1


def board_positions() -> list[tuple[int, ...]]:
    """Every board X can be asked to move on, in increasing board-code order.

    A board is nine numbers (``+1`` X, ``-1`` O, ``0`` empty); cell ``i`` of
    board code ``c`` is ``c // 3**i % 3`` (``1`` X, ``2`` O). A board with as many X as O
    and no line is reachable by some legal game and X is to move on it.

    ```python
    from lesson_code.tictactoe.board import board_positions

    positions = board_positions()
    print(len(positions), positions[0])  # 2423 (0, 0, 0, 0, 0, 0, 0, 0, 0)
    ```
    """
    found = []
    for code in range(3**N_CELLS):
        board = tuple((0, 1, -1)[code // 3**i % 3] for i in range(N_CELLS))
        if board.count(1) == board.count(-1) and line_owner(board) == 0:
            found.append(board)
    return found


def move_order(board: Sequence[int]) -> list[int]:
    """The one move order the board uses for a position: X's and O's cells, each increasing.

    ```python
    from lesson_code.tictactoe.board import move_order

    print(move_order([-1, 0, 1, 0, 1, 0, -1, 0, 0]))  # [2, 0, 4, 6]
    ```
    """
    xs = [i for i, v in enumerate(board) if v == 1]
    os = [i for i, v in enumerate(board) if v == -1]
    if len(xs) != len(os) or len(board) != N_CELLS:
        raise ValueError(f"board: expected nine cells with as many X as O, got {list(board)}")
    return [cell for pair in zip(xs, os, strict=True) for cell in pair]


def _prompts(boards: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """The records ``<start>`` + :func:`move_order` ``[N, 9]`` (``<pad>`` after) and their
    lengths. The model is causal, so the padding after a prompt changes nothing before it."""
    tokens = torch.full((len(boards), N_CELLS), PAD, dtype=torch.long)
    tokens[:, 0] = BOS
    lengths = torch.empty(len(boards), dtype=torch.long)
    for row, board in enumerate(boards):
        moves = move_order(board)
        tokens[row, 1 : 1 + len(moves)] = torch.tensor(moves, dtype=torch.long)
        lengths[row] = 1 + len(moves)
    return tokens, lengths


@torch.no_grad()
def _last_outputs(
    model: GPT, tokens: torch.Tensor, lengths: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The logits ``[N, V]`` (and the scalar head ``[N]``, if any) at each prompt's last token."""
    model.eval()
    logits, values = model(tokens)
    rows, last = torch.arange(len(tokens)), lengths - 1
    return logits[rows, last], None if values is None else values[rows, last]


def move_probabilities(model: GPT, boards: Sequence[Sequence[int]]) -> torch.Tensor:
    """``[N, 9]`` the model's next-move probabilities on each board, over the empty cells.

    Its softmax over the whole vocabulary, with the taken cells and the
    non-move tokens set to 0 and the rest renormalised to sum to 1.
    """
    tokens, lengths = _prompts(boards)
    logits, _ = _last_outputs(model, tokens, lengths)
    probs = F.softmax(logits.double(), dim=-1)[:, :N_CELLS]
    probs = probs * (torch.tensor(boards) == 0)
    return probs / probs.sum(1, keepdim=True)


def quantise(probs: Sequence[float], scale: int = SCALES["prob"]) -> list[int]:
    """Integers that sum to ``scale``, each within 1 of ``p * scale`` (largest remainders).

    ```python
    from lesson_code.tictactoe.board import quantise

    print(quantise([1 / 3, 1 / 3, 1 / 3]))  # [334, 333, 333]
    ```
    """
    if scale <= 0:
        raise ValueError(f"scale: expected a positive integer, got {scale}")
    if not math.isclose(sum(probs), 1.0, abs_tol=1e-6) or min(probs) < 0:
        raise ValueError(f"probs: expected non-negative numbers summing to 1, got {list(probs)}")
    raw = [p * scale for p in probs]
    ints = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (ints[i] - raw[i], i))
    for i in order[: scale - sum(ints)]:
        ints[i] += 1
    return ints


def _kl(policy_logits: torch.Tensor, reference_logits: torch.Tensor) -> torch.Tensor:
    """``[N]`` exact KL[policy || reference] over the whole vocabulary, in nats."""
    logp = F.log_softmax(policy_logits.double(), -1)
    logq = F.log_softmax(reference_logits.double(), -1)
    return (logp.exp() * (logp - logq)).sum(-1)


def export_board(results: RunResults) -> dict:
    """The board's data from a run's models: see the module's docstring for the encoding."""
    boards = board_positions()
    tokens, lengths = _prompts(boards)
    models = results.models
    stages: dict[str, list[int]] = {}
    for stage in OPPONENTS:
        probs = move_probabilities(models[stage], boards)
        stored: list[int] = []
        for board, row in zip(boards, probs.tolist(), strict=True):
            empty = [p for p, v in zip(row, board, strict=True) if v == 0]
            stored += quantise(empty)[:-1]
        stages[stage] = stored
    _, scores = _last_outputs(models["reward_model"], tokens, lengths)
    rl_logits, _ = _last_outputs(models["rlhf"], tokens, lengths)
    sft_logits, _ = _last_outputs(models["sft"], tokens, lengths)
    kl = _kl(rl_logits, sft_logits)
    return {
        "format": FORMAT,
        "seed": results.config.seed,
        "kernels": torch.backends.cpu.get_cpu_capability(),
        "positions": len(boards),
        "scales": SCALES,
        "opponents": OPPONENTS,
        "probs": stages,
        "score": [round(s * SCALES["score"]) for s in scores.tolist()],
        "kl": [round(k * SCALES["kl"]) for k in kl.clamp(min=0).tolist()],
    }


def decode_board(data: dict) -> dict[tuple[int, ...], dict]:
    """The exported data by board: ``{board: {"probs": {stage: [9 floats]}, "score", "kl"}}``.

    What the page's script does, in Python, for the tests.
    """
    boards = board_positions()
    if data.get("format") != FORMAT or data.get("positions") != len(boards):
        raise ValueError("data: not the board's data in this format")
    scales = data["scales"]
    decoded: dict[tuple[int, ...], dict] = {
        board: {
            "probs": {},
            "score": data["score"][i] / scales["score"],
            "kl": data["kl"][i] / scales["kl"],
        }
        for i, board in enumerate(boards)
    }
    for stage, stored in data["probs"].items():
        at = 0
        for board in boards:
            empty = [i for i, v in enumerate(board) if v == 0]
            ints = stored[at : at + len(empty) - 1]
            at += len(empty) - 1
            ints.append(scales["prob"] - sum(ints))
            row = [0.0] * N_CELLS
            for cell, value in zip(empty, ints, strict=True):
                row[cell] = value / scales["prob"]
            decoded[board]["probs"][stage] = row
        if at != len(stored):
            raise ValueError(f"data: {stage} holds {len(stored)} numbers, expected {at}")
    return decoded


def dumps_board(data: dict) -> str:
    """Compact, stable JSON text of the board's data (ends with a newline)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


CELL_NAMES = (
    "top left", "top centre", "top right",
    "middle left", "centre", "middle right",
    "bottom left", "bottom centre", "bottom right",
)  # fmt: skip


def render_fallback(data: dict, data_url: str = DATA_URL) -> str:
    """The board's root element, with what a reader without JavaScript sees: a short
    explanation and a table of the three models' probabilities for X's first move.

    ``data_url`` is where the page's script fetches the data, relative to the page.
    The HTML has no blank lines, so Markdown keeps it as one raw HTML block.
    """
    opening = decode_board(data)[(0,) * N_CELLS]["probs"]
    names = data["opponents"]
    head = "".join(f'<th scope="col" class="tictactoe__num">{names[s]}</th>' for s in names)
    rows = "\n".join(
        f'      <tr><th scope="row">{name} (cell {i})</th>'
        + "".join(f'<td class="tictactoe__num">{opening[s][i]:.1%}</td>' for s in names)
        + "</tr>"
        for i, name in enumerate(CELL_NAMES)
    )
    return (
        f'<div class="tictactoe" data-widget="tictactoe" data-src="{html.escape(data_url)}">\n'
        '  <div class="tictactoe__fallback">\n'
        "    <p>With JavaScript on, this is a board where you play O against each stage "
        "of the notebook's model (pre-trained, SFT, RLHF), which plays X and moves first, "
        "and see the probability it gives every cell. Without it, here is how likely each "
        "model is to open on each cell.</p>\n"
        "    <table>\n"
        "      <caption>X's first move: each model's probabilities "
        f"(seed {data['seed']}, renormalised over the empty cells)</caption>\n"
        f'      <thead><tr><th scope="col">Cell</th>{head}</tr></thead>\n'
        f"      <tbody>\n{rows}\n      </tbody>\n"
        "    </table>\n"
        "  </div>\n"
        "</div>\n"
    )


def write_board(data: dict, board: Path | None, fallback: Path | None = None) -> list[Path]:
    """Write the data to ``board`` and the fallback HTML to ``fallback`` (each if given),
    print their sizes, and return the paths written."""
    written = []
    for path, text in ((board, dumps_board(data)), (fallback, render_fallback(data))):
        if path is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        raw = text.encode()
        print(f"wrote {path}: {len(raw)} bytes, {len(gzip.compress(raw, 9))} bytes gzip")
        written.append(path)
    return written
