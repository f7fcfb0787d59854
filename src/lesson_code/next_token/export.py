"""The widget's data: a tree of the model's top-k next-word logits for each prompt.

For each prompt, :func:`build_tree` records the model's ``k`` most likely next
words with their logits, then the same for each of those words appended to the
prompt, ``depth`` words deep. The page turns logits into probabilities at any
temperature with :func:`softmax`, over the exported words only. Logits are
rounded to 4 decimals. :func:`render_snippet` writes the widget's root element
with a static table for readers without JavaScript.

The exported logits are reproducible to within 1e-3 on any CPU. torch's kernels
round differently between instruction sets (AVX-512, AVX2, none), which moves a
retrained model's logits by up to 2.4e-5, at most one unit of the fourth, last
exported decimal; 1e-3 leaves a tenfold margin. Candidates whose logits are that
close (some are only 2e-5 apart) can trade places, or the k-th word can change.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterator, Sequence

import torch

from lesson_code.next_token.model import TrainResult, encode_batch
from lesson_code.next_token.tokenizer import END, SPECIALS, WordTokenizer, detokenise, tokenise

# Where the chapter page (/deep-learning-paradigms/) finds the data, relative to itself.
DATA_URL = "../assets/next-token/next-token.json"

PROMPTS = (
    "the coach shows you",
    "in the opening you should",
    "a good player always",
    "after every game the player",
    "the book says that",
    "when you lose a game you",
    "to win the game you must",
    "by playing many games you",
)


def next_word_logits(result: TrainResult, contexts: Sequence[Sequence[str]]) -> torch.Tensor:
    """The model's full next-word logits ``[N, V]`` after each context (a list of tokens)."""
    tok = result.tokenizer
    texts = [detokenise(context) for context in contexts]
    ids, labels = encode_batch(tok, texts)
    last = (labels != -100).sum(dim=1) - 1  # position of each context's last token
    with torch.no_grad():
        logits = result.model(ids)
    return logits[torch.arange(len(texts)), last]


def top_candidates(logits: torch.Tensor, tok: WordTokenizer, k: int) -> list[tuple[str, float]]:
    """The ``k`` words with the highest logits (special tokens excluded), highest first."""
    masked = logits.clone()
    masked[[tok.index[s] for s in SPECIALS]] = -math.inf
    values, indices = masked.topk(k)
    return [(tok.words[i], v) for i, v in zip(indices.tolist(), values.tolist(), strict=True)]


def build_tree(result: TrainResult, prompt: str, k: int, depth: int) -> dict:
    """The tree of top-``k`` continuations of ``prompt``, ``depth`` words deep.

    A node is ``{"w": [word ids into the export's word list], "l": [logits], "c": [children]}``;
    the candidates are sorted by logit, highest first. Nodes at ``depth`` have no ``"c"``;
    a child is ``None`` where the candidate ends the sentence (``"."``).
    Word ids are filled in by :func:`export_data`; here ``"w"`` holds the words themselves.
    """
    if any(word not in result.tokenizer.index for word in tokenise(prompt)):
        raise ValueError(f"prompt: expected only words from the vocabulary, got {prompt!r}")
    root: dict = {}
    frontier: list[tuple[dict, list[str]]] = [(root, tokenise(prompt))]
    for level in range(depth + 1):
        logits = next_word_logits(result, [context for _, context in frontier])
        next_frontier = []
        for (node, context), row in zip(frontier, logits, strict=True):
            pairs = top_candidates(row, result.tokenizer, k)
            node["w"] = [w for w, _ in pairs]
            node["l"] = [round(v, 4) for _, v in pairs]
            if level < depth:
                node["c"] = [None if w == END else {} for w, _ in pairs]
                next_frontier += [
                    (child, [*context, w])
                    for child, (w, _) in zip(node["c"], pairs, strict=True)
                    if child is not None
                ]
        frontier = next_frontier
    return root


def _index_words(node: dict | None, index: dict[str, int]) -> None:
    """Replace the words of a tree's nodes by their ids in ``index`` (in place)."""
    if node is None:
        return
    node["w"] = [index[w] for w in node["w"]]
    for child in node.get("c", []):
        _index_words(child, index)


def _tree_words(node: dict | None) -> Iterator[str]:
    """Every word that appears as a candidate in a tree."""
    if node is None:
        return
    yield from node["w"]
    for child in node.get("c", []):
        yield from _tree_words(child)


def export_data(
    result: TrainResult, prompts: Sequence[str] = PROMPTS, k: int = 6, depth: int = 3
) -> dict:
    """The widget's data: model facts, a shared word list and one tree per prompt."""
    trees = [build_tree(result, prompt, k, depth) for prompt in prompts]
    used = sorted({w for tree in trees for w in _tree_words(tree)})
    index = {w: i for i, w in enumerate(used)}
    for tree in trees:
        _index_words(tree, index)
    return {
        "model": model_facts(result, k, depth),
        "words": used,
        "prompts": [{"text": p, "tree": t} for p, t in zip(prompts, trees, strict=True)],
    }


def model_facts(result: TrainResult, k: int, depth: int) -> dict:
    """What the page can say about the model: size, data and held-out quality."""
    return {
        "architecture": "word embeddings → GRU → linear read-out",
        "parameters": result.parameters,
        "vocab_size": len(result.tokenizer),
        "train_sentences": result.train_sentences,
        "heldout_sentences": result.heldout_sentences,
        "train_tokens": result.train_tokens,
        "heldout_loss": round(result.heldout_loss, 4),
        "heldout_perplexity": round(result.heldout_perplexity, 2),
        "epochs": result.config.epochs,
        "seed": result.config.seed,
        "top_k": k,
        "depth": depth,
    }


def dumps_data(data: dict) -> str:
    """Compact, stable JSON text of the widget data (ends with a newline)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def softmax(logits: Sequence[float], temperature: float = 1.0) -> list[float]:
    """softmax(logits / T) over the given logits only: what the widget shows.

    $$p_i = \\frac{\\exp(z_i / T)}{\\sum_j \\exp(z_j / T)}$$

    ```python
    from lesson_code.next_token import softmax
    assert abs(sum(softmax([2.0, 1.0, 0.5], 0.7)) - 1) < 1e-12
    ```
    """
    if temperature <= 0:
        raise ValueError(f"temperature: expected a positive number, got {temperature}")
    top = max(logits)
    weights = [math.exp((z - top) / temperature) for z in logits]
    total = sum(weights)
    return [w / total for w in weights]


def render_snippet(data: dict, data_url: str = DATA_URL) -> str:
    """The widget's root element: a static table of the first prompt's distribution at T = 1.

    ``data_url`` is where the page's script fetches the data, relative to the page.
    The page's script builds the interactive widget inside the root and hides the table.
    The HTML has no blank lines, so Markdown keeps it as one raw HTML block.
    """
    first = data["prompts"][0]
    words = [data["words"][i] for i in first["tree"]["w"]]
    probs = softmax(first["tree"]["l"], 1.0)
    k = data["model"]["top_k"]
    rows = "\n".join(
        f'      <tr><td>{html.escape(w)}</td><td class="next-token__num">{p:.1%}</td></tr>'
        for w, p in zip(words, probs, strict=True)
    )
    return (
        f'<div class="next-token" data-widget="next-token" data-src="{html.escape(data_url)}">\n'
        '  <div class="next-token__fallback">\n'
        "    <table>\n"
        f"      <caption>Next word after “{html.escape(first['text'])} …” "
        f"(temperature 1; probabilities renormalised over the model's top {k} words)"
        "</caption>\n"
        '      <thead><tr><th scope="col">Next word</th>'
        '<th scope="col" class="next-token__num">Probability</th></tr></thead>\n'
        f"      <tbody>\n{rows}\n      </tbody>\n"
        "    </table>\n"
        "  </div>\n"
        "</div>\n"
    )
