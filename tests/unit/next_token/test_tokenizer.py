"""Words and punctuation: the tokenizer and the vocabulary of the next-token model."""

from __future__ import annotations

from lesson_code.next_token import BOS, WordTokenizer, detokenise, normalise, read_corpus, tokenise


def test_tokenise_splits_punctuation_and_lower_cases():
    assert tokenise("When you LOSE, you self-learn.") == [
        "when", "you", "lose", ",", "you", "self-learn", ".",
    ]  # fmt: skip


def test_detokenise_attaches_punctuation_to_the_word_before():
    assert detokenise(["you", "lose", ",", "you", "learn", "."]) == "you lose, you learn."


def test_normalise_is_lower_case_with_single_spaces():
    assert normalise("  The Coach ,  says   so .") == "the coach, says so."


def test_tokenizer_round_trips_every_corpus_sentence():
    sentences = read_corpus()
    tok = WordTokenizer.from_sentences(sentences)
    for sentence in sentences:
        ids = tok.encode(sentence)
        assert ids[0] == tok.index[BOS]
        assert tok.decode(ids) == sentence


def test_tokenizer_maps_unknown_words_to_unk():
    tok = WordTokenizer.from_sentences(["the coach shows you a board."])
    ids = tok.encode("the referee shows you a board.", bos=False)
    assert tok.decode(ids) == "the <unk> shows you a board."
