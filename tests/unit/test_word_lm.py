"""The word-level language model behind the next-token widget, and its exported data.

Training takes a few seconds, so the model is trained once per module. The
staleness tests retrain from the committed corpus and compare with the
committed data: stale data (code or corpus changed, data not regenerated) fails.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

from lesson_code import word_lm
from lesson_code.word_lm import (
    END,
    GENERATED_MARKER,
    JSON_PATH,
    PROMPTS,
    SNIPPET_PATH,
    SPECIALS,
    TrainConfig,
    WordTokenizer,
    build_tree,
    export_data,
    grammar_sentences,
    next_word_logits,
    normalise,
    read_corpus,
    render_snippet,
    softmax,
    train,
)

LOGIT_TOLERANCE = 1e-3  # across CPUs: different SIMD paths round differently
K, DEPTH = 6, 3


@pytest.fixture(scope="module")
def trained() -> word_lm.TrainResult:
    return train(read_corpus())


@pytest.fixture(scope="module")
def exported(trained: word_lm.TrainResult) -> dict:
    return json.loads(word_lm.dumps_data(export_data(trained)))


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(JSON_PATH.read_text(encoding="utf-8"))


def walk(node: dict | None, context: tuple[str, ...], words: list[str], depth: int = 0):
    """Yield (node, context tokens, depth) for every node of an exported tree."""
    if node is None:
        return
    yield node, context, depth
    if "c" not in node:
        return
    for word_id, child in zip(node["w"], node["c"], strict=True):
        yield from walk(child, (*context, words[word_id]), words, depth + 1)


def all_nodes(data: dict):
    """Every (node, context, depth) of every prompt's tree."""
    for prompt in data["prompts"]:
        yield from walk(prompt["tree"], tuple(word_lm.tokenise(prompt["text"])), data["words"])


# --- corpus and tokenizer ---------------------------------------------------


def test_corpus_lines_are_lower_case_normalised_sentences():
    sentences = read_corpus()
    assert 500 <= len(sentences) <= 5000
    for sentence in sentences:
        assert sentence == normalise(sentence) == sentence.lower()
        assert sentence.endswith(END)


def test_corpus_has_no_duplicate_sentences():
    sentences = read_corpus()
    assert len(set(sentences)) == len(sentences)


def test_generated_part_of_the_corpus_is_the_grammar_output():
    text = word_lm.CORPUS_PATH.read_text(encoding="utf-8")
    _, _, generated = text.partition(GENERATED_MARKER)
    assert generated.strip().splitlines() == grammar_sentences()


def test_grammar_is_deterministic_for_a_seed():
    assert grammar_sentences(200, seed=5) == grammar_sentences(200, seed=5)
    assert grammar_sentences(200, seed=5) != grammar_sentences(200, seed=6)


def test_expand_rejects_an_unknown_symbol():
    with pytest.raises(ValueError, match="symbol"):
        word_lm.expand("no_such_symbol", word_lm.random.Random(0))


def test_tokenizer_round_trips_every_corpus_sentence():
    sentences = read_corpus()
    tok = WordTokenizer.from_sentences(sentences)
    for sentence in sentences:
        ids = tok.encode(sentence)
        assert ids[0] == tok.index["<s>"]
        assert tok.decode(ids) == sentence


def test_tokenizer_maps_unknown_words_to_unk():
    tok = WordTokenizer.from_sentences(["the coach shows you a board."])
    ids = tok.encode("the referee shows you a board.", bos=False)
    assert tok.decode(ids) == "the <unk> shows you a board."


def test_tokenise_splits_punctuation_and_lower_cases():
    assert word_lm.tokenise("When you LOSE, you self-learn.") == [
        "when", "you", "lose", ",", "you", "self-learn", ".",
    ]  # fmt: skip


# --- training ---------------------------------------------------------------


def test_training_calls_next_token_loss(monkeypatch: pytest.MonkeyPatch):
    calls = []
    original = word_lm.next_token_loss

    def spy(logits, labels, **kwargs):
        calls.append(tuple(logits.shape))
        return original(logits, labels, **kwargs)

    monkeypatch.setattr(word_lm, "next_token_loss", spy)
    train(read_corpus()[:60], TrainConfig(epochs=1, batch_size=16))
    assert calls
    assert all(len(shape) == 3 for shape in calls)


def test_training_is_deterministic_for_a_seed():
    sentences = read_corpus()[:80]
    config = TrainConfig(epochs=2, batch_size=16)
    first, second = train(sentences, config), train(sentences, config)
    first_state, second_state = first.model.state_dict(), second.model.state_dict()
    for name, tensor in first_state.items():
        assert torch.equal(tensor, second_state[name]), name
    assert first.heldout_loss == second.heldout_loss


def test_model_is_small_and_learns_the_corpus(trained: word_lm.TrainResult):
    assert trained.parameters <= 300_000
    # A uniform guess has perplexity V; the trained model is far more certain on unseen sentences.
    assert trained.heldout_perplexity < len(trained.tokenizer) / 20
    assert math.isclose(trained.heldout_perplexity, math.exp(trained.heldout_loss))


# --- the exported tree ------------------------------------------------------


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


def test_logits_are_rounded_to_four_decimals(exported: dict):
    for node, _, _ in all_nodes(exported):
        assert all(round(z, 4) == z for z in node["l"])


def test_exported_logits_are_the_models_top_k_logits(trained, exported: dict):
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
def test_probabilities_from_exported_logits_are_renormalised_full_softmax(trained, exported, T):
    nodes = list(all_nodes(exported))[:200]
    full = next_word_logits(trained, [context for _, context, _ in nodes])
    index = trained.tokenizer.index
    for (node, _, _), row in zip(nodes, full, strict=True):
        p_full = torch.softmax(row.double() / T, dim=0)
        ids = [index[exported["words"][i]] for i in node["w"]]
        renormalised = p_full[ids] / p_full[ids].sum()
        shown = torch.tensor(softmax(node["l"], T), dtype=torch.double)
        assert torch.allclose(shown, renormalised, atol=1e-4)


def test_model_facts_describe_the_trained_model(trained, exported: dict):
    facts = exported["model"]
    assert facts["parameters"] == trained.parameters
    assert facts["vocab_size"] == len(trained.tokenizer)
    assert facts["top_k"] == K
    assert facts["depth"] == DEPTH
    assert math.isclose(facts["heldout_perplexity"], trained.heldout_perplexity, abs_tol=0.01)


def test_softmax_rejects_a_non_positive_temperature():
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0, 2.0], 0.0)


def test_build_tree_rejects_a_prompt_outside_the_vocabulary(trained):
    with pytest.raises(ValueError, match="prompt"):
        build_tree(trained, "the referee", K, DEPTH)


# --- staleness: the committed files are what the code produces --------------


def assert_same_tree(committed: dict | None, fresh: dict | None) -> None:
    """Same structure and words exactly; logits within LOGIT_TOLERANCE."""
    if committed is None or fresh is None:
        assert committed is fresh
        return
    assert committed["w"] == fresh["w"]
    assert committed.keys() == fresh.keys()
    gaps = [abs(a - b) for a, b in zip(committed["l"], fresh["l"], strict=True)]
    assert max(gaps) <= LOGIT_TOLERANCE
    for a, b in zip(committed.get("c", []), fresh.get("c", []), strict=True):
        assert_same_tree(a, b)


def test_committed_data_is_what_the_current_code_and_corpus_produce(committed, exported):
    assert committed["words"] == exported["words"]
    assert [p["text"] for p in committed["prompts"]] == [p["text"] for p in exported["prompts"]]
    for old, new in zip(committed["prompts"], exported["prompts"], strict=True):
        assert_same_tree(old["tree"], new["tree"])
    approximate = {"heldout_loss": LOGIT_TOLERANCE, "heldout_perplexity": 0.02}
    for key, value in exported["model"].items():
        if key in approximate:
            assert math.isclose(committed["model"][key], value, abs_tol=approximate[key]), key
        else:
            assert committed["model"][key] == value, key
    assert committed["model"].keys() == exported["model"].keys()


def test_committed_snippet_is_rendered_from_the_committed_data(committed):
    assert SNIPPET_PATH.read_text(encoding="utf-8") == render_snippet(committed)


def test_snippet_fallback_table_lists_the_first_prompts_words(committed):
    snippet = render_snippet(committed)
    first = committed["prompts"][0]
    assert 'data-widget="next-token"' in snippet
    assert "\n\n" not in snippet  # one raw HTML block for Markdown
    for word_id, p in zip(first["tree"]["w"], softmax(first["tree"]["l"]), strict=True):
        assert f"<td>{committed['words'][word_id]}</td>" in snippet
        assert f"{p:.1%}" in snippet
