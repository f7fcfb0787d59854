"""The template grammar that writes most of the corpus, read from ``data/grammar.json``.

The grammar is data shipped with the package: ``{"about": ..., "symbols": {name:
[alternatives]}}``. An alternative is text in which ``<name>`` expands the symbol
``name``; repeating an alternative makes it more frequent. Sentences are drawn
from the symbol ``sentence`` with a seeded :class:`random.Random`, so the same
seed always gives the same sentences in the same order.
"""

from __future__ import annotations

import json
import random
import re
from importlib.resources import files

from lesson_code.next_token.tokenizer import normalise

START = "sentence"  # the symbol every sentence is drawn from
_SYMBOL = re.compile(r"<(\w+)>")


def parse_grammar(text: str) -> dict[str, tuple[str, ...]]:
    """The grammar in the JSON ``text``: each symbol's alternatives, in file order.

    Checks that every symbol has at least one alternative, that every ``<name>``
    refers to a symbol of the grammar and that the start symbol ``sentence`` exists.
    """
    try:
        symbols = json.loads(text)["symbols"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f'text: expected a JSON object with "symbols", got {error}') from None
    if not isinstance(symbols, dict) or START not in symbols:
        raise ValueError(f'text: expected "symbols" to be an object with the symbol {START!r}')
    grammar: dict[str, tuple[str, ...]] = {}
    for name, alternatives in symbols.items():
        if (
            not isinstance(alternatives, list)
            or not alternatives
            or not all(isinstance(a, str) for a in alternatives)
        ):
            raise ValueError(f"text: expected symbol {name!r} to have a list of strings")
        unknown = {m for a in alternatives for m in _SYMBOL.findall(a)} - symbols.keys()
        if unknown:
            raise ValueError(f"text: symbol {name!r} refers to unknown symbols {sorted(unknown)}")
        grammar[name] = tuple(alternatives)
    return grammar


def load_grammar() -> dict[str, tuple[str, ...]]:
    """The grammar shipped with the package, ``lesson_code/next_token/data/grammar.json``."""
    resource = files("lesson_code.next_token") / "data" / "grammar.json"
    return parse_grammar(resource.read_text(encoding="utf-8"))


GRAMMAR: dict[str, tuple[str, ...]] = load_grammar()


def expand(symbol: str, rng: random.Random, grammar: dict[str, tuple[str, ...]] = GRAMMAR) -> str:
    """Expand one grammar ``symbol`` into text, choosing alternatives with ``rng``.

    ```python
    import random
    from lesson_code.next_token import expand, normalise
    print(normalise(expand("sentence", random.Random(0))))
    ```
    """
    if symbol not in grammar:
        raise ValueError(f"symbol: expected one of the grammar's symbols, got {symbol!r}")
    template = rng.choice(grammar[symbol])
    return _SYMBOL.sub(lambda m: expand(m.group(1), rng, grammar), template)


def grammar_sentences(n_draws: int = 6000, seed: int = 1) -> list[str]:
    """Draw ``n_draws`` sentences from :data:`GRAMMAR`; keep the first of each duplicate.

    Deterministic: the same ``seed`` always gives the same list, in the same order.

    ```python
    from lesson_code.next_token import grammar_sentences
    assert grammar_sentences(50) == grammar_sentences(50)
    ```
    """
    if n_draws < 0:
        raise ValueError(f"n_draws: expected a non-negative number of draws, got {n_draws}")
    rng = random.Random(seed)
    drawn = (normalise(expand(START, rng)) for _ in range(n_draws))
    return list(dict.fromkeys(drawn))
