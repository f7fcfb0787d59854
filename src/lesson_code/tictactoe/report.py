"""What a run reports: the matches as a table, the headline numbers, and the targets.

The targets are what the course promises of a full run (``Config()``), for
any seed: the tests and the benchmark script check them.
"""

from __future__ import annotations

from typing import Any

from lesson_code.tictactoe.config import MATCHES, STAGES

__all__ = ["SECONDS_TARGET", "check_targets", "headline", "summary_table", "targets_text"]

SECONDS_TARGET = 60.0  # the whole command, start-up and plots included, on 2 CPU cores

OPPONENT_LABELS = {
    "vs_random": "random (sampled)",
    "vs_random_greedy": "random (greedy)",
    "vs_perfect": "perfect (greedy)",
    "vs_perfect_sampled": "perfect (sampled)",
}

Target = tuple[str, float, str, bool]


def check_targets(metrics: dict[str, Any], *, full: bool = True) -> list[Target]:
    """The targets of a full run as ``(name, value, target, passed)`` rows.

    ``full=False`` leaves out the run time (a ``--quick`` run has no time target).
    """
    ev = metrics["evaluation"]
    pre, sft, rm = metrics["pretraining"], metrics["sft"], metrics["reward_model"]
    sft_greedy_loss = ev["sft"]["vs_random_greedy"]["loss"]
    rlhf_greedy_loss = ev["rlhf"]["vs_random_greedy"]["loss"]
    win_gain = ev["rlhf"]["vs_random"]["win"] - ev["sft"]["vs_random"]["win"]
    rows: list[Target] = [
        (
            "pre-training held-out loss / bound",
            pre["heldout_over_bound"],
            "<= 1.02",
            pre["heldout_over_bound"] <= 1.02,
        ),
        (
            "pre-training illegal-move rate",
            pre["illegal_move_rate"],
            "<= 0.005",
            pre["illegal_move_rate"] <= 0.005,
        ),
        ("SFT coach agreement", sft["coach_agreement"], ">= 0.95", sft["coach_agreement"] >= 0.95),
        (
            "reward-model accuracy (noiseless)",
            rm["heldout_accuracy"],
            ">= 0.90",
            rm["heldout_accuracy"] >= 0.90,
        ),
        (
            "RLHF greedy loss rate vs random",
            rlhf_greedy_loss,
            f"<= SFT's / 4 = {sft_greedy_loss / 4:.4f}",
            rlhf_greedy_loss <= sft_greedy_loss / 4,
        ),
        ("RLHF sampled win rate - SFT's", win_gain, ">= 0.03", win_gain >= 0.03),
    ]
    if full:
        seconds = metrics["seconds_total"]
        rows.append(
            ("whole run, seconds", seconds, f"<= {SECONDS_TARGET:g}", seconds <= SECONDS_TARGET)
        )
    return rows


def targets_text(rows: list[Target]) -> str:
    """The target rows as aligned ``[pass]`` / ``[FAIL]`` lines."""
    return "\n".join(
        f"[{'pass' if ok else 'FAIL'}] {name:<38}{value:>10.4f}   target {target}"
        for name, value, target, ok in rows
    )


def summary_table(metrics: dict[str, Any]) -> str:
    """Win / draw / loss of each stage's policy against each opponent, as aligned text."""
    lines = [f"{'stage':<11}{'opponent':<22}{'win':>8}{'draw':>8}{'loss':>8}{'illegal':>9}"]
    for stage in STAGES:
        for match, _opponent, _how in MATCHES:
            r = metrics["evaluation"][stage][match]
            lines.append(
                f"{stage:<11}{OPPONENT_LABELS[match]:<22}{r['win']:>8.3f}{r['draw']:>8.3f}"
                f"{r['loss']:>8.3f}{r['illegal_move_rate']:>9.4f}"
            )
    return "\n".join(lines)


def headline(metrics: dict[str, Any]) -> str:
    """The headline number of each stage, one line each."""
    pre, sft, rm = metrics["pretraining"], metrics["sft"], metrics["reward_model"]
    return "\n".join(
        [
            f"pre-training held-out loss {pre['heldout_loss']:.4f} nats/token, "
            f"entropy bound {pre['entropy_bound']:.4f}",
            f"SFT coach agreement {sft['coach_agreement']:.3f}, optimal-move rate "
            f"{sft['optimal_move_rate']:.3f} "
            f"(the coach's own: {sft['coach_optimal_move_rate']:.3f})",
            f"reward model accuracy {rm['heldout_accuracy']:.3f} (noiseless), "
            f"{rm['noisy_label_accuracy']:.3f} (noisy labels)",
            f"RLHF KL to the SFT model {metrics['rlhf']['kl_to_reference']:.4f} nats per move",
        ]
    )
