"""The run's charts: training curves, the reward model, PPO, and each stage's results.

Each plot function returns a :class:`~lesson_code.plotting.chart.Chart` with a
text alternative computed from the data it plots, and takes a ``scheme``
keyword (:func:`~lesson_code.plotting.chart.in_either_scheme`). The notebook
shows them; :func:`save_plots` writes them for the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lesson_code.plotting.chart import Chart, in_either_scheme
from lesson_code.plotting.style import LEGEND_SIZE, OUTCOME, PLOT_WIDTH, ink, paper
from lesson_code.tictactoe.config import MATCHES, STAGES
from lesson_code.tictactoe.results import RunResults

__all__ = [
    "charts",
    "plot_loss_curves",
    "plot_outcomes",
    "plot_ppo",
    "plot_reward_model_accuracy",
    "save_plots",
]

PLAYING = {"sampled": "sampling its moves", "greedy": "playing its top move"}


def last_tenth_mean(values: list[float]) -> float:
    """The mean of the last tenth of a noisy per-step curve (at least one value)."""
    tail = values[-max(1, len(values) // 10) :]
    return sum(tail) / len(tail)


@in_either_scheme
def plot_loss_curves(results: RunResults) -> Chart:
    """Training loss of each stage (held-out loss and the entropy bound for pre-training)."""
    pre = results.stages["pretrained"]
    sft = results.stages["sft"]
    rm = results.stages["reward_model"]
    ppo = results.stages["rlhf"].history
    bound = pre.metrics["entropy_bound"]
    coach = sft.metrics["coach_entropy"]
    fig = Chart(
        alt=(
            "Training loss of each stage, in four panels. Pre-training: the held-out loss "
            f"ends at {pre.history['heldout'][-1]:.3f} nats per token, against an entropy "
            f"bound of {bound:.3f}. SFT: the loss on the coach's moves averages "
            f"{last_tenth_mean(sft.history['loss']):.3f} over the last tenth of the steps, "
            f"against the coach's entropy of {coach:.3f}. Reward model: the loss averages "
            f"{last_tenth_mean(rm.history['loss']):.3f} over the last tenth. PPO: the policy "
            f"(clipped) and value losses over {len(ppo['policy_loss'])} iterations."
        ),
        figsize=(PLOT_WIDTH, 5.2),
    )
    axes = fig.subplots(2, 2).ravel()
    axes[0].plot(pre.history["step"], pre.history["loss"], lw=0.8, label="train")
    axes[0].plot(pre.history["heldout_step"], pre.history["heldout"], "o-", label="held-out")
    axes[0].axhline(bound, color=ink(), ls="--", label="entropy bound")
    axes[0].set(title="1 pre-training", xlabel="step", ylabel="nats per token", ylim=(1.3, 2.0))
    for ax, stage, title in [
        (axes[1], sft, "2 SFT (coach's moves)"),
        (axes[2], rm, "3a reward model"),
    ]:
        ax.plot(stage.history["step"], stage.history["loss"], lw=0.8, label="train")
        ax.set(title=title, xlabel="step", ylabel="loss")
    axes[1].axhline(coach, color=ink(), ls="--", label="coach's entropy")
    axes[3].plot(ppo["policy_loss"], label="policy (clipped)")
    axes[3].plot(ppo["value_loss"], label="value")
    axes[3].set(title="3b PPO", xlabel="iteration", ylabel="loss")
    for ax in (axes[0], axes[1], axes[3]):
        ax.legend(fontsize=LEGEND_SIZE)
    return fig


@in_either_scheme
def plot_reward_model_accuracy(results: RunResults) -> Chart:
    """Held-out accuracy of the reward model during training."""
    history = results.stages["reward_model"].history
    judge = results.stages["reward_model"].metrics["judge_accuracy"]
    fig = Chart(
        alt=(
            "Held-out accuracy of the reward model during training. It ends at "
            f"{history['heldout_accuracy'][-1]:.3f} against the noiseless ordering and "
            f"{history['noisy_label_accuracy'][-1]:.3f} against the judge's noisy labels; "
            f"the judge agrees with its own ordering {judge:.3f} of the time."
        ),
        figsize=(PLOT_WIDTH * 0.8, 3.4),
    )
    ax = fig.subplots()
    ax.plot(
        history["heldout_step"], history["heldout_accuracy"], "o-", label="vs noiseless ordering"
    )
    ax.plot(
        history["heldout_step"],
        history["noisy_label_accuracy"],
        "s-",
        label="vs judge's noisy labels",
    )
    ax.axhline(judge, color=ink(), ls="--", label="the judge vs its own ordering")
    ax.set(title="reward model, held-out pairs", xlabel="step", ylabel="accuracy", ylim=(0.4, 1.01))
    ax.legend(fontsize=LEGEND_SIZE)
    return fig


@in_either_scheme
def plot_ppo(*histories: tuple[str, dict[str, list[float]]]) -> Chart:
    """Reward-model score, win rate and KL to the reference per PPO iteration."""
    ends = "; ".join(
        f"{label}: score {h['score'][-1]:.3f}, win rate {h['win'][-1]:.3f}, KL {h['kl'][-1]:.3f}"
        for label, h in histories
    )
    fig = Chart(
        alt=(
            "Three panels over the PPO iterations: the reward model's normalised score, the "
            f"win rate of the rollouts and the KL to the SFT model. In the last iteration, {ends}."
        ),
        figsize=(PLOT_WIDTH, 6.6),
    )
    axes = fig.subplots(3, 1, sharex=True)
    for label, history in histories:
        for ax, key in zip(axes, ("score", "win", "kl"), strict=True):
            ax.plot(history[key], label=label)
    axes[0].set(title="reward-model score (normalised)")
    axes[1].set(title="win rate of the rollouts")
    axes[2].set(title="KL to the SFT model, nats per move", xlabel="iteration")
    axes[0].legend(fontsize=LEGEND_SIZE)
    return fig


@in_either_scheme
def plot_outcomes(evaluation: dict[str, Any], stages: tuple[str, ...] = STAGES) -> Chart:
    """Stacked win / draw / loss bars for each stage in each of the four matches."""
    wins = "; ".join(
        f"against the {opponent} player, X {PLAYING[how]}: "
        + ", ".join(f"{s} {evaluation[s][match]['win']:.2f}" for s in stages)
        for match, opponent, how in MATCHES
    )
    fig = Chart(
        alt=(
            "Share of games won, drawn and lost by X, for each stage's policy "
            f"({', '.join(stages)}), in four panels, one per opponent. Wins: {wins}."
        ),
        figsize=(PLOT_WIDTH, 5.2),
    )
    axes = fig.subplots(2, 2, sharey=True).ravel()
    for ax, (match, opponent, how) in zip(axes, MATCHES, strict=True):
        bottom = [0.0] * len(stages)
        for outcome, color in OUTCOME.items():
            heights = [evaluation[s][match][outcome] for s in stages]
            # A line of the page between the segments tells them apart.
            ax.bar(stages, heights, bottom=bottom, color=color, label=outcome, edgecolor=paper())
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set(title=f"X against {opponent}, {how}", ylim=(0, 1))
    for ax in (axes[0], axes[2]):
        ax.set_ylabel("share of games")
    # The bars fill each panel: the legend goes below them.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=LEGEND_SIZE, loc="outside lower center", ncols=3)
    return fig


def charts(results: RunResults) -> dict[str, Chart]:
    """The run's four charts, by the file name :func:`save_plots` gives each."""
    return {
        "loss_curves.png": plot_loss_curves(results),
        "reward_model_accuracy.png": plot_reward_model_accuracy(results),
        "ppo_reward_kl.png": plot_ppo(("RLHF", results.stages["rlhf"].history)),
        "outcomes.png": plot_outcomes(results.metrics["evaluation"]),
    }


def save_plots(results: RunResults, out: Path) -> list[Path]:
    """Write the four charts as PNG files into ``out``; return their paths."""
    paths = []
    for name, chart in charts(results).items():
        (out / name).write_bytes(chart.png())
        paths.append(out / name)
    return paths
