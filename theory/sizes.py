"""Model and data sizes: Eq. (1), Eq. (2), Appendix E and G, and Proposition 5's readings.

Notation (arXiv:2405.08707v2, Sections 1, 2, 5 and Appendices E–G):

=============  ===========================================================================
code           paper
=============  ===========================================================================
``N``          model parameters in attention + feed-forward layers
``D``          dataset size in tokens, D ≈ T_max · d (Eq. 2)
``d``          number of stored patterns (sequences)
``n``          input dimension n = T_max · d_emb (Eq. 2)
``T_max``      sequence length; ``d_emb`` embedding width; ``l`` number of layers
``A``          the architecture constant of Eq. (2): N ≈ A · l · d_emb² (≈ 10 per App. E)
``d_ff``       feed-forward width d_FF
``kappa``      κ, the proportionality constant of "N ∝ n": N = κ n
``L_hat``      L̂(N, D) = E + A/N^α + B/D^β (Eq. 1); its constants are :class:`ScalingFit`
``D_star``     D*, the data size App. G picks for each N by the rule MSE < σ²
=============  ===========================================================================

**Transcribed inputs.** Everything named ``TABLE2``, ``TABLE3``, ``EQ1_FITS``,
``APPENDIX_E_PRINTED``, ``F1_*`` and ``GPT2_MEDIUM_PUBLISHED`` is input data copied from the
paper (or from the source the paper cites), never a result: each carries its source. The
functions below compute from them.

Proposition 5 readings: each ``prop5_*`` function lets SymPy solve the model's equations and
returns a :class:`Prop5Reading` with the N–D relation and its log–log exponent
d log N / d log D (``None`` where no relation follows).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from theory.printed import (  # re-exported: the transcribed inputs
    APPENDIX_E_PRINTED,
    APPENDIX_E_PRINTED_SUMS,
    EQ1_FITS,
    F1_CHUNK_TOKENS,
    F1_N,
    F1_OBSERVED_RADIUS,
    F1_PRINTED_PREDICTIONS,
    GPT2_MEDIUM_PUBLISHED,
    TABLE2,
    TABLE3,
    TABLE3_PRINTED_RATIOS,
    TABLE3_SIGMA2,
    ScalingFit,
    Table2Row,
    Table3Row,
    TransformerConfig,
)

__all__ = [
    "SYMBOLS",
    "eq2_parameter_count",
    "eq2_input_dimension",
    "eq2_dataset_size",
    "eq2_coefficient_of_n",
    "TransformerConfig",
    "APPENDIX_E_PRINTED",
    "APPENDIX_E_PRINTED_SUMS",
    "GPT2_MEDIUM_PUBLISHED",
    "appendix_e_counts",
    "gpt2_parameter_count",
    "gpt2_medium_counts",
    "Table3Row",
    "TABLE3",
    "TABLE3_SIGMA2",
    "TABLE3_PRINTED_RATIOS",
    "d_star",
    "table3_d_stars",
    "ratios_N_over_D2",
    "LogLogFit",
    "loglog_fit",
    "table3_fit",
    "slope_under_shifts",
    "slope_range_under_shifts",
    "slope_vs_sigma2",
    "ScalingFit",
    "EQ1_FITS",
    "chinchilla_loss",
    "mp_chinchilla_loss",
    "Table2Row",
    "TABLE2",
    "table2_predictions",
    "F1_OBSERVED_RADIUS",
    "F1_N",
    "F1_CHUNK_TOKENS",
    "F1_PRINTED_PREDICTIONS",
    "radius_predictions",
]


def _pos(name: str) -> sp.Symbol:
    return sp.Symbol(name, positive=True)


SYMBOLS = {k: _pos(k) for k in ("N", "D", "d", "n", "T_max", "d_emb", "l", "A", "kappa", "d_ff")}


def _num(x) -> sp.Rational:
    """Exact rational from an int / decimal string / float (floats via their repr)."""
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number; got {x}")
        return sp.Rational(repr(x))
    v = sp.Rational(x) if isinstance(x, (int, str)) else sp.nsimplify(sp.sympify(x), rational=True)
    return v


def _sym_positive(v, what: str):
    v = sp.sympify(v)
    if v.is_number and not v.is_positive:
        raise ValueError(f"{what} must be > 0; got {v}")
    return v


# --------------------------------------------------------------------------- Eq. (2)


def eq2_parameter_count(A=None, l=None, d_emb=None):
    """N ≈ A · l · d_emb² (Eq. 2); arguments default to the symbols A, l, d_emb.

    >>> eq2_parameter_count(), eq2_parameter_count(10, 24, 1024)
    (A*d_emb**2*l, 251658240)
    """
    A = SYMBOLS["A"] if A is None else _sym_positive(A, "A")
    l = SYMBOLS["l"] if l is None else _sym_positive(l, "number of layers l")
    d_emb = SYMBOLS["d_emb"] if d_emb is None else _sym_positive(d_emb, "d_emb")
    return A * l * d_emb**2


def eq2_input_dimension(T_max=None, d_emb=None):
    """n = T_max · d_emb (Eq. 2)."""
    T_max = SYMBOLS["T_max"] if T_max is None else _sym_positive(T_max, "T_max")
    d_emb = SYMBOLS["d_emb"] if d_emb is None else _sym_positive(d_emb, "d_emb")
    return T_max * d_emb


def eq2_dataset_size(T_max=None, d=None):
    """D ≈ T_max · d (Eq. 2)."""
    T_max = SYMBOLS["T_max"] if T_max is None else _sym_positive(T_max, "T_max")
    d = SYMBOLS["d"] if d is None else _sym_positive(d, "number of patterns d")
    return T_max * d


def eq2_coefficient_of_n():
    """c with N = c · n from Eq. (2), solved by SymPy: c = A · l · d_emb / T_max.

    It is a constant only while A · l · d_emb / T_max is; see
    :func:`prop5_constant_eq2_coefficient`.
    """
    c = sp.Symbol("c", positive=True)
    sol = sp.solve(sp.Eq(eq2_parameter_count(), c * eq2_input_dimension()), c)
    if len(sol) != 1:  # pragma: no cover - SymPy returns the unique linear solution
        raise ValueError(f"expected one coefficient, SymPy gave {sol}")
    return sol[0]


# --------------------------------------------------------------------------- Appendix E


def appendix_e_counts(d_emb, l, d_ff) -> dict:
    """The three sums of Appendix E and the implied A = total/(l · d_emb²).

    * ``attention`` = 3 · l · d_emb²;
    * ``output_projection_layernorm`` = l · (d_emb² + 2 d_emb);
    * ``feed_forward`` = l · (2 d_emb d_FF + d_emb + d_FF);
    * ``total`` and ``A`` (an exact Rational when the inputs are integers).

    >>> c = appendix_e_counts(1024, 24, 3072)  # App. E as printed
    >>> c["attention"], c["A"], float(c["A"])
    (75497472, 5123/512, 10.005859375)
    """
    d_emb = _sym_positive(d_emb, "d_emb")
    l = _sym_positive(l, "number of layers l")
    d_ff = _sym_positive(d_ff, "d_ff")
    att = 3 * l * d_emb**2
    out = l * (d_emb**2 + 2 * d_emb)
    ff = l * (2 * d_emb * d_ff + d_emb + d_ff)
    total = att + out + ff
    return {
        "attention": att,
        "output_projection_layernorm": out,
        "feed_forward": ff,
        "total": sp.expand(total),
        "A": sp.simplify(total / (l * d_emb**2)),
    }


def gpt2_parameter_count(cfg: TransformerConfig) -> dict:
    """Every parameter of a GPT-2 decoder, derived from the architecture.

    Per block: ln_1 (γ, β), fused QKV projection d × 3d + bias 3d, attention output projection
    d × d + bias d, ln_2, MLP d × d_ff + bias d_ff and d_ff × d + bias d. Outside the blocks:
    token embedding vocab × d, position embedding n_ctx × d, final LayerNorm; the LM head is
    tied to the token embedding (no extra parameters). The number of heads does not change
    the count.
    """
    d, f, L = cfg.d_model, cfg.d_ff, cfg.n_layer
    block = {
        "ln_1": 2 * d,
        "attn_qkv_weight": d * 3 * d,
        "attn_qkv_bias": 3 * d,
        "attn_proj_weight": d * d,
        "attn_proj_bias": d,
        "ln_2": 2 * d,
        "mlp_fc_weight": d * f,
        "mlp_fc_bias": f,
        "mlp_proj_weight": f * d,
        "mlp_proj_bias": d,
    }
    per_block = sum(block.values())
    blocks = L * per_block
    wte = cfg.vocab * d
    wpe = cfg.n_ctx * d
    ln_f = 2 * d
    total = blocks + wte + wpe + ln_f
    return {
        "per_block_components": block,
        "per_block": per_block,
        "blocks": blocks,
        "token_embedding": wte,
        "position_embedding": wpe,
        "final_layernorm": ln_f,
        "non_embedding": blocks + ln_f,
        "total": total,
        "A_blocks": sp.Rational(blocks, L * d * d),
        "A_total": sp.Rational(total, L * d * d),
    }


def gpt2_medium_counts() -> dict:
    """Appendix E's formulas at the printed d_FF and at the published d_FF, and the true count.

    Keys: ``printed`` (App. E sums with d_FF = 3072), ``paper_formula_true_dff`` (same sums
    with d_FF = 4096), ``architecture`` (:func:`gpt2_parameter_count` of the published
    config).
    """
    p, g = APPENDIX_E_PRINTED, GPT2_MEDIUM_PUBLISHED
    return {
        "printed": appendix_e_counts(p.d_model, p.n_layer, p.d_ff),
        "paper_formula_true_dff": appendix_e_counts(g.d_model, g.n_layer, g.d_ff),
        "architecture": gpt2_parameter_count(g),
    }


# --------------------------------------------------------------------------- Appendix G, Table 3


def d_star(mse_row: Sequence, d_grid: Sequence, sigma2, strict: bool = True):
    """App. G's rule: the smallest D of ``d_grid`` whose MSE is < σ² (``strict``) or ≤ σ².

    The one implementation of the rule, for the printed Table 3 (exact Rationals) and for the
    lab's measured MSEs (floats). Comparisons are exact (floats and decimal strings become
    Rationals); the grid need not be sorted. Returns the grid entry itself (same type), or
    ``None`` when no cell passes.

    >>> d_star(["0.07", "0.05", "0.04"], [1, 2, 3], "0.05")
    3
    >>> d_star([0.07, 0.05, 0.04], [1.0, 2.0, 3.0], 0.05, strict=False)
    2.0
    >>> d_star([0.9], [1], 0.5) is None
    True
    """
    if len(mse_row) != len(d_grid) or not d_grid:
        raise ValueError(
            f"mse_row and d_grid must be non-empty and of equal length; got "
            f"{len(mse_row)} and {len(d_grid)}"
        )
    s2 = _num(sigma2)
    if s2 <= 0:
        raise ValueError(f"sigma2 must be > 0; got {sigma2}")
    for D, m in sorted(zip(d_grid, mse_row), key=lambda t: _num(t[0])):
        mv = _num(m)
        if (mv < s2) if strict else (mv <= s2):
            return D
    return None


def table3_d_stars(sigma2=TABLE3_SIGMA2, strict: bool = True, table=TABLE3) -> list:
    """D* of every Table 3 row under the rule (``None`` where no cell passes)."""
    return [d_star(r.mse, r.D_grid, sigma2, strict) for r in table]


def ratios_N_over_D2(N: Sequence, D: Sequence) -> list:
    """N / D² for each pair, exact."""
    if len(N) != len(D):
        raise ValueError(f"N and D must have equal length; got {len(N)} and {len(D)}")
    return [_num(a) / _num(b) ** 2 for a, b in zip(N, D)]


@dataclass(frozen=True)
class LogLogFit:
    """Least squares log y = a + b log x: slope b, its standard error, intercept a."""

    slope: mpmath.mpf
    stderr: mpmath.mpf | None  # None with two points (no residual degrees of freedom)
    intercept: mpmath.mpf
    residuals: tuple
    m: int


def loglog_fit(x: Sequence, y: Sequence) -> LogLogFit:
    """Ordinary least squares of log y on log x (mpmath, current precision).

    stderr = √(SSR/(m − 2) / Σ(uᵢ − ū)²) with uᵢ = log xᵢ; raises ``ValueError`` for fewer
    than two points, non-positive values or all-equal x (slope undefined).
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have equal length; got {len(x)} and {len(y)}")
    if len(x) < 2:
        raise ValueError(f"a log–log fit needs at least two points; got {len(x)}")

    def conv(v):
        v = sp.sympify(v)
        return mpmath.mpf(v.evalf(mpmath.mp.dps + 10)) if isinstance(v, sp.Basic) else v

    xs, ys = [mpmath.mpf(conv(v)) for v in x], [mpmath.mpf(conv(v)) for v in y]
    if any(v <= 0 for v in xs + ys):
        raise ValueError("log–log fit needs positive x and y")
    u = [mpmath.log(v) for v in xs]
    w = [mpmath.log(v) for v in ys]
    m = len(u)
    ub, wb = mpmath.fsum(u) / m, mpmath.fsum(w) / m
    sxx = mpmath.fsum((a - ub) ** 2 for a in u)
    if sxx == 0:
        raise ValueError("all x are equal: the log–log slope is undefined")
    sxy = mpmath.fsum((a - ub) * (b - wb) for a, b in zip(u, w))
    b = sxy / sxx
    a = wb - b * ub
    res = tuple(wi - (a + b * ui) for ui, wi in zip(u, w))
    se = mpmath.sqrt(mpmath.fsum(r * r for r in res) / (m - 2) / sxx) if m > 2 else None
    return LogLogFit(b, se, a, res, m)


def table3_fit(d_stars=None, table=TABLE3) -> LogLogFit:
    """Slope of log N against log D* over Table 3 (D* default: the printed ones)."""
    ds = [r.D_star_printed for r in table] if d_stars is None else list(d_stars)
    if any(v is None for v in ds):
        raise ValueError(f"every row needs a D*; got {ds}")
    return loglog_fit(ds, [r.N for r in table])


def _shift(row: Table3Row, D, k: int):
    grid = list(row.D_grid)
    if D not in grid:
        raise ValueError(f"D* = {D} is not on the row's grid {grid}")
    j = grid.index(D) + k
    return grid[j] if 0 <= j < len(grid) else None


def slope_under_shifts(table=TABLE3, d_stars=None) -> list[dict]:
    """Move one D* at a time one grid step down/up; the resulting slope (None off the grid).

    Returns rows ``{"row", "shift", "D_stars", "slope", "stderr"}``; the first row is the
    unshifted fit (``row=None, shift=0``).
    """
    base = [r.D_star_printed for r in table] if d_stars is None else list(d_stars)
    f0 = table3_fit(base, table)
    out = [{"row": None, "shift": 0, "D_stars": base, "slope": f0.slope, "stderr": f0.stderr}]
    for i, row in enumerate(table):
        for k in (-1, 1):
            D = _shift(row, base[i], k)
            if D is None:
                out.append({"row": i, "shift": k, "D_stars": None, "slope": None, "stderr": None})
                continue
            ds = base[:i] + [D] + base[i + 1 :]
            f = table3_fit(ds, table)
            out.append({"row": i, "shift": k, "D_stars": ds, "slope": f.slope, "stderr": f.stderr})
    return out


def slope_range_under_shifts(table=TABLE3, d_stars=None) -> dict:
    """Min and max slope over all 3^m joint shifts of the D* by −1, 0, +1 grid steps."""
    base = [r.D_star_printed for r in table] if d_stars is None else list(d_stars)
    slopes = []
    for ks in itertools.product((-1, 0, 1), repeat=len(table)):
        ds = [_shift(row, D, k) for row, D, k in zip(table, base, ks)]
        if any(v is None for v in ds):
            continue
        try:
            slopes.append((table3_fit(ds, table).slope, ks))
        except ValueError:
            continue
    lo = min(slopes, key=lambda t: t[0])
    hi = max(slopes, key=lambda t: t[0])
    return {
        "min": lo[0],
        "min_shifts": lo[1],
        "max": hi[0],
        "max_shifts": hi[1],
        "count": len(slopes),
    }


def slope_vs_sigma2(sigma2_values: Sequence, strict: bool = True, table=TABLE3) -> list[dict]:
    """For each σ², the D* the rule picks and the log–log slope (None when undefined)."""
    out = []
    for s2 in sigma2_values:
        ds = table3_d_stars(s2, strict, table)
        slope = se = None
        if all(v is not None for v in ds):
            try:
                f = table3_fit(ds, table)
                slope, se = f.slope, f.stderr
            except ValueError:
                pass
        out.append({"sigma2": _num(s2), "D_stars": ds, "slope": slope, "stderr": se})
    return out


# --------------------------------------------------------------------------- Eq. (1), Table 2


def _get_fit(fit) -> ScalingFit:
    if isinstance(fit, ScalingFit):
        return fit
    if fit not in EQ1_FITS:
        raise ValueError(
            f"unknown Eq. (1) constant set {fit!r}; expected one of "
            f"{sorted(EQ1_FITS)} or a ScalingFit"
        )
    return EQ1_FITS[fit]


def chinchilla_loss(N=None, D=None, fit="paper"):
    """L̂(N, D) = E + A/N^α + B/D^β (Eq. 1) as a SymPy expression (symbols by default)."""
    f = _get_fit(fit)
    N = SYMBOLS["N"] if N is None else _sym_positive(N, "N")
    D = SYMBOLS["D"] if D is None else _sym_positive(D, "D")
    return f.E + f.A / N**f.alpha + f.B / D**f.beta


def mp_chinchilla_loss(N, D, fit="paper") -> mpmath.mpf:
    """L̂(N, D) with mpmath at the current precision."""
    f = _get_fit(fit)
    prec = mpmath.mp.dps + 10
    Nm, Dm = mpmath.mpf(sp.N(_num(N), prec)), mpmath.mpf(sp.N(_num(D), prec))
    if Nm <= 0 or Dm <= 0:
        raise ValueError(f"N and D must be > 0; got N = {N}, D = {D}")
    c = {k: mpmath.mpf(sp.N(getattr(f, k), prec)) for k in ("E", "A", "B", "alpha", "beta")}
    return c["E"] + c["A"] / Nm ** c["alpha"] + c["B"] / Dm ** c["beta"]


def table2_predictions(fit="paper") -> list[dict]:
    """L̂(N, D) of every Table 2 row beside the reported loss."""
    return [
        {
            "model": r.model,
            "N": r.N,
            "D": r.D,
            "reported": r.loss,
            "predicted": mp_chinchilla_loss(r.N, r.D, fit),
        }
        for r in TABLE2
    ]


# Proposition 5's readings live in theory.size_law; they stay reachable here.
_SIZE_LAW = (
    "Prop5Reading",
    "loglog_exponent",
    "prop5_paper_chain",
    "prop5_width_at_fixed_depth",
    "prop5_depth_at_fixed_width",
    "prop5_constant_eq2_coefficient",
    "prop5_bound_asymptotics",
    "ExponentRow",
    "prop5_exact_partition",
)


def __getattr__(name):
    if name in _SIZE_LAW:
        import theory.size_law

        return getattr(theory.size_law, name)
    raise AttributeError(f"module 'theory.sizes' has no attribute {name!r}")


# --------------------------------------------------------------------------- Appendix F.1


def radius_predictions(n=F1_N, observed=F1_OBSERVED_RADIUS) -> dict:
    """r* = √(n/2πe) and 2r* at ``n`` against the observed radius, plus the n each would need.

    Returns SymPy values ``r_star``, ``two_r_star``, floats of both, ``ratio_observed_r_star``,
    and ``n_for_r_star`` / ``n_for_two_r_star``: the n solving r*(n) = observed (SymPy solve).
    """
    n = _sym_positive(n, "dimension n")
    observed = _sym_positive(observed, "observed radius")
    nn = SYMBOLS["n"]
    rs = sp.sqrt(nn / (2 * sp.pi * sp.E))
    (n1,) = sp.solve(sp.Eq(rs, observed), nn)
    (n2,) = sp.solve(sp.Eq(2 * rs, observed), nn)
    r1 = rs.subs(nn, n)
    return {
        "n": n,
        "r_star": r1,
        "two_r_star": 2 * r1,
        "r_star_float": sp.N(r1, 20),
        "two_r_star_float": sp.N(2 * r1, 20),
        "observed": observed,
        "ratio_observed_r_star": sp.N(observed / r1, 20),
        "n_for_r_star": n1,
        "n_for_two_r_star": n2,
    }
