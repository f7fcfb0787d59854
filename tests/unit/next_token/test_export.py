"""The widget's data: trees of the model's top-k next-word logits, and the fallback table."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import torch

from lesson_code.next_token import (
    END,
    PROMPTS,
    SPECIALS,
    TrainResult,
    build_tree,
    next_word_logits,
    render_snippet,
    softmax,
    tokenise,
)

K, DEPTH = 6, 3

Node = tuple[dict, tuple[str, ...], int]


def walk(node: dict | None, context: tuple[str, ...], words: list[str], depth: int = 0):
    """Yield (node, context tokens, depth) for every node of an exported tree."""
    if node is None:
        return
    yield node, context, depth
    if "c" not in node:
        return
    for word_id, child in zip(node["w"], node["c"], strict=True):
        yield from walk(child, (*context, words[word_id]), words, depth + 1)


def all_nodes(data: dict) -> Iterator[Node]:
    """Every (node, context, depth) of every prompt's tree."""
    for prompt in data["prompts"]:
        yield from walk(prompt["tree"], tuple(tokenise(prompt["text"])), data["words"])


def test_export_has_at_least_eight_prompts_with_their_text(exported: dict):
    assert [p["text"] for p in exported["prompts"]] == list(PROMPTS)
    assert len(PROMPTS) >= 8


def test_tree_has_top_k_candidates_to_depth_three(exported: dict):
    depths = set()
    for node, _, depth in all_nodes(exported):
        depths.add(depth)
        assert len(node["w"]) == len(node["l"]) == K
        assert node["l"] == sorted(node["l"], reverse=True)
        words = [exported["words"][i] for i in node["w"]]
        assert not set(words) & set(SPECIALS)
        if depth < DEPTH:
            assert [child is None for child in node["c"]] == [w == END for w in words]
        else:
            assert "c" not in node
    assert depths == {0, 1, 2, 3}


def test_word_list_is_every_candidate_word_once_sorted(exported: dict):
    used = {exported["words"][i] for node, _, _ in all_nodes(exported) for i in node["w"]}
    assert exported["words"] == sorted(used)


def test_logits_are_rounded_to_four_decimals(exported: dict):
    for node, _, _ in all_nodes(exported):
        assert all(round(z, 4) == z for z in node["l"])


def test_exported_logits_are_the_models_top_k_logits(trained: TrainResult, exported: dict):
    nodes = list(all_nodes(exported))
    full = next_word_logits(trained, [context for _, context, _ in nodes])
    full[:, [trained.tokenizer.index[s] for s in SPECIALS]] = -math.inf
    for (node, _, _), row in zip(nodes, full, strict=True):
        values, indices = row.topk(K)
        assert [exported["words"][i] for i in node["w"]] == [
            trained.tokenizer.words[i] for i in indices.tolist()
        ]
        assert torch.allclose(torch.tensor(node["l"]), values, atol=1e-4)


@pytest.mark.parametrize("T", [0.3, 1.0, 1.7])
def test_probabilities_from_exported_logits_are_renormalised_full_softmax(
    trained: TrainResult, exported: dict, T: float
):
    nodes = list(all_nodes(exported))[:200]
    full = next_word_logits(trained, [context for _, context, _ in nodes])
    index = trained.tokenizer.index
    for (node, _, _), row in zip(nodes, full, strict=True):
        p_full = torch.softmax(row.double() / T, dim=0)
        ids = [index[exported["words"][i]] for i in node["w"]]
        renormalised = p_full[ids] / p_full[ids].sum()
        shown = torch.tensor(softmax(node["l"], T), dtype=torch.double)
        assert torch.allclose(shown, renormalised, atol=1e-4)


def test_model_facts_describe_the_trained_model(trained: TrainResult, exported: dict):
    facts = exported["model"]
    assert facts["parameters"] == trained.parameters
    assert facts["vocab_size"] == len(trained.tokenizer)
    assert facts["top_k"] == K
    assert facts["depth"] == DEPTH
    assert facts["seed"] == trained.config.seed
    assert math.isclose(facts["heldout_perplexity"], trained.heldout_perplexity, abs_tol=0.01)


def test_softmax_rejects_a_non_positive_temperature():
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0, 2.0], 0.0)


def test_build_tree_rejects_a_prompt_outside_the_vocabulary(trained: TrainResult):
    with pytest.raises(ValueError, match="prompt"):
        build_tree(trained, "the referee", K, DEPTH)


def test_snippet_fallback_table_lists_the_first_prompts_words(exported: dict):
    snippet = render_snippet(exported)
    first = exported["prompts"][0]
    assert 'data-widget="next-token"' in snippet
    assert 'data-src="../assets/next-token/next-token.json"' in snippet
    assert "\n\n" not in snippet  # one raw HTML block for Markdown
    assert first["text"] in snippet
    for word_id, p in zip(first["tree"]["w"], softmax(first["tree"]["l"]), strict=True):
        assert f"<td>{exported['words'][word_id]}</td>" in snippet
        assert f"{p:.1%}" in snippet


def test_snippet_escapes_its_data_url(exported: dict):
    assert 'data-src="a.json?x=1&amp;y=2"' in render_snippet(exported, "a.json?x=1&y=2")
