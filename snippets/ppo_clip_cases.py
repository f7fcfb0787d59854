import torch

from lesson_code.ppo import clipped_surrogate

clip_eps = 0.2
# (ratio r, advantage A): inside and outside the trust region [1 - eps, 1 + eps].
cases = [(1.0, 1.0), (1.5, 1.0), (1.5, -1.0), (0.6, -1.0), (0.6, 1.0)]

for r, A in cases:
    ratio = torch.tensor(r, requires_grad=True)
    objective = clipped_surrogate(ratio, torch.tensor(A), clip_eps=clip_eps)
    objective.backward()
    print(
        f"r = {r:.1f}, A = {A:+.0f}: objective {objective.item():+.2f}, "
        f"d objective / d r = {ratio.grad.item():+.1f}"
    )

    # A > 0 and r > 1 + eps, or A < 0 and r < 1 - eps: clipped, no gradient.
    clipped = (A > 0 and r > 1 + clip_eps) or (A < 0 and r < 1 - clip_eps)
    if clipped:
        assert ratio.grad.item() == 0.0
        flat = (1 + clip_eps if A > 0 else 1 - clip_eps) * A  # (1 + eps) A or (1 - eps) A
        assert abs(objective.item() - flat) < 1e-6
    else:  # the pessimistic min keeps the unclipped term r * A
        assert ratio.grad.item() == A
