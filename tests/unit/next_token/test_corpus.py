"""The corpus: the shipped hand-written sentences, then the grammar's, built in memory."""

from __future__ import annotations

from lesson_code.next_token import (
    END,
    grammar_sentences,
    handwritten_sentences,
    normalise,
    parse_sentences,
    read_corpus,
)


def test_corpus_lines_are_lower_case_normalised_sentences():
    sentences = read_corpus()
    assert 500 <= len(sentences) <= 5000
    for sentence in sentences:
        assert sentence == normalise(sentence) == sentence.lower()
        assert sentence.endswith(END)


def test_corpus_has_no_duplicate_sentences():
    sentences = read_corpus()
    assert len(set(sentences)) == len(sentences)


def test_corpus_is_the_handwritten_sentences_then_the_grammar_output():
    handwritten = handwritten_sentences()
    assert 50 <= len(handwritten) <= 500
    assert read_corpus() == handwritten + grammar_sentences()


def test_parse_sentences_skips_comments_and_blank_lines():
    text = "# a comment\n\nthe coach shows you a board.\n  a pawn is small.  \n"
    assert parse_sentences(text) == ["the coach shows you a board.", "a pawn is small."]
