/*
 * Tic-tac-toe board: play O against the notebook's model at each stage of its
 * training (pre-trained, SFT, RLHF). The model plays X and moves first.
 *
 * The data (board.json, written by `python -m lesson_code.tictactoe --board FILE`;
 * see lesson_code/tictactoe/board.py) lists, for every board X can be asked to
 * move on, each stage's move probabilities, the reward model's score and the
 * RLHF policy's KL to the SFT model. Boards are not stored: they are the boards
 * with as many X as O and no line, in increasing board code (cell i of code c
 * is floor(c / 3^i) % 3: 0 empty, 1 X, 2 O), which `positions()` enumerates.
 * A stage stores, per board, its probabilities in thousandths for the empty
 * cells in cell order, the last one left out (1000 minus the others).
 *
 * The contract the tests read: the root [data-widget="tictactoe"];
 * select[data-opponent] (pretrained, sft, rlhf); button[data-cell="0".."8"],
 * row by row, each with data-mark ("X", "O" or "") and data-prob, the
 * probability the model gave the cell on its last move (0 for a cell that was
 * taken then); [data-result]: "" while the game runs, then "X wins", "O wins"
 * or "Draw"; [data-reset] starts a new game (the model's first move included).
 *
 * widgets.js sets the board up when it comes near the viewport and loads its data.
 */
(function () {
  "use strict";

  const SELECTOR = '[data-widget="tictactoe"]';
  const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
  let widgetCount = 0;

  /* ---------- data ---------- */

  /** The winner of a board of "X", "O" and "" cells: "X", "O" or "". */
  function winner(board) {
    for (const [a, b, c] of LINES) {
      if (board[a] && board[a] === board[b] && board[a] === board[c]) {
        return board[a];
      }
    }
    return "";
  }

  /** Board code -> index of every board X moves on (as many X as O, no line). */
  function positions() {
    const index = new Map();
    for (let code = 0; code < 19683; code++) {
      const board = [];
      let x = 0;
      let o = 0;
      for (let i = 0, rest = code; i < 9; i++, rest = Math.floor(rest / 3)) {
        const digit = rest % 3;
        board.push(digit === 1 ? "X" : digit === 2 ? "O" : "");
        x += digit === 1;
        o += digit === 2;
      }
      if (x === o && !winner(board)) {
        index.set(code, { board: board, i: index.size });
      }
    }
    return index;
  }

  /** Decode the stored numbers into {index, probs: {stage: [[9 probabilities] per board]}, score, kl}. */
  function decode(data) {
    const index = positions();
    if (!data || data.format !== 1 || data.positions !== index.size || !data.probs || !data.scales) {
      throw new Error("unexpected data format");
    }
    const scale = data.scales.prob;
    const probs = {};
    Object.keys(data.opponents).forEach(function (stage) {
      const stored = data.probs[stage];
      const rows = [];
      let at = 0;
      index.forEach(function (entry) {
        const row = new Array(9).fill(0);
        let left = scale;
        const empty = [];
        entry.board.forEach(function (mark, cell) {
          if (!mark) {
            empty.push(cell);
          }
        });
        empty.forEach(function (cell, k) {
          const value = k < empty.length - 1 ? stored[at++] : left;
          left -= value;
          row[cell] = value / scale;
        });
        rows.push(row);
      });
      if (!Array.isArray(stored) || at !== stored.length || !rows.flat().every(Number.isFinite)) {
        throw new Error("damaged probabilities of " + stage);
      }
      probs[stage] = rows;
    });
    if (data.score.length !== index.size || data.kl.length !== index.size) {
      throw new Error("damaged scores");
    }
    return {
      index: index,
      names: data.opponents,
      probs: probs,
      score: data.score.map(function (s) {
        return s / data.scales.score;
      }),
      kl: data.kl.map(function (k) {
        return k / data.scales.kl;
      }),
    };
  }

  /* ---------- DOM helpers ---------- */

  function h(tag, attrs, children) {
    const element = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([name, value]) {
      if (name === "text") {
        element.textContent = value;
      } else {
        element.setAttribute(name, value);
      }
    });
    (children || []).forEach(function (child) {
      element.append(child);
    });
    return element;
  }

  function percent(p) {
    return (100 * p).toFixed(1) + "%";
  }

  function where(cell) {
    return "row " + (Math.floor(cell / 3) + 1) + ", column " + ((cell % 3) + 1);
  }

  /* ---------- one board ---------- */

  function buildUi(root, tables) {
    const id = "tictactoe-" + ++widgetCount;
    const select = h(
      "select",
      { id: id + "-opponent", class: "tictactoe__select", "data-opponent": "" },
      Object.entries(tables.names).map(function ([value, name]) {
        return h("option", { value: value, text: name });
      })
    );
    const sample = h("input", { id: id + "-sample", type: "checkbox", role: "switch", "data-sample": "" });
    const reset = h("button", { type: "button", class: "md-button tictactoe__reset", "data-reset": "", text: "New game" });
    const cells = [];
    for (let cell = 0; cell < 9; cell++) {
      cells.push(
        h("button", { type: "button", class: "tictactoe__cell", "data-cell": String(cell), "data-mark": "", "data-prob": "0", tabindex: cell === 4 ? "0" : "-1" }, [
          h("span", { class: "tictactoe__heat", "aria-hidden": "true" }),
          h("span", { class: "tictactoe__mark", "aria-hidden": "true" }),
          h("span", { class: "tictactoe__pct", "aria-hidden": "true" }),
        ])
      );
    }
    const grid = h("div", { class: "tictactoe__board", role: "group", "aria-label": "Board: arrow keys move between cells, Enter or Space plays O" }, cells);
    const score = h("dd", { class: "tictactoe__score" });
    const kl = h("dd", { class: "tictactoe__kl" });
    const moves = h("ol", { class: "tictactoe__moves", "aria-label": "Moves so far" });
    const status = h("p", { class: "tictactoe__status", "aria-live": "polite", role: "status" });
    const result = h("p", { class: "tictactoe__result", "data-result": "" });
    const controls = h("div", { class: "tictactoe__controls" }, [
      h("label", { for: select.id, text: "Opponent (X)" }),
      select,
      h("label", { for: sample.id, class: "tictactoe__switch" }, [sample, " Sample at temperature 1 (else its top move)"]),
      reset,
    ]);
    const side = h("div", { class: "tictactoe__side" }, [
      h("dl", { class: "tictactoe__facts" }, [
        h("div", {}, [h("dt", { text: "Reward model's score of the position X moved from" }), score]),
        h("div", {}, [h("dt", { text: "KL(RLHF ‖ SFT) there" }), kl]),
      ]),
      result,
      status,
      moves,
    ]);
    root.append(
      h("div", { class: "tictactoe__app" }, [
        controls,
        h("div", { class: "tictactoe__main" }, [grid, side]),
        h("p", {
          class: "tictactoe__note",
          text: "Each cell shows the probability the model gave it before its last move: its softmax over the empty cells. Higher reward-model scores are positions it expects to end well for X.",
        }),
      ])
    );
    return { select: select, sample: sample, reset: reset, cells: cells, grid: grid, score: score, kl: kl, moves: moves, status: status, result: result };
  }

  function start(root, tables) {
    const ui = buildUi(root, tables);
    const state = { board: [], probs: [], over: false };

    function code(board) {
      return board.reduce(function (sum, mark, i) {
        return sum + (mark === "X" ? 1 : mark === "O" ? 2 : 0) * Math.pow(3, i);
      }, 0);
    }

    /** The model's move: its top cell (the lowest on a tie) or, with the switch on, a draw. */
    function choose(probs) {
      if (!ui.sample.checked) {
        return probs.indexOf(Math.max.apply(null, probs));
      }
      let r = Math.random();
      let last = -1;
      for (let cell = 0; cell < 9; cell++) {
        if (probs[cell] > 0) {
          last = cell;
          if (r < probs[cell]) {
            return cell;
          }
          r -= probs[cell];
        }
      }
      return last;
    }

    function drawCell(cell) {
      const button = ui.cells[cell];
      const mark = state.board[cell];
      const p = state.probs[cell] || 0;
      button.dataset.mark = mark;
      button.dataset.prob = p.toFixed(3);
      // The tint grows with the square root, so that a 5% cell is still seen.
      button.style.setProperty("--heat", p > 0 ? (0.06 + 0.44 * Math.sqrt(p)).toFixed(3) : "0");
      button.querySelector(".tictactoe__mark").textContent = mark;
      button.querySelector(".tictactoe__pct").textContent = p > 0 ? percent(p) : "";
      button.setAttribute("aria-disabled", String(Boolean(mark) || state.over));
      button.setAttribute("aria-label", where(cell) + ": " + (mark || "empty") + ", model gave it " + percent(p));
    }

    function addMove(mark, cell, p) {
      const text = mark + " " + where(cell) + (mark === "X" ? " (" + percent(p) + ")" : "");
      ui.moves.append(h("li", { text: text }));
    }

    /** End the game if it is over; return the announcement. */
    function finish() {
      const won = winner(state.board);
      const full = state.board.every(Boolean);
      if (!won && !full) {
        return "";
      }
      state.over = true;
      ui.result.textContent = won ? won + " wins" : "Draw";
      return " " + ui.result.textContent + ".";
    }

    function modelMove() {
      const entry = tables.index.get(code(state.board));
      const stage = ui.select.value;
      const probs = tables.probs[stage][entry.i];
      const cell = choose(probs);
      state.probs = probs;
      state.board[cell] = "X";
      ui.score.textContent = tables.score[entry.i].toFixed(2);
      ui.kl.textContent = stage === "rlhf" ? tables.kl[entry.i].toFixed(3) + " nats" : "(RLHF opponent only)";
      addMove("X", cell, probs[cell]);
      const end = finish();
      ui.status.textContent = "X (" + tables.names[stage] + ") played " + where(cell) + ", probability " + percent(probs[cell]) + "." + (end || " Your move.");
    }

    function redraw() {
      for (let cell = 0; cell < 9; cell++) {
        drawCell(cell);
      }
    }

    function newGame() {
      state.board = new Array(9).fill("");
      state.probs = [];
      state.over = false;
      ui.moves.replaceChildren();
      ui.result.textContent = "";
      modelMove();
      redraw();
    }

    function play(cell) {
      if (state.over || state.board[cell]) {
        return;
      }
      state.board[cell] = "O";
      state.probs = state.probs.slice();
      state.probs[cell] = 0;
      addMove("O", cell, 0);
      const end = finish();
      if (end) {
        ui.status.textContent = "You played " + where(cell) + "." + end;
      } else {
        modelMove();
      }
      redraw();
    }

    function focusCell(cell) {
      ui.cells.forEach(function (button, i) {
        button.tabIndex = i === cell ? 0 : -1;
      });
      ui.cells[cell].focus();
    }

    const STEPS = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -3, ArrowDown: 3 };
    ui.grid.addEventListener("keydown", function (event) {
      const button = event.target.closest("[data-cell]");
      if (!button || !(event.key in STEPS)) {
        return;
      }
      const cell = Number(button.dataset.cell);
      const step = STEPS[event.key];
      const next = cell + step;
      const sameRow = Math.abs(step) === 1 ? Math.floor(next / 3) === Math.floor(cell / 3) : true;
      if (next >= 0 && next < 9 && sameRow) {
        focusCell(next);
      }
      event.preventDefault();
    });
    ui.grid.addEventListener("click", function (event) {
      const button = event.target.closest("[data-cell]");
      if (button) {
        focusCell(Number(button.dataset.cell));
        play(Number(button.dataset.cell));
      }
    });
    ui.select.addEventListener("change", newGame);
    ui.reset.addEventListener("click", newGame);
    newGame();
  }

  function showError(root, message) {
    root.querySelectorAll(".tictactoe__app, .tictactoe__error").forEach(function (element) {
      element.remove();
    });
    root.prepend(h("p", { class: "tictactoe__error", role: "status", text: message }));
  }

  function setup(root) {
    root.dataset.state = "loading";
    let url;
    try {
      url = new URL(root.getAttribute("data-src") || "", document.baseURI).href;
    } catch (error) {
      showError(root, "The board has no valid data address.");
      root.dataset.state = "error";
      return;
    }
    window.courseWidgets.loadData(url, decode)
      .then(function (tables) {
        start(root, tables);
        root.dataset.state = "ready";
      })
      .catch(function (error) {
        showError(root, "The board's data could not be loaded (" + error.message + ").");
        root.dataset.state = "error";
      });
  }

  window.courseWidgets.register(SELECTOR, setup);
})();
