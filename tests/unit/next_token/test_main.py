"""The command ``python -m lesson_code.next_token``, and the site's data it regenerates.

The committed data (docs/assets/next-token/next-token.json) and fallback
(snippets/next_token_widget.html) must be what the documented command produces
for its seed, on any CPU::

    python -m lesson_code.next_token --out docs/assets/next-token \\
        --fallback snippets/next_token_widget.html

torch's CPU kernels round differently between instruction sets (AVX-512, AVX2,
none: ``ATEN_CPU_CAPABILITY``), so a model retrained on another machine has other
logits: measured against AVX-512, up to 2.4e-5 with ``default`` and 1.0e-5 with
``avx2`` (the thread count, 1 or 2, changed nothing: training uses one thread), which
moves an exported logit (4 decimals) by at most 1e-4, a unit in its last decimal.
Some candidates are closer than that (the nearest two only 1.7e-5 apart; a k-th and
the word after it 1.0e-4 apart), so their order can differ on another CPU. The rule,
with a tenfold margin, ``LOGIT_TOLERANCE = 1e-3``:

- exact: the prompts, the model facts (sizes, seed, k, depth), the tree's shape
  (which nodes have children, which candidates end the sentence);
- within LOGIT_TOLERANCE: each candidate word's logit, compared word by word, and
  the held-out loss (the perplexity within 0.01, its last decimal);
- candidates may trade places only where their logits are that close, and a word
  may drop out of a node's top k only for one whose logit ties the node's k-th
  within LOGIT_TOLERANCE (the subtrees below such words are not compared); the
  word list is then whatever words the trees use;
- the fallback HTML is exactly what the data renders, and its percentages are
  those of the fresh data to within 0.3 points (0.2 from the logits, 0.1 display).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lesson_code
from lesson_code.next_token import DATA_URL, TrainConfig, render_snippet
from lesson_code.next_token.__main__ import (
    FALLBACK_NAME,
    JSON_NAME,
    SITE_COMMAND,
    build_parser,
    write_outputs,
)

LOGIT_TOLERANCE = 1e-3  # measured across CPUs and thread counts: at most 1e-4
PERCENT_TOLERANCE = 0.3  # fallback percentages: 200·tol·p from the logits, 0.1 from display
ROW = re.compile(r'<tr><td>([^<]*)</td><td class="next-token__num">([0-9.]+)%</td></tr>')


def candidates(node: dict, words: list[str]) -> dict[str, float]:
    """A node's candidates as word → logit."""
    return {words[i]: z for i, z in zip(node["w"], node["l"], strict=True)}


def tree_differences(
    old: dict | None, new: dict | None, old_words: list[str], new_words: list[str], where: str
) -> list[str]:
    """How tree ``new`` differs from ``old`` beyond the rule in this module's docstring."""
    if old is None or new is None:
        return [] if old is new else [f"{where}: the sentence ends in one tree only"]
    if old.keys() != new.keys():
        return [f"{where}: node keys {sorted(old)} != {sorted(new)}"]
    problems = [
        f"{where}: logits not sorted, highest first: {node['l']}"
        for node in (old, new)
        if node["l"] != sorted(node["l"], reverse=True)
    ]
    a, b = candidates(old, old_words), candidates(new, new_words)
    for word in sorted(a.keys() & b.keys()):
        if abs(a[word] - b[word]) > LOGIT_TOLERANCE:
            problems.append(f"{where} {word!r}: logit {a[word]} != {b[word]}")
    for mine, other in ((a, b), (b, a)):
        for word in sorted(mine.keys() - other.keys()):
            if mine[word] > min(other.values()) + LOGIT_TOLERANCE:
                problems.append(
                    f"{where}: {word!r} ({mine[word]}) is a candidate in one tree only, "
                    f"not a near-tie with the other's last logit {min(other.values())}"
                )
    if "c" in old:
        old_children = dict(zip(a, old["c"], strict=True))
        new_children = dict(zip(b, new["c"], strict=True))
        for word in sorted(a.keys() & b.keys()):
            problems += tree_differences(
                old_children[word], new_children[word], old_words, new_words, f"{where} {word}"
            )
    return problems


def data_differences(old: dict, new: dict) -> list[str]:
    """How the data ``new`` differs from ``old`` beyond the rule in this module's docstring."""
    problems = []
    if [p["text"] for p in old["prompts"]] != [p["text"] for p in new["prompts"]]:
        return ["the prompts differ"]
    for old_prompt, new_prompt in zip(old["prompts"], new["prompts"], strict=True):
        problems += tree_differences(
            old_prompt["tree"], new_prompt["tree"], old["words"], new["words"], old_prompt["text"]
        )
    if old["model"].keys() != new["model"].keys():
        problems.append(f"model facts {sorted(old['model'])} != {sorted(new['model'])}")
    approximate = {"heldout_loss": LOGIT_TOLERANCE, "heldout_perplexity": 0.01 + 1e-9}
    for key in old["model"].keys() & new["model"].keys():
        a, b = old["model"][key], new["model"][key]
        same = math.isclose(a, b, abs_tol=approximate[key]) if key in approximate else a == b
        if not same:
            problems.append(f"model fact {key}: {a!r} != {b!r}")
    return problems


def fallback_differences(old_html: str, new_html: str) -> list[str]:
    """How the fallback table ``new_html`` differs from ``old_html`` beyond the rule."""
    old_rows, new_rows = dict(ROW.findall(old_html)), dict(ROW.findall(new_html))
    if ROW.sub("", old_html) != ROW.sub("", new_html):
        return ["the fallback differs outside its table rows"]
    problems = [
        f"fallback row {word!r}: {old_rows[word]}% != {new_rows[word]}%"
        for word in sorted(old_rows.keys() & new_rows.keys())
        if abs(float(old_rows[word]) - float(new_rows[word])) > PERCENT_TOLERANCE
    ]
    if len(old_rows) != len(new_rows) or not old_rows:
        problems.append(f"fallback rows {old_rows} and {new_rows}")
    return problems


def used_words(data: dict) -> list[str]:
    """Every word the data's trees use, once, sorted: what its word list must be."""

    def walk(node: dict | None):
        if node is not None:
            yield from (data["words"][i] for i in node["w"])
            for child in node.get("c", []):
                yield from walk(child)

    return sorted({w for prompt in data["prompts"] for w in walk(prompt["tree"])})


# --- the committed data is what the command produces ------------------------


def test_committed_data_is_what_the_command_produces_for_its_seed(committed, exported):
    assert committed["model"]["seed"] == TrainConfig.seed  # the command's default seed
    assert committed["words"] == used_words(committed)
    assert data_differences(committed, exported) == []


def test_committed_fallback_is_rendered_from_the_committed_data(committed, committed_fallback):
    assert committed_fallback == render_snippet(committed)


def test_committed_fallback_shows_what_the_command_produces(committed_fallback, exported):
    assert fallback_differences(committed_fallback, render_snippet(exported)) == []


def test_committed_fallback_table_lists_the_first_prompts_words(committed, committed_fallback):
    first = committed["prompts"][0]
    assert f'data-src="{DATA_URL}"' in committed_fallback
    assert first["text"] in committed_fallback
    rows = ROW.findall(committed_fallback)
    assert [word for word, _ in rows] == [committed["words"][i] for i in first["tree"]["w"]]


# --- the comparison rule itself ---------------------------------------------


def copy_of(data: dict) -> dict:
    return json.loads(json.dumps(data))


def root_of(data: dict) -> dict:
    """The first prompt's root node."""
    return data["prompts"][0]["tree"]


def test_rule_accepts_logits_within_the_tolerance_and_rejects_beyond(committed):
    for delta, rejected in ((LOGIT_TOLERANCE / 2, 0), (3 * LOGIT_TOLERANCE, 6)):
        moved = copy_of(committed)
        root_of(moved)["l"] = [round(z + delta, 4) for z in root_of(moved)["l"]]
        assert len(data_differences(committed, moved)) == rejected


def test_rule_accepts_an_order_swap_of_near_ties_only(committed):
    old = copy_of(committed)
    for tie in (False, True):
        if tie:
            root_of(old)["l"][2] = root_of(old)["l"][1]
        new = copy_of(old)
        for key in ("w", "c"):  # words 1 and 2 trade places, with their subtrees
            row = root_of(new)[key]
            row[1], row[2] = row[2], row[1]
        assert (data_differences(old, new) == []) is tie


def test_rule_accepts_a_word_leaving_the_top_k_only_for_a_near_tie(committed):
    root = root_of(committed)
    outsider = next(i for i in range(len(committed["words"])) if i not in root["w"])
    for gap, accepted in ((LOGIT_TOLERANCE / 2, True), (1.0, False)):
        new = copy_of(committed)
        root_of(new)["w"][-1] = outsider
        root_of(new)["l"][-1] = round(root["l"][-1] - gap, 4)
        assert (data_differences(committed, new) == []) is accepted


def test_rule_rejects_a_changed_word_or_shape(committed):
    data = json.loads(json.dumps(committed))
    root = data["prompts"][0]["tree"]
    root["w"][0] = next(i for i in range(len(data["words"])) if i not in root["w"])
    assert data_differences(committed, data)
    data = json.loads(json.dumps(committed))
    del data["prompts"][1]["tree"]["c"]
    assert data_differences(committed, data)
    data = json.loads(json.dumps(committed))
    data["model"]["parameters"] += 1
    assert data_differences(committed, data) == [
        f"model fact parameters: {committed['model']['parameters']} "
        f"!= {committed['model']['parameters'] + 1}"
    ]


def test_rule_rejects_a_fallback_percentage_beyond_its_tolerance(committed_fallback):
    word, percent = ROW.findall(committed_fallback)[0]
    moved = committed_fallback.replace(f"{percent}%", f"{float(percent) + 0.5:.1f}%", 1)
    assert fallback_differences(committed_fallback, moved) == [
        f"fallback row {word!r}: {percent}% != {float(percent) + 0.5:.1f}%"
    ]


# --- the command line -------------------------------------------------------


def test_help_explains_every_option_and_what_the_run_writes():
    parser = build_parser()
    text = parser.format_help()
    assert all(action.help for action in parser._actions)
    for phrase in ("--out DIR", "--seed N", "--fallback FILE", "training seed", "prints"):
        assert phrase in text
    for name in (f"DIR/{JSON_NAME}", f"DIR/{FALLBACK_NAME}", DATA_URL):
        assert name in text


def test_site_command_writes_the_files_the_page_uses(
    repo_root: Path, committed_paths: tuple[Path, Path]
):
    """The documented command's paths are the committed files these tests check."""
    args = build_parser().parse_args([w for w in SITE_COMMAND.split()[3:] if w != "\\"])
    assert (repo_root / args.out / JSON_NAME, repo_root / args.fallback) == committed_paths
    page = (repo_root / "docs" / "deep-learning-paradigms.md").read_text(encoding="utf-8")
    assert f'--8<-- "{args.fallback.name}"' in page


def test_options_are_checked(capsys: pytest.CaptureFixture[str]):
    parser = build_parser()
    args = parser.parse_args(["--out", "x", "--seed", "3"])
    assert (args.out, args.seed, args.fallback) == (Path("x"), 3, None)
    for argv in ([], ["--out", "x", "--seed", "-1"], ["--out", "x", "--seed", "one"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    assert "non-negative integer" in capsys.readouterr().err


def test_write_outputs_writes_the_data_and_the_fallback(tmp_path: Path, exported: dict):
    json_path, fallback_path = write_outputs(exported, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [JSON_NAME, FALLBACK_NAME]
    )
    assert json.loads(json_path.read_text(encoding="utf-8")) == exported
    assert fallback_path.read_text(encoding="utf-8") == render_snippet(exported)
    _, elsewhere = write_outputs(exported, tmp_path / "out", tmp_path / "html" / "widget.html")
    assert elsewhere == tmp_path / "html" / "widget.html"
    assert elsewhere.read_text(encoding="utf-8") == render_snippet(exported)


# Runs the command with an audit hook that records every file opened for writing and
# every other change to the file system, then prints, as the last line of stderr, those
# paths and the file the package was imported from.
AUDITED_RUN = """
import json, os, runpy, sys
WRITE = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
CHANGES = {"os.mkdir": 1, "os.rename": 2, "os.replace": 2, "os.remove": 1, "os.rmdir": 1,
           "os.truncate": 1, "os.symlink": 2, "os.link": 2, "os.chmod": 1, "os.chown": 1,
           "os.utime": 1, "shutil.copyfile": 2, "shutil.copytree": 2, "shutil.rmtree": 1}
written = []
def hook(event, args):
    if event == "open":
        paths = args[:1] if (args[2] or 0) & WRITE or set(args[1] or "") & set("wax+") else ()
    else:
        paths = args[: CHANGES.get(event, 0)]
    written.extend(os.path.abspath(os.fsdecode(p)) for p in paths
                   if isinstance(p, (str, bytes, os.PathLike)))
sys.addaudithook(hook)
sys.argv = ["lesson_code.next_token", *sys.argv[1:]]
try:
    runpy.run_module("lesson_code.next_token", run_name="__main__", alter_sys=True)
finally:
    import lesson_code
    print("\\n" + json.dumps([written, lesson_code.__file__]), file=sys.stderr)
"""


def fingerprint(root: Path) -> dict[str, str]:
    """``root``, or every file below it (``__pycache__`` aside), with a hash of its bytes."""
    paths = [root] if root.is_file() else sorted(root.rglob("*"))
    return {
        path.as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in paths
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.slow
def test_command_run_as_an_installed_package_writes_only_under_out(
    tmp_path: Path, committed: dict, committed_fallback: str, committed_paths: tuple[Path, Path]
):
    """The documented command, run in a fresh process from another directory, with the
    package imported from a copy (as from site-packages), writes only under ``--out``;
    its output is checked against the committed data with the same rule.

    An audit hook records every path the process opens for writing or changes, so
    the check does not depend on the rest of the working tree staying still. torch
    creates its own cache directory when its optimisers are imported: it is pointed
    into the test's temporary directory and left out of the check.
    """
    cwd, out = tmp_path / "cwd", tmp_path / "out"
    site, torch_cache = tmp_path / "site-packages", tmp_path / "torch-cache"
    cwd.mkdir()
    package = Path(lesson_code.__file__).parent
    shutil.copytree(package, site / "lesson_code", ignore=shutil.ignore_patterns("__pycache__"))
    # The copy, and the package and committed files an old version of the command rewrote.
    watched = [site, package / "next_token", *committed_paths]
    before = [fingerprint(root) for root in watched]
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",
        "TORCHINDUCTOR_CACHE_DIR": str(torch_cache),
    }
    run = subprocess.run(
        [sys.executable, "-c", AUDITED_RUN, "--out", str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    written, imported_from = json.loads(run.stderr.strip().splitlines()[-1])
    assert Path(imported_from).is_relative_to(site)
    assert written
    allowed = (out.resolve(), torch_cache.resolve())
    assert [
        p for p in written if not any(Path(p).resolve().is_relative_to(a) for a in allowed)
    ] == []
    assert list(cwd.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([JSON_NAME, FALLBACK_NAME])
    assert [fingerprint(root) for root in watched] == before
    for phrase in ("held-out loss", "perplexity", "training time", "bytes gzip"):
        assert phrase in run.stdout

    data = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    fallback = (out / FALLBACK_NAME).read_text(encoding="utf-8")
    assert data["words"] == used_words(data)
    assert fallback == render_snippet(data)
    assert data_differences(committed, data) == []
    assert fallback_differences(committed_fallback, fallback) == []
