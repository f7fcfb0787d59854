"""A small word-level language model of a strategy-game corpus, for the next-token widget.

The chapter's metaphor for self-supervised learning is *reading every book
about the game*: nobody labels anything, the text itself supplies the targets.
This package makes that concrete. It trains a tiny GRU language model on a
corpus of hand-written sentences and sentences drawn from a template grammar
(both shipped in ``lesson_code/next_token/data``), with
:func:`lesson_code.pretraining.next_token_loss`, and exports, for a handful of
prompts, the model's next-word logits as a tree (prompt → top-k words → their
top-k words → ...), which the page's widget turns into probabilities at any
temperature.

- :mod:`~lesson_code.next_token.grammar`: the grammar and the sentences it draws;
- :mod:`~lesson_code.next_token.tokenizer`: words and punctuation, the vocabulary;
- :mod:`~lesson_code.next_token.corpus`: the sentences the model reads;
- :mod:`~lesson_code.next_token.model`: the GRU and its deterministic training;
- :mod:`~lesson_code.next_token.export`: the widget's data and its no-JavaScript fallback;
- ``python -m lesson_code.next_token --out DIR``: train and write the widget's files
  (see :mod:`lesson_code.next_token.__main__`). On any CPU, the exported logits agree
  with the committed data to within 1e-3.
"""

from lesson_code.next_token.corpus import handwritten_sentences, parse_sentences, read_corpus
from lesson_code.next_token.export import (
    DATA_URL,
    PROMPTS,
    build_tree,
    dumps_data,
    export_data,
    model_facts,
    next_word_logits,
    render_snippet,
    softmax,
    top_candidates,
)
from lesson_code.next_token.grammar import GRAMMAR, expand, grammar_sentences, parse_grammar
from lesson_code.next_token.model import (
    TrainConfig,
    TrainResult,
    WordGRU,
    deterministic,
    encode_batch,
    evaluate,
    fit,
    split_sentences,
    train,
)
from lesson_code.next_token.tokenizer import (
    BOS,
    END,
    PAD,
    SPECIALS,
    UNK,
    WordTokenizer,
    detokenise,
    normalise,
    tokenise,
)

__all__ = [
    "BOS",
    "DATA_URL",
    "END",
    "GRAMMAR",
    "PAD",
    "PROMPTS",
    "SPECIALS",
    "UNK",
    "TrainConfig",
    "TrainResult",
    "WordGRU",
    "WordTokenizer",
    "build_tree",
    "deterministic",
    "detokenise",
    "dumps_data",
    "encode_batch",
    "evaluate",
    "expand",
    "export_data",
    "fit",
    "grammar_sentences",
    "handwritten_sentences",
    "model_facts",
    "next_word_logits",
    "normalise",
    "parse_grammar",
    "parse_sentences",
    "read_corpus",
    "render_snippet",
    "softmax",
    "split_sentences",
    "tokenise",
    "top_candidates",
    "train",
]
