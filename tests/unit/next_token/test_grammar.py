"""The template grammar, read from the package's data file, and the sentences it draws."""

from __future__ import annotations

import json
import random
import re

import pytest

from lesson_code.next_token import GRAMMAR, expand, grammar_sentences, normalise, parse_grammar
from lesson_code.next_token.grammar import START, load_grammar


def test_grammar_is_deterministic_for_a_seed():
    assert grammar_sentences(200, seed=5) == grammar_sentences(200, seed=5)
    assert grammar_sentences(200, seed=5) != grammar_sentences(200, seed=6)


def test_grammar_sentences_are_normalised_and_distinct():
    sentences = grammar_sentences(300)
    assert len(set(sentences)) == len(sentences)
    assert all(sentence == normalise(sentence) for sentence in sentences)


def test_expand_rejects_an_unknown_symbol():
    with pytest.raises(ValueError, match="symbol"):
        expand("no_such_symbol", random.Random(0))


def test_grammar_sentences_rejects_a_negative_count():
    with pytest.raises(ValueError, match="n_draws"):
        grammar_sentences(-1)


def test_grammar_is_the_data_file_with_every_symbol_reachable():
    assert load_grammar() == GRAMMAR
    reachable, todo = set(), [START]
    while todo:
        symbol = todo.pop()
        if symbol not in reachable:
            reachable.add(symbol)
            todo += [m for alt in GRAMMAR[symbol] for m in re.findall(r"<(\w+)>", alt)]
    assert reachable == GRAMMAR.keys()


def test_parse_grammar_keeps_the_alternatives_in_file_order():
    text = json.dumps({"symbols": {"sentence": ["<who> wins .", "draw ."], "who": ["b", "a"]}})
    assert parse_grammar(text) == {"sentence": ("<who> wins .", "draw ."), "who": ("b", "a")}


@pytest.mark.parametrize(
    ("grammar", "problem"),
    [
        ("not json", "JSON"),
        ({"sentence": ["a ."]}, "symbols"),
        ({"symbols": {"other": ["a ."]}}, "'sentence'"),
        ({"symbols": {"sentence": []}}, "list of strings"),
        ({"symbols": {"sentence": ["<missing> ."]}}, "unknown symbols"),
    ],
    ids=["not-json", "no-symbols", "no-start-symbol", "no-alternatives", "unknown-symbol"],
)
def test_parse_grammar_rejects_a_malformed_grammar(grammar: str | dict, problem: str):
    text = grammar if isinstance(grammar, str) else json.dumps(grammar)
    with pytest.raises(ValueError, match=f"text: .*{problem}"):
        parse_grammar(text)
