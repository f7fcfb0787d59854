"""The command that trains the next-token model and writes the widget's files.

```
python -m lesson_code.next_token --out DIR [--seed N] [--fallback FILE]
```

It writes ``DIR/next-token.json`` (the data the page's script loads) and the
no-JavaScript fallback, ``DIR/next-token-fallback.html`` or ``FILE``, and nothing
else: no path depends on where the package is installed or where the command is
run from. The site's committed copies are regenerated with

```
python -m lesson_code.next_token --out docs/assets/next-token \\
    --fallback snippets/next_token_widget.html
```

The site keeps the fallback in ``snippets/``, from where the chapter page includes
it with pymdownx.snippets; under ``docs/`` it would also be published as a page.

The run is deterministic: the same seed gives the same bytes on the same
machine. On another CPU, torch's kernels round differently, and the exported
logits (and the held-out loss) agree with the committed ones to within 1e-3.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from lesson_code.next_token.corpus import read_corpus
from lesson_code.next_token.export import DATA_URL, dumps_data, export_data, render_snippet
from lesson_code.next_token.model import TrainConfig, TrainResult, train

JSON_NAME = "next-token.json"
FALLBACK_NAME = "next-token-fallback.html"
SITE_COMMAND = (
    "python -m lesson_code.next_token --out docs/assets/next-token \\\n"
    "    --fallback snippets/next_token_widget.html"
)

DESCRIPTION = """\
Train the chapter's small word-level language model (a GRU) on the strategy-game
corpus, then write the data of the page's next-token widget: for each prompt, the
tree of the model's top-6 next-word logits, 3 words deep."""

EPILOG = f"""\
The run writes two files, and nothing else:
  DIR/{JSON_NAME}
      the model's facts, the words and one tree of logits per prompt
  DIR/{FALLBACK_NAME} (or FILE, with --fallback)
      the widget's root element with a table of the first prompt's probabilities,
      for readers without JavaScript; its data-src, {DATA_URL},
      is the data's URL relative to the chapter page

It prints the corpus and model sizes, the held-out loss and perplexity, the training
time and the size of the written files. The same seed gives the same files on the
same machine; on another CPU the logits agree to within 1e-3.

The site's copies are regenerated with:
{textwrap.indent(SITE_COMMAND, "  ")}"""


def generate(seed: int = TrainConfig.seed) -> tuple[TrainResult, dict]:
    """Train on :func:`read_corpus` with ``seed`` and export the widget data: the command's work."""
    result = train(read_corpus(), TrainConfig(seed=seed))
    return result, export_data(result)


def write_outputs(data: dict, out: Path, fallback: Path | None = None) -> tuple[Path, Path]:
    """Write ``out/next-token.json`` and the fallback HTML; return both paths.

    The fallback goes to ``fallback``, or to ``out/next-token-fallback.html`` when it is ``None``.
    """
    json_path = out / JSON_NAME
    fallback_path = out / FALLBACK_NAME if fallback is None else fallback
    for path in (json_path, fallback_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(dumps_data(data), encoding="utf-8")
    fallback_path.write_text(render_snippet(data), encoding="utf-8")
    return json_path, fallback_path


def report(result: TrainResult, json_path: Path, fallback_path: Path) -> str:
    """A short summary of a training run and of the written files' sizes."""
    raw = json_path.read_bytes()
    return "\n".join(
        [
            f"sentences: {result.train_sentences} train, {result.heldout_sentences} held out; "
            f"{result.train_tokens} training tokens",
            f"parameters: {result.parameters}, vocabulary: {len(result.tokenizer)} tokens",
            f"held-out loss: {result.heldout_loss:.4f} nats/token, "
            f"perplexity: {result.heldout_perplexity:.2f}",
            f"training time: {result.seconds:.1f} s (seed {result.config.seed})",
            f"wrote {json_path}: {len(raw)} bytes, {len(gzip.compress(raw, 9))} bytes gzip",
            f"wrote {fallback_path}: {fallback_path.stat().st_size} bytes",
        ]
    )


def _seed(text: str) -> int:
    """A seed from the command line: a non-negative integer."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The command line's options, with the help that ``--help`` prints."""
    parser = argparse.ArgumentParser(
        prog="python -m lesson_code.next_token",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help=f"directory to write {JSON_NAME} (and the fallback) into; created if missing",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=TrainConfig.seed,
        metavar="N",
        help="training seed: held-out split, initial weights and batch order "
        "(default: %(default)s, the seed of the site's data)",
    )
    parser.add_argument(
        "--fallback",
        type=Path,
        metavar="FILE",
        help=f"write the no-JavaScript fallback HTML to FILE instead of DIR/{FALLBACK_NAME}",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Train with the given seed and write the widget's data and fallback; print a report."""
    args = build_parser().parse_args(argv)
    result, data = generate(args.seed)
    json_path, fallback_path = write_outputs(data, args.out, args.fallback)
    print(report(result, json_path, fallback_path))


if __name__ == "__main__":
    main(sys.argv[1:])
