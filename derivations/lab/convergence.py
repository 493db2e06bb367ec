"""When has a training run stopped learning? Two rules, stated so that a shelf cannot pass.

* **Distance to a known floor** (:func:`floor_gap`): when the data's entropy is known exactly
  and the Bayes loss of the very validation lines is computed, the model's validation loss
  minus that Bayes loss estimates the KL divergence per token, which is ≥ 0 in expectation; its
  upper confidence bound bounds any further descent of the expected loss. A temporary shelf sits
  above the floor, so it fails this rule whatever its length.
* **Trend over a long window** (:func:`trend_bound`): where no floor is known, the least-squares
  slope of the loss over the last half of the run (not the last tenth), extrapolated over a
  horizon as long as the whole run so far, with its 95 % upper bound on the rate of descent.
  A shelf that is shorter than half the run includes the descent that led to it and fails; a
  longer one can pass, which is why this rule is used only where no floor is known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054  # two-sided 95 % normal quantile


def floor_gap(model_nats: Sequence[float], floor_nats: Sequence[float], tokens: Sequence[int]):
    """Paired gap between a model's per-line losses and the Bayes per-line losses on the same
    lines (all in nats per line; ``tokens`` per line): gap = Σ(model − floor) / Σ tokens, its
    standard error (ratio estimator, lines as the unit) and the 95 % upper bound."""
    a, b, t = (np.asarray(x, float) for x in (model_nats, floor_nats, tokens))
    if not (a.shape == b.shape == t.shape) or a.ndim != 1 or len(a) < 2:
        raise ValueError(
            f"model_nats, floor_nats and tokens must be 1-D of one length ≥ 2; got shapes "
            f"{a.shape}, {b.shape}, {t.shape}"
        )
    d = a - b
    gap = d.sum() / t.sum()
    resid = d - gap * t  # linearised ratio estimator
    se = math.sqrt(len(d) / (len(d) - 1) * (resid**2).sum()) / t.sum()
    return {"gap": float(gap), "se": float(se), "upper": float(gap + Z95 * se)}


def trend_bound(
    steps: Sequence[float],
    losses: Sequence[float],
    window_frac: float = 0.5,
    horizon: float | None = None,
) -> dict:
    """Least-squares trend of ``losses`` over the last ``window_frac`` of ``steps``.

    Returns the slope (loss per step), its standard error, and ``descent_bound``: the 95 %
    upper bound on the descent over ``horizon`` further steps (default: the whole run so far),
    max(0, −(slope − 1.96 se)) · horizon. ``points`` is the number of points in the window.
    """
    s, y = np.asarray(steps, float), np.asarray(losses, float)
    if s.shape != y.shape or s.ndim != 1:
        raise ValueError(f"steps and losses must be 1-D of one length; got {s.shape}, {y.shape}")
    if not 0 < window_frac <= 1:
        raise ValueError(f"window_frac must lie in (0, 1], got {window_frac}")
    end = float(s.max()) if len(s) else 0.0
    m = s >= end * (1 - window_frac)
    x, v = s[m], y[m]
    if len(x) < 3 or np.ptp(x) == 0:
        return {"slope": None, "se": None, "descent_bound": math.inf, "points": int(len(x))}
    xc = x - x.mean()
    slope = float((xc * (v - v.mean())).sum() / (xc**2).sum())
    resid = v - v.mean() - slope * xc
    se = float(math.sqrt((resid**2).sum() / (len(x) - 2) / (xc**2).sum()))
    h = end if horizon is None else float(horizon)
    return {
        "slope": slope,
        "se": se,
        "descent_bound": max(0.0, -(slope - Z95 * se)) * h,
        "points": int(len(x)),
        "window": [float(x.min()), float(x.max())],
    }
