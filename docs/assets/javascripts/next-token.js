/*
 * Next-token widget: choose a prompt and see a small language model's
 * probabilities for the next word, at a temperature you choose.
 *
 * The data (next-token.json, written by `python -m lesson_code.next_token`) holds,
 * for each prompt, a tree of the model's top-k next-word *logits*:
 *   node = { w: [word ids into data.words], l: [logits], c: [child node | null] }
 * Candidates are sorted by logit; a child is null where the candidate ends the
 * sentence, and nodes at the last level have no "c". The page computes
 * softmax(logit / T) over the exported candidates only, so the probabilities
 * are renormalised over the top k words, not the whole vocabulary.
 *
 * Every element with data-widget="next-token" becomes a widget; its data-src
 * attribute gives the data URL relative to the page. widgets.js sets it up when
 * it comes near the viewport and loads its data.
 */
(function () {
  "use strict";

  const SELECTOR = '[data-widget="next-token"]';
  const END = ".";
  let widgetCount = 0; // for unique element ids across widgets and navigations

  /* ---------- data ---------- */

  /** Throw unless `node` has matching arrays of word ids and logits. */
  function checkNode(node, words) {
    const ok =
      node !== null &&
      typeof node === "object" &&
      Array.isArray(node.w) &&
      Array.isArray(node.l) &&
      node.w.length > 0 &&
      node.w.length === node.l.length &&
      node.w.every(function (id) {
        return typeof words[id] === "string";
      }) &&
      node.l.every(Number.isFinite) &&
      (node.c === undefined || (Array.isArray(node.c) && node.c.length === node.w.length));
    if (!ok) {
      throw new Error("malformed tree node");
    }
  }

  /** Check the top level of the data and every prompt's first node. */
  function checkData(data) {
    if (!data || !Array.isArray(data.words) || !Array.isArray(data.prompts) || !data.prompts.length) {
      throw new Error("unexpected data format");
    }
    data.prompts.forEach(function (prompt) {
      if (typeof prompt.text !== "string") {
        throw new Error("prompt without text");
      }
      checkNode(prompt.tree, data.words);
    });
    return data;
  }

  /** softmax(logits / T), computed stably (the largest logit is subtracted first). */
  function softmax(logits, temperature) {
    const top = Math.max.apply(null, logits);
    const weights = logits.map(function (z) {
      return Math.exp((z - top) / temperature);
    });
    const total = weights.reduce(function (a, b) {
      return a + b;
    }, 0);
    return weights.map(function (w) {
      return w / total;
    });
  }

  /* ---------- DOM helpers ---------- */

  /** Create an element with attributes (and properties for `text`/`hidden`) and children. */
  function h(tag, attrs, children) {
    const element = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function (entry) {
      const name = entry[0];
      const value = entry[1];
      if (name === "text") {
        element.textContent = value;
      } else if (name === "hidden") {
        element.hidden = value;
      } else {
        element.setAttribute(name, value);
      }
    });
    (children || []).forEach(function (child) {
      element.append(child);
    });
    return element;
  }

  /** How a screen reader should say a token. */
  function spoken(word) {
    if (word === END) {
      return "full stop (ends the sentence)";
    }
    return word === "," ? "comma" : word;
  }

  /** "the coach" + ["why", "."] -> "the coach why." (no space before punctuation). */
  function joinWords(words) {
    return words.join(" ").replace(/ ([.,;:!?])/g, "$1");
  }

  function percent(p) {
    return (100 * p).toFixed(1) + "%";
  }

  /* ---------- one widget ---------- */

  /** Build the controls inside `root`; return the elements the widget updates. */
  function buildUi(root, data) {
    const id = "next-token-" + ++widgetCount;
    const facts = data.model || {};
    const k = facts.top_k || data.prompts[0].tree.w.length;
    const select = h(
      "select",
      { id: id + "-prompt", class: "next-token__select" },
      data.prompts.map(function (prompt, i) {
        return h("option", { value: String(i), text: prompt.text + " …" });
      })
    );
    const slider = h("input", {
      id: id + "-temperature",
      type: "range",
      min: "0.1",
      max: "2",
      step: "0.1",
      value: "1",
      class: "next-token__slider",
    });
    const shown = h("output", { for: id + "-temperature", class: "next-token__temperature", text: "1.0" });
    const sample = h("button", { type: "button", class: "md-button next-token__sample", text: "Sample" });
    const reset = h("button", { type: "button", class: "md-button next-token__reset", text: "Reset" });
    const text = h("p", { class: "next-token__text" });
    const status = h("p", { class: "next-token__status" });
    const rows = h("ol", { class: "next-token__rows", "aria-label": "Candidates for the next word" });
    const ui = {
      select: select,
      slider: slider,
      shown: shown,
      sample: sample,
      reset: reset,
      text: text,
      status: status,
      rows: rows,
    };
    const form = h("div", { class: "next-token__controls" }, [
      h("label", { for: select.id, text: "Prompt" }),
      select,
      h("label", { for: slider.id, text: "Temperature" }),
      h("span", { class: "next-token__range" }, [slider, shown]),
      h("span", { class: "next-token__buttons" }, [sample, reset]),
    ]);
    const result = h("div", { class: "next-token__result", "aria-live": "polite" }, [text, status]);
    const note = h("p", {
      class: "next-token__note",
      text:
        "Probabilities are softmax(logit / T) over the " +
        k +
        " words shown, the model's top " +
        k +
        ", renormalised over them (not over the whole vocabulary of " +
        (facts.vocab_size || "all") +
        " tokens). Click a word, or press Enter on it, to append it to the prompt.",
    });
    const about = h("p", { class: "next-token__facts", text: describeModel(facts) });
    root.append(h("div", { class: "next-token__app" }, [form, result, rows, note, about]));
    return ui;
  }

  /** One sentence about the model, from the facts the data carries. */
  function describeModel(facts) {
    if (!facts.parameters) {
      return "";
    }
    // 141807 -> "141,807". (toLocaleString would load the browser's locale
    // data first: tens of milliseconds on a phone, as the page loads.)
    const n = function (x) {
      return String(Math.round(Number(x))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    };
    return (
      "The model: " +
      facts.architecture +
      ", " +
      n(facts.parameters) +
      " parameters, trained with next_token_loss on " +
      n(facts.train_sentences) +
      " sentences about learning a strategy game (" +
      n(facts.train_tokens) +
      " tokens); held-out perplexity " +
      facts.heldout_perplexity +
      "."
    );
  }

  /** Wire up one widget root once its data has loaded. */
  function start(root, data) {
    const ui = buildUi(root, data);
    const state = { prompt: 0, path: [] }; // path: indices of the chosen candidates

    /** The tree node after the chosen words: null if a "." ended the sentence. */
    function currentNode() {
      let node = data.prompts[state.prompt].tree;
      state.path.forEach(function (i) {
        node = node && node.c ? node.c[i] : null;
      });
      if (node) {
        checkNode(node, data.words);
      }
      return node;
    }

    /** The words appended so far. */
    function chosenWords() {
      const words = [];
      let node = data.prompts[state.prompt].tree;
      state.path.forEach(function (i) {
        words.push(data.words[node.w[i]]);
        node = node.c ? node.c[i] : null;
      });
      return words;
    }

    function temperature() {
      return Number(ui.slider.value);
    }

    /** Redraw the text, the status line and the candidate rows. */
    function render() {
      const node = currentNode();
      const chosen = chosenWords();
      const promptText = data.prompts[state.prompt].text;
      ui.shown.textContent = temperature().toFixed(1);
      ui.text.replaceChildren(
        h("span", { class: "next-token__prompt", text: promptText }),
        h("span", { class: "next-token__chosen", text: chosen.length ? " " + joinWords(chosen) : "" }),
        node ? h("span", { class: "next-token__cursor", "aria-hidden": "true", text: " …" }) : ""
      );
      const canExtend = Boolean(node && node.c);
      ui.sample.disabled = !canExtend;
      ui.reset.disabled = chosen.length === 0;
      if (!node) {
        ui.rows.replaceChildren();
        ui.status.textContent = "The sentence is finished. Reset, or choose another prompt.";
        return;
      }
      const probs = softmax(node.l, temperature());
      ui.rows.replaceChildren(
        ...node.w.map(function (wordId, i) {
          return candidateRow(data.words[wordId], probs[i], i, canExtend);
        })
      );
      const top = data.words[node.w[0]];
      ui.status.textContent =
        "Most likely next word: “" +
        top +
        "” (" +
        percent(probs[0]) +
        ")." +
        (canExtend ? "" : " The exported tree ends here: reset to explore again.");
    }

    /** One candidate: a button with the word, a bar and the probability. */
    function candidateRow(word, p, i, enabled) {
      const button = h(
        "button",
        {
          type: "button",
          class: "next-token__row",
          "data-token": word,
          "data-prob": p.toFixed(6),
          "data-index": String(i),
          "aria-label": spoken(word) + ", " + percent(p),
        },
        [
          h("span", { class: "next-token__word", text: word }),
          h("span", { class: "next-token__bar", "aria-hidden": "true" }, [
            h("span", { class: "next-token__fill", style: "width: " + (100 * p).toFixed(2) + "%" }),
          ]),
          h("span", { class: "next-token__pct", text: percent(p) }),
        ]
      );
      button.disabled = !enabled;
      return h("li", {}, [button]);
    }

    /** Append candidate `i` to the prompt and move to its node. */
    function choose(i) {
      state.path.push(i);
      update();
    }

    /** Draw a candidate at the current temperature. */
    function sampleNext() {
      const node = currentNode();
      if (!node || !node.c) {
        return;
      }
      const probs = softmax(node.l, temperature());
      let r = Math.random();
      let i = 0;
      while (i < probs.length - 1 && r >= probs[i]) {
        r -= probs[i];
        i += 1;
      }
      choose(i);
      if (ui.sample.disabled) {
        ui.reset.focus(); // the sentence ended or the tree ran out: focus stays usable
      }
    }

    /** Redraw; a malformed deeper node shows a message instead of throwing. */
    function update() {
      try {
        render();
      } catch (error) {
        showError(root, "The next-word data is damaged (" + error.message + ").");
      }
    }

    /** Keep keyboard focus on the candidates after they are redrawn (else on Reset). */
    function focusFirstRow() {
      const first = ui.rows.querySelector("button:not([disabled])");
      (first || ui.reset).focus();
    }

    ui.rows.addEventListener("click", function (event) {
      const button = event.target.closest("button.next-token__row");
      if (button && !button.disabled) {
        choose(Number(button.dataset.index));
        focusFirstRow();
      }
    });
    ui.select.addEventListener("change", function () {
      state.prompt = Number(ui.select.value);
      state.path = [];
      update();
    });
    ui.slider.addEventListener("input", update);
    ui.sample.addEventListener("click", sampleNext);
    ui.reset.addEventListener("click", function () {
      state.path = [];
      update();
      ui.select.focus();
    });
    update();
  }

  /** Show a short message in the widget, above the static table if there is one. */
  function showError(root, message) {
    root.querySelectorAll(".next-token__app, .next-token__error").forEach(function (element) {
      element.remove();
    });
    const fallback = root.querySelector(".next-token__fallback");
    if (fallback) {
      fallback.hidden = false;
    }
    root.prepend(h("p", { class: "next-token__error", role: "status", text: message }));
  }

  /** Turn one root into a widget: load its data, build it, hide the static table. */
  function setup(root) {
    root.dataset.state = "loading";
    const src = root.getAttribute("data-src") || "";
    let url;
    try {
      url = new URL(src, document.baseURI).href;
    } catch (error) {
      showError(root, "The next-word widget has no valid data address.");
      root.dataset.state = "error";
      return;
    }
    window.courseWidgets.loadData(url, checkData)
      .then(function (data) {
        start(root, data);
        const fallback = root.querySelector(".next-token__fallback");
        if (fallback) {
          fallback.hidden = true;
        }
        root.dataset.state = "ready";
      })
      .catch(function (error) {
        showError(root, "The next-word data could not be loaded (" + error.message + ").");
        root.dataset.state = "error";
      });
  }

  window.courseWidgets.register(SELECTOR, setup);
})();
