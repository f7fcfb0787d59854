"""Every claim of the chapter and the notebook is true, computed or cited.

The record of claims is ``docs/claims.md``: each row names its source or the
computation behind it, and the test here that holds it. Tests marked ``slow``
check the notebook's prose against the notebook's own run (seed 0, the
``seed0_run`` fixture); a comparison is asserted with a margin, never a number
typed from one machine's run.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import torch
import yaml

from lesson_code.plotting.figures import CAKE_LAYERS, cake_figure, ppo_clip_figure
from lesson_code.ppo import clipped_surrogate

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "docs" / "deep-learning-paradigms.md"
NOTEBOOK = ROOT / "docs" / "three-ways-to-learn-a-game.ipynb"
WIDGET_DATA = ROOT / "docs" / "assets" / "next-token" / "next-token.json"
CLAIMS = ROOT / "docs" / "claims.md"


def chapter() -> str:
    return CHAPTER.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the ``##`` heading ``heading``, up to the next ``##`` heading."""
    match = re.search(rf"(?ms)^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text)
    assert match, f"no section {heading!r}"
    return match[1]


def quiz(number: int) -> str:
    """The question and answer of quiz ``number``, up to the next quiz or section."""
    quizzes = section(chapter(), "Quizzes")
    match = re.search(rf'(?ms)^\?\?\? question "Quiz {number}:.*?(?=^\?\?\? |\Z)', quizzes)
    assert match, f"no quiz {number}"
    return match[0]


def prose(markdown: str) -> str:
    """Markdown with its line breaks and indentation folded into single spaces."""
    return re.sub(r"\s+", " ", markdown)


# --- Quiz 6 and the clip figure ------------------------------------------------------


@pytest.mark.parametrize("advantage", [1.0, -1.0])
def test_each_clip_value_is_a_ceiling_of_the_objective(advantage: float) -> None:
    eps = 0.2
    ratio = torch.linspace(0.0, 3.0, 3001, dtype=torch.float64)
    term = clipped_surrogate(ratio, torch.full_like(ratio, advantage), clip_eps=eps)
    ceiling = (1 + eps) * advantage if advantage > 0 else (1 - eps) * advantage
    assert term.max().item() == pytest.approx(ceiling)
    beyond = ratio > 1 + eps if advantage > 0 else ratio < 1 - eps
    assert torch.allclose(term[beyond], torch.full_like(term[beyond], ceiling))
    # Below the ceiling, on the other side of r = 1, nothing bounds the term from below.
    other_side = ratio < 1 if advantage > 0 else ratio > 1
    assert term[other_side].min().item() < ceiling - 1.0


def test_quiz_6_calls_the_negative_clip_value_a_ceiling_and_notes_the_change() -> None:
    text = prose(quiz(6))
    answer, note = text.split("Editor's note", 1)
    assert "bounded from below" not in answer
    assert "capped at \\((1-\\epsilon)\\hat{A}_t\\)" in answer
    assert "bounded from below" in note
    assert "ceiling" in note
    assert "does not keep the ratio inside" in answer


def test_the_clip_figure_goes_flat_at_its_highest_value_beyond_each_edge() -> None:
    """The caption: flat beyond r = 1.2 (left) and below r = 0.8 (right), at the maximum."""
    figure = ppo_clip_figure("light", clip_eps=0.2)
    (left,), (right,) = (
        [line for line in ax.lines if len(line.get_xdata()) > 2] for ax in figure.axes
    )
    for line, flat in [(left, lambda r: r > 1.2), (right, lambda r: r < 0.8)]:
        r, term = line.get_xdata(), line.get_ydata()
        top = max(term)
        assert all(t == pytest.approx(top) for x, t in zip(r, term, strict=True) if flat(x))
        assert all(
            t < top - 1e-6
            for x, t in zip(r, term, strict=True)
            if not flat(x) and abs(x - 1) > 0.21
        )
    assert "beyond \\(r = 1.2\\) on the left and below \\(r = 0.8\\) on the right" in prose(quiz(6))


def test_the_cake_figure_spans_what_its_caption_says() -> None:
    """Caption: the cake starts two orders of magnitude above the icing's top end, and
    the cherry ends where the icing begins."""
    cherry, icing, cake = CAKE_LAYERS
    assert cake[1] / icing[2] == pytest.approx(100)
    assert cherry[2] == icing[1]
    figure = cake_figure("light")
    bars = sorted((bar.get_x(), bar.get_x() + bar.get_width()) for bar in figure.axes[0].patches)
    assert bars == sorted((low, high) for _name, low, high, _label in CAKE_LAYERS)
    caption = prose(section(chapter(), "Yann LeCun's Cake Analogy"))
    assert "two orders of magnitude above the icing's top end" in caption
    for _name, _low, _high, label in CAKE_LAYERS:
        quoted = label.replace(" → ", "→")
        assert f'"{quoted}"' in caption, label


# --- The PPO tab: the clip does not keep the ratio inside the clip range -------------


def test_the_ppo_snippet_shows_ratios_outside_the_clip_range_after_several_epochs() -> None:
    """Quiz 6: the clip removes the incentive, it does not keep r in [1 - eps, 1 + eps]."""
    output = (ROOT / "snippets" / "output" / "ppo_update.txt").read_text(encoding="utf-8")
    fractions = [float(f) for f in re.findall(r"clip_fraction (\S+)", output)]
    assert fractions[0] == 0.0
    assert max(fractions) > 0.0


# --- Autoregressive loss: random logits do worse than a uniform guess -----------------


def test_random_logits_score_worse_than_a_uniform_guess() -> None:
    from lesson_code.pretraining import next_token_loss

    generator = torch.Generator().manual_seed(0)
    vocab = 5000
    tokens = torch.randint(0, vocab, (64, 6), generator=generator)
    random_logits = torch.randn(64, 6, vocab, generator=generator)
    uniform = next_token_loss(torch.zeros(64, 6, vocab), tokens).item()
    assert uniform == pytest.approx(math.log(vocab))
    assert next_token_loss(random_logits, tokens).item() > uniform


# --- Cited numbers that the chapter combines ----------------------------------------


def test_instructgpt_alignment_took_under_two_percent_of_gpt3_pretraining_compute() -> None:
    """InstructGPT §5.1: 4.9 (175B SFT) + 60 (175B PPO-ptx) petaflop/s-days, against
    3,640 for GPT-3."""
    assert (4.9 + 60) / 3640 < 0.02
    assert "under 2% of GPT-3's pre-training" in prose(chapter())


# --- The next-token widget's model ---------------------------------------------------


def test_the_chapter_describes_the_widget_model_with_the_committed_facts() -> None:
    from lesson_code.next_token import handwritten_sentences

    facts = json.loads(WIDGET_DATA.read_text(encoding="utf-8"))["model"]
    text = prose(section(chapter(), "Example: Next Token Prediction"))
    assert facts["architecture"] in text
    for phrase in [
        f"{facts['parameters']:,} parameters",
        f"trained for {facts['epochs']} epochs",
        f"on {facts['train_sentences']:,} sentences",
        f"({facts['train_tokens']:,} tokens, from a vocabulary of {facts['vocab_size']:,})",
        f"On {facts['heldout_sentences']:,} sentences it never saw",
        f"its loss is {facts['heldout_loss']} nats per token",
        f"a perplexity of {facts['heldout_perplexity']}",
        f"a choice between {facts['heldout_perplexity']} equally likely ones",
    ]:
        assert phrase in text, phrase
    assert math.exp(facts["heldout_loss"]) == pytest.approx(facts["heldout_perplexity"], abs=0.01)
    # "some written by hand and most drawn from a small grammar"
    total = facts["train_sentences"] + facts["heldout_sentences"]
    assert 0 < len(handwritten_sentences()) < total / 2
    assert "simulat" not in text.replace("not a simulation", "")


# --- References, citation ------------------------------------------------------------

PAPERS = {
    "ppo": "https://arxiv.org/abs/1707.06347",
    "gae": "https://arxiv.org/abs/1506.02438",
    "instructgpt": "https://arxiv.org/abs/2203.02155",
    "christiano": "https://arxiv.org/abs/1706.03741",
    "ziegler": "https://arxiv.org/abs/1909.08593",
    "bert": "https://arxiv.org/abs/1810.04805",
    "gpt3": "https://arxiv.org/abs/2005.14165",
    "gpt1": "https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf",
    "gpt2": "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf",
    "kl": "http://joschu.net/blog/kl-approx.html",
    "lecun": "https://nips.cc/Conferences/2016/ScheduleMultitrack?event=6197",
}


def footnotes(text: str) -> dict[str, str]:
    """Each footnote's label and its text."""
    return {m[1]: prose(m[2]) for m in re.finditer(r"(?ms)^\[\^([\w-]+)\]:(.*?)(?=^\[\^|\Z)", text)}


def test_every_paper_is_listed_with_its_stable_link_and_cited_where_it_is_used() -> None:
    text = chapter()
    notes = footnotes(text)
    body = text.split("## References", 1)[0]
    for label, link in PAPERS.items():
        assert label in notes, f"no reference [^{label}]"
        assert f"({link})" in notes[label], f"[^{label}] does not link {link}"
        assert f"[^{label}]" in body, f"[^{label}] is listed but never cited"
    for label in notes:
        assert f"[^{label}]" in body, f"[^{label}] is listed but never cited"


def test_citation_cff_describes_the_course_the_page_cites() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "date-released", "url", "repository-code"):
        assert cff.get(key), key
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cff["date-released"])
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    assert cff["title"] == config["site_name"]
    assert cff["repository-code"] == config["repo_url"]
    cite = section(chapter(), "References").split("///Footnotes Go Here///")[0]
    bibtex = re.search(r"(?s)```bibtex\n(.*?)```", cite)[1]
    assert f"url          = {{{cff['url']}deep-learning-paradigms/}}" in bibtex
    assert f"year         = {{{cff['date-released'][:4]}}}" in bibtex
    assert f"howpublished = {{{cff['title']}}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


class _Loader(yaml.SafeLoader):
    """mkdocs.yml's tags (``!ENV``, ``!!python/name``) read as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


# --- Exercises -----------------------------------------------------------------------


def test_the_chapter_has_at_least_six_exercises_each_with_a_collapsed_checked_solution() -> None:
    exercises = section(chapter(), "Exercises")
    parts = re.split(r"(?m)^\*\*Exercise \d+ ", exercises)[1:]
    assert len(parts) >= 6
    kinds = {re.match(r"\((\w[\w-]*)\)", part)[1] for part in parts}
    assert kinds == {"self-supervised", "supervised", "reinforcement"}
    for number, part in enumerate(parts, start=1):
        assert '\n??? success "Solution"\n' in part, f"exercise {number}: no collapsed solution"
        solution = part.split('??? success "Solution"', 1)[1]
        snippet = re.search(r'--8<-- "(ex_\w+)\.py"', solution)
        assert snippet, f"exercise {number}: its solution runs no snippet"
        assert f'--8<-- "output/{snippet[1]}.txt"' in solution, f"exercise {number}: no output"


# --- The record of claims ------------------------------------------------------------


def test_every_test_the_claims_page_names_exists() -> None:
    named = set(re.findall(r"`(test_\w+)`", CLAIMS.read_text(encoding="utf-8")))
    defined = {
        name
        for path in (ROOT / "tests").rglob("test_*.py")
        for name in re.findall(r"(?m)^def (test_\w+)", path.read_text(encoding="utf-8"))
    }
    assert named
    assert named - defined == set()
