"""The tic-tac-toe board on the chapter page, played in headless Chromium.

The expected probabilities come from the committed data, decoded in Python by
``lesson_code.tictactoe.board.decode_board``. The ``page`` fixture also fails a
test whose page requested anything outside 127.0.0.1 or logged a console error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lesson_code.tictactoe.board import CELL_NAMES, OPPONENTS, decode_board
from lesson_code.tictactoe.game import line_owner

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads((ROOT / "docs/assets/tictactoe/board.json").read_text(encoding="utf-8"))
TABLE = decode_board(DATA)
BOARD = '[data-widget="tictactoe"]'
CELLS = BOARD + " button[data-cell]"
ROUNDING = 1e-3  # data-prob has three decimals, as the data does
MARKS = {"X": 1, "O": -1, "": 0}


def scroll_to_board(page):
    """Scroll the board into view, as a reader does, and wait until it is drawn.

    Off screen, the chapter's blocks are not rendered (content-visibility), and
    the board is set up only when it comes near the viewport (widgets.js).
    """
    board = page.locator(BOARD)
    board.scroll_into_view_if_needed()
    page.wait_for_function("el => el.innerText.trim() !== ''", arg=board.element_handle())
    return board


def open_board(page, url: str):
    """Open ``url``, scroll to its board, and wait until the board has loaded its data."""
    page.goto(url)
    board = scroll_to_board(page)
    page.wait_for_selector(BOARD + '[data-state="ready"]')
    return board


def cells(page) -> list[tuple[str, float]]:
    """Each cell's (data-mark, data-prob), row by row."""
    found = page.locator(CELLS).evaluate_all(
        "cells => cells.map(c => [Number(c.dataset.cell), c.dataset.mark, c.dataset.prob])"
    )
    assert [i for i, _, _ in found] == list(range(9))
    return [(mark, float(prob)) for _, mark, prob in found]


def as_board(marks: list[str]) -> tuple[int, ...]:
    return tuple(MARKS[m] for m in marks)


def result_of(board: tuple[int, ...]) -> str:
    owner = line_owner(board)
    if owner:
        return "X wins" if owner == 1 else "O wins"
    return "Draw" if 0 not in board else ""


def check_model_move(before: tuple[int, ...], shown: list[tuple[str, float]], stage: str) -> int:
    """The model's move from ``before`` is legal, shows the data's probabilities, and
    is its top move (greedy play); return the cell it played."""
    after = as_board([m for m, _ in shown])
    played = [i for i in range(9) if after[i] != before[i]]
    assert len(played) == 1, f"not one move: {before} -> {after}"
    assert after[played[0]] == 1, f"not an X move: {before} -> {after}"
    cell = played[0]
    assert before[cell] == 0, "the model played on a taken cell"
    expected = TABLE[before]["probs"][stage]
    probs = [p for _, p in shown]
    for i in range(9):
        assert abs(probs[i] - expected[i]) <= ROUNDING / 2 + 1e-9
        if before[i] != 0:
            assert probs[i] == 0
    assert math.isclose(sum(p for i, p in enumerate(probs) if before[i] == 0), 1, abs_tol=0.01)
    assert expected[cell] == max(expected)
    return cell


def move_focus_to(page, target: int) -> None:
    """Walk the keyboard focus to cell ``target`` with the arrow keys."""
    at = int(page.evaluate("document.activeElement.dataset.cell"))
    while at // 3 != target // 3:
        page.keyboard.press("ArrowDown" if target > at else "ArrowUp")
        at += 3 if target > at else -3
    while at != target:
        page.keyboard.press("ArrowRight" if target > at else "ArrowLeft")
        at += 1 if target > at else -1
    assert int(page.evaluate("document.activeElement.dataset.cell")) == target


@pytest.mark.parametrize("stage", list(OPPONENTS))
def test_a_game_played_by_keyboard_follows_the_models_data(page, chapter_url, stage) -> None:
    board = open_board(page, chapter_url)
    board.locator("select[data-opponent]").select_option(stage)
    before = (0,) * 9
    page.locator(CELLS + '[tabindex="0"]').focus()
    keys = ["Enter", "Space"]
    for turn in range(5):
        shown = cells(page)
        cell = check_model_move(before, shown, stage)
        assert (
            board.locator(".tictactoe__status")
            .inner_text()
            .startswith(f"X ({OPPONENTS[stage]}) played row {cell // 3 + 1}, column {cell % 3 + 1}")
        )
        now = as_board([m for m, _ in shown])
        result = board.locator("[data-result]").inner_text()
        assert result == result_of(now)
        if result:
            break
        # O plays the empty cell furthest from the last one, by keyboard.
        empty = [i for i in range(9) if now[i] == 0]
        target = empty[-1] if turn % 2 == 0 else empty[0]
        move_focus_to(page, target)
        page.keyboard.press(keys[turn % 2])
        mine = list(now)
        mine[target] = -1
        before = tuple(mine)
        if result_of(before):
            assert as_board([m for m, _ in cells(page)]) == before
            assert board.locator("[data-result]").inner_text() == result_of(before)
            break
    final = board.locator("[data-result]").inner_text()
    assert final in ("X wins", "O wins", "Draw")
    assert final in board.locator(".tictactoe__status").inner_text()
    moves = board.locator(".tictactoe__moves li").count()
    assert moves == sum(m != "" for m, _ in cells(page))


def test_reset_starts_a_new_game_with_the_models_first_move(page, chapter_url) -> None:
    board = open_board(page, chapter_url)
    page.locator(CELLS + '[data-mark=""]').first.click()
    assert sum(m != "" for m, _ in cells(page)) == 3
    board.locator("[data-reset]").focus()
    page.keyboard.press("Enter")
    shown = cells(page)
    assert [m for m, _ in shown].count("X") == 1
    assert [m for m, _ in shown].count("O") == 0
    check_model_move((0,) * 9, shown, board.locator("select[data-opponent]").input_value())
    assert board.locator("[data-result]").inner_text() == ""
    assert board.locator(".tictactoe__moves li").count() == 1


def test_the_opponents_are_the_three_stages(page, chapter_url) -> None:
    board = open_board(page, chapter_url)
    options = board.locator("select[data-opponent] option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent])"
    )
    assert options == [list(item) for item in OPPONENTS.items()]
    label = board.locator("select[data-opponent]").get_attribute("id")
    assert board.locator(f'label[for="{label}"]').count() == 1


def test_the_score_and_the_kl_are_those_of_the_position_x_moved_from(page, chapter_url) -> None:
    board = open_board(page, chapter_url)
    board.locator("select[data-opponent]").select_option("rlhf")
    opening = TABLE[(0,) * 9]
    assert board.locator(".tictactoe__score").inner_text() == f"{opening['score']:.2f}"
    assert board.locator(".tictactoe__kl").inner_text() == f"{opening['kl']:.3f} nats"
    board.locator("select[data-opponent]").select_option("sft")
    assert "RLHF" in board.locator(".tictactoe__kl").inner_text()


def test_sampling_plays_legal_moves_the_model_gives_a_chance(page, chapter_url) -> None:
    board = open_board(page, chapter_url)
    board.locator("[data-sample]").check()
    for stage in OPPONENTS:
        board.locator("select[data-opponent]").select_option(stage)
        for _ in range(10):
            board.locator("[data-reset]").click()
            shown = cells(page)
            cell = [m for m, _ in shown].index("X")
            assert TABLE[(0,) * 9]["probs"][stage][cell] > 0


def test_each_cell_is_named_by_its_row_column_mark_and_probability(page, chapter_url) -> None:
    board = open_board(page, chapter_url)
    assert page.locator(CELLS + '[tabindex="0"]').count() == 1  # one tab stop for the board
    for i, (mark, p) in enumerate(cells(page)):
        name = board.locator(f'button[data-cell="{i}"]').get_attribute("aria-label")
        assert name == f"row {i // 3 + 1}, column {i % 3 + 1}: {mark or 'empty'}, " + (
            f"model gave it {100 * p:.1f}%"
        )
    assert board.locator('[aria-live="polite"]').count() == 1


# Play `n` games as O against `stage`, choosing O's cells with a seeded generator
# (mulberry32), so the games are the same on every run; return the results.
GAMES_JS = """([stage, n, seed]) => {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const root = document.querySelector('[data-widget="tictactoe"]');
  const select = root.querySelector('select[data-opponent]');
  select.value = stage;
  select.dispatchEvent(new Event('change'));
  const results = [];
  for (let game = 0; game < n; game++) {
    root.querySelector('[data-reset]').click();
    while (!root.querySelector('[data-result]').textContent) {
      const empty = [...root.querySelectorAll('button[data-cell][data-mark=""]')];
      empty[Math.floor(random() * empty.length)].click();
    }
    results.push(root.querySelector('[data-result]').textContent);
  }
  return results;
}"""


def test_rlhf_beats_a_random_player_clearly_more_often_than_the_pretrained_model(
    page, chapter_url
) -> None:
    """50 games each against the same random O (a seeded generator), greedy X.

    "Clearly": a one-sided two-proportion z-test of the win rates gives z >= 3.
    """
    open_board(page, chapter_url)
    n = 50
    wins = {
        stage: page.evaluate(GAMES_JS, [stage, n, 12345]).count("X wins")
        for stage in ("pretrained", "rlhf")
    }
    p_pre, p_rl = wins["pretrained"] / n, wins["rlhf"] / n
    pooled = (wins["pretrained"] + wins["rlhf"]) / (2 * n)
    z = (p_rl - p_pre) / math.sqrt(2 * pooled * (1 - pooled) / n)
    assert z >= 3, f"wins of 50: {wins}, z = {z:.2f}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_board_has_no_axe_violations(page, chapter_url, scheme) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.emulate_media(color_scheme=scheme)
    page.goto(chapter_url)
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    board = open_board(page, chapter_url)
    page.locator(CELLS + '[data-mark=""]').first.click()  # heat on the cells
    board.locator("[data-sample]").focus()
    violations = Axe().run(page, context=BOARD).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_board_fits_a_phone_screen(page, chapter_url, scheme) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.emulate_media(color_scheme=scheme)
    board = open_board(page, chapter_url)
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert board.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth")
    size = page.locator(CELLS).first.bounding_box()
    assert size["width"] >= 44
    assert size["height"] >= 44


def test_without_javascript_the_opening_table_is_shown(browser, chapter_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(chapter_url)
    table = page.locator(BOARD + " .tictactoe__fallback table")
    assert table.is_visible()
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    opening = TABLE[(0,) * 9]["probs"]
    assert rows == [
        [f"{name} (cell {i})", *(f"{opening[s][i]:.1%}" for s in OPPONENTS)]
        for i, name in enumerate(CELL_NAMES)
    ]
    context.close()


def test_the_board_starts_after_instant_navigation(page, site_url) -> None:
    page.goto(site_url)
    page.locator("a[href$='deep-learning-paradigms/']").first.click()
    page.wait_for_url("**/deep-learning-paradigms/")
    scroll_to_board(page)
    page.wait_for_selector(BOARD + '[data-state="ready"]')
    check_model_move((0,) * 9, cells(page), "pretrained")


@pytest.mark.allow_console_errors
def test_a_missing_data_file_shows_a_message_and_the_table(page, chapter_url) -> None:
    page.route("**/tictactoe/board.json", lambda route: route.fulfill(status=404, body="no"))
    page.goto(chapter_url)
    scroll_to_board(page)
    page.wait_for_selector(BOARD + '[data-state="error"]')
    expect(page.locator(BOARD + " .tictactoe__error")).to_contain_text("could not be loaded")
    assert page.locator(BOARD + " .tictactoe__fallback table").is_visible()
