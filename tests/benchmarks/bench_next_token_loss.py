"""Benchmark: next_token_loss against F.cross_entropy on labels shifted in advance.

next_token_loss shifts the labels instead of slicing the logits, so it should
cost the same time and memory as calling F.cross_entropy on already-shifted
labels. This script measures both on float32 logits of shape [8, 512, 32000]
(``--size small``: [4, 128, 8000]) and prints the ratios:

- time: median of several interleaved runs, forward only and forward+backward,
  in process CPU time by default (steadier than wall time when other jobs
  share the machine; ``--clock wall`` for elapsed time);
- peak memory: each variant runs in a fresh subprocess, which allocates the
  inputs, resets and reads its peak resident set size (Linux ``VmHWM``;
  ``getrusage`` where that is unavailable), runs one forward+backward (or
  forward) and reads it again; the growth is compared.

Target: every ratio <= 1.05. Run by hand:

    python tests/benchmarks/bench_next_token_loss.py [--size small] [--repeats 9] [--clock wall]

It exits with status 1 if a ratio misses the target.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from lesson_code.pretraining import next_token_loss

SIZES = {"full": (8, 512, 32000), "small": (4, 128, 8000)}
TARGET = 1.05
IGNORE = -100


def make_inputs(size: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    B, T, V = SIZES[size]
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(B, T, V, generator=g)
    labels = torch.randint(0, V, (B, T), generator=g)
    shifted = F.pad(labels[:, 1:], (0, 1), value=IGNORE)  # done once, outside the timing
    return logits, labels, shifted


def variants(
    logits: torch.Tensor, labels: torch.Tensor, shifted: torch.Tensor
) -> dict[str, Callable[[], torch.Tensor]]:
    V = logits.shape[-1]
    return {
        "next_token_loss": lambda: next_token_loss(logits, labels),
        "cross_entropy": lambda: F.cross_entropy(
            logits.view(-1, V), shifted.view(-1), ignore_index=IGNORE
        ),
    }


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def run_once(
    fn: Callable[[], torch.Tensor],
    logits: torch.Tensor,
    backward: bool,
    clock: Callable[[], float] = time.process_time,
) -> float:
    start = clock()
    if backward:
        fn().backward()
        logits.grad = None
    else:
        with torch.no_grad():
            fn()
    return clock() - start


def time_ratios(
    size: str, repeats: int, clock: Callable[[], float]
) -> dict[str, tuple[float, float]]:
    logits, labels, shifted = make_inputs(size)
    logits.requires_grad_(True)
    fns = variants(logits, labels, shifted)
    results = {}
    for mode, backward in (("forward", False), ("forward+backward", True)):
        times: dict[str, list[float]] = {name: [] for name in fns}
        for fn in fns.values():  # warm-up
            run_once(fn, logits, backward, clock)
        for i in range(repeats):  # interleave, alternating the order, so drift hits both
            order = list(fns) if i % 2 == 0 else list(fns)[::-1]
            for name in order:
                times[name].append(run_once(fns[name], logits, backward, clock))
        results[mode] = (
            statistics.median(times["next_token_loss"]),
            statistics.median(times["cross_entropy"]),
        )
    return results


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss_bytes() -> int:
    """Peak resident set size: VmHWM (resettable) if available, else getrusage."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def child(size: str, name: str, backward: bool) -> None:
    """Runs in a fresh process: print the peak-RSS growth of one call, in bytes."""
    # Warm up on a tiny batch first, so that loading kernels (code pages, one-time
    # initialisation) is not counted as memory used by the call.
    tiny = torch.randn(2, 4, 16, requires_grad=backward)
    labels = torch.randint(0, 16, (2, 4))
    warm_up = variants(tiny, labels, F.pad(labels[:, 1:], (0, 1), value=IGNORE))[name]
    run_once(warm_up, tiny, backward)

    logits, labels, shifted = make_inputs(size)
    logits.requires_grad_(backward)
    fn = variants(logits, labels, shifted)[name]
    reset = reset_peak_rss()  # forget the peaks of importing torch and building the inputs
    baseline = peak_rss_bytes()
    if backward:
        fn().backward()
    else:
        with torch.no_grad():
            fn()
    print(json.dumps({"growth": peak_rss_bytes() - baseline, "reset": reset}))


def memory_growth(size: str, name: str, backward: bool) -> tuple[int, bool]:
    cmd = [sys.executable, __file__, "--size", size, "--child", name]
    if backward:
        cmd.append("--backward")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["growth"], result["reset"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--child", choices=["next_token_loss", "cross_entropy"])
    parser.add_argument("--backward", action="store_true")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: process CPU time, steady on a busy machine (default); wall: elapsed time",
    )
    args = parser.parse_args()
    if args.child:
        child(args.size, args.child, args.backward)
        return 0

    B, T, V = SIZES[args.size]
    print(
        f"logits [{B}, {T}, {V}] float32 ({B * T * V * 4 / 2**20:.0f} MiB), "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"median of {args.repeats} runs, {args.clock} clock"
    )
    rows = []
    for mode, (ours, ref) in time_ratios(args.size, args.repeats, CLOCKS[args.clock]).items():
        rows.append((f"time, {mode}", f"{ours * 1e3:.1f} ms", f"{ref * 1e3:.1f} ms", ours / ref))
    for mode, backward in (("forward", False), ("forward+backward", True)):
        ours, reset_ours = memory_growth(args.size, "next_token_loss", backward)
        ref, reset_ref = memory_growth(args.size, "cross_entropy", backward)
        if not (reset_ours and reset_ref):
            print("note: could not reset the peak-RSS mark; memory growth may read low")
        rows.append(
            (
                f"peak RSS growth, {mode}",
                f"{ours / 2**20:.1f} MiB",
                f"{ref / 2**20:.1f} MiB",
                ours / max(ref, 1),
            )
        )

    header = ("measure", "next_token_loss", "F.cross_entropy (pre-shifted)", "ratio", "result")
    table = [header] + [
        (m, a, b, f"{r:.3f}", "pass" if r <= TARGET else "FAIL") for m, a, b, r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"target: every ratio <= {TARGET}")
    return 0 if all(r <= TARGET for *_, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
