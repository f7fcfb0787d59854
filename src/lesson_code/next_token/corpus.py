"""The corpus the model reads: hand-written sentences, then the grammar's sentences.

The hand-written sentences are data shipped with the package
(``data/handwritten_sentences.txt``: one lower-case sentence a line, ``#`` starts
a comment line). The grammar's sentences are drawn when the corpus is read, in
memory; nothing is written back into the package.

```python
from lesson_code.next_token import grammar_sentences, handwritten_sentences, read_corpus
corpus = read_corpus()
assert corpus == handwritten_sentences() + grammar_sentences()
```
"""

from __future__ import annotations

from importlib.resources import files

from lesson_code.next_token.grammar import grammar_sentences


def parse_sentences(text: str) -> list[str]:
    """The sentences of a corpus ``text``: every non-empty line that is not a ``#`` comment."""
    lines = text.splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def handwritten_sentences() -> list[str]:
    """The hand-written sentences shipped in ``lesson_code/next_token/data``, in file order."""
    resource = files("lesson_code.next_token") / "data" / "handwritten_sentences.txt"
    return parse_sentences(resource.read_text(encoding="utf-8"))


def read_corpus() -> list[str]:
    """The whole corpus: the hand-written sentences, then the grammar's, with its defaults."""
    return handwritten_sentences() + grammar_sentences()
