"""Words and punctuation: the tokenizer of the next-token model.

Text is lower-cased and split into words (which may contain ``'`` or ``-``) and
the punctuation marks ``. , ; : ! ?``. The full stop ends every sentence, so it
is also the model's end-of-sentence token.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

PAD, BOS, UNK = "<pad>", "<s>", "<unk>"
SPECIALS = (PAD, BOS, UNK)
END = "."  # every sentence ends with a full stop: the model's end-of-sentence token

_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|[.,;:!?]")  # words (with ' or -), punctuation


def tokenise(text: str) -> list[str]:
    """Split ``text`` into lower-case words and punctuation marks.

    ```python
    from lesson_code.next_token import tokenise
    assert tokenise("The coach shows you.") == ["the", "coach", "shows", "you", "."]
    ```
    """
    return _TOKEN.findall(text.lower())


def detokenise(tokens: Sequence[str]) -> str:
    """Join tokens into text: a space before each word, none before punctuation."""
    text = " ".join(tokens)
    return re.sub(r" ([.,;:!?])", r"\1", text)


def normalise(text: str) -> str:
    """Lower-case ``text``; words separated by single spaces, punctuation attached."""
    return detokenise(tokenise(text))


@dataclass(frozen=True)
class WordTokenizer:
    """A word-level vocabulary: ids for ``<pad>``, ``<s>``, ``<unk>`` then the words, sorted."""

    words: tuple[str, ...]

    @classmethod
    def from_sentences(cls, sentences: Sequence[str]) -> WordTokenizer:
        """Build the vocabulary of every token in ``sentences``."""
        vocab = sorted({tok for sentence in sentences for tok in tokenise(sentence)})
        return cls(words=(*SPECIALS, *vocab))

    @cached_property
    def index(self) -> dict[str, int]:
        """Token → id."""
        return {word: i for i, word in enumerate(self.words)}

    def encode(self, text: str, *, bos: bool = True) -> list[int]:
        """Ids of ``text``'s tokens (unknown words → ``<unk>``), after ``<s>`` when ``bos``."""
        index = self.index
        ids = [index.get(tok, index[UNK]) for tok in tokenise(text)]
        return [index[BOS], *ids] if bos else ids

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``, leaving out ``<pad>`` and ``<s>``."""
        return detokenise([self.words[i] for i in ids if self.words[i] not in (PAD, BOS)])

    def __len__(self) -> int:
        return len(self.words)
