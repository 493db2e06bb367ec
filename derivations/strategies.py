"""Hypothesis strategies for the paper's instances: pattern sets, queries, LSE vectors, layers.

Public and documented so that users can property-test their own code with them.

Pattern-set families (``PATTERN_FAMILIES``):

==================  ========================================================================
``small``           d ≤ 4, n ≤ 3, every entry drawn by Hypothesis in [−10, 10] (shrinks to
                    small integers: the readable counterexamples)
``random``          Gaussian entries times a scale in [1e−2, 1e2]
``equal_norm``      all patterns on the sphere of radius ``scale`` (so Δ = max‖ρ‖² − min‖ρ‖² ≈ 0)
``clustered``       a few tight clusters
``near_duplicate``  one pattern repeated with perturbations of relative size ≤ 1e−6
``duplicate``       exact duplicates of a few patterns
``well_separated``  patterns at mutual distance ≥ 10 · scale (Assumption 3's regime)
==================  ========================================================================

Query regimes (``QUERY_REGIMES``): ``at_pattern``, ``near_pattern``, ``centroid``,
``equidistant`` (a point at equal distance from two or more patterns), ``far``, ``random``.

Bulk entries come from a numpy generator seeded by a Hypothesis-drawn integer, so the
search is reproducible and shrinking moves toward fewer, smaller patterns.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from derivations.engine.instance import Instance

__all__ = [
    "PATTERN_FAMILIES",
    "QUERY_REGIMES",
    "scales",
    "pattern_sets",
    "queries",
    "pattern_instances",
    "lse_vectors",
    "lse_instances",
    "layered_instances",
    "betas",
]

PATTERN_FAMILIES = (
    "small",
    "random",
    "equal_norm",
    "clustered",
    "near_duplicate",
    "duplicate",
    "well_separated",
)
QUERY_REGIMES = ("at_pattern", "near_pattern", "centroid", "equidistant", "far", "random")


def scales(lo: float = 1e-2, hi: float = 1e2) -> st.SearchStrategy[float]:
    """Log-uniform scales in [lo, hi] (shrinks toward 1)."""
    if not 0 < lo <= hi:
        raise ValueError(f"need 0 < lo <= hi; got lo={lo}, hi={hi}")
    a, b = np.log10(lo), np.log10(hi)
    return st.floats(min_value=float(a), max_value=float(b)).map(lambda e: float(10.0**e))


def _rows(a: np.ndarray) -> tuple:
    return tuple(tuple(float(v) for v in r) for r in a)


def _family_array(family: str, d: int, n: int, scale: float, rng: np.random.Generator):
    if family == "random":
        return rng.standard_normal((d, n)) * scale
    if family == "equal_norm":
        a = rng.standard_normal((d, n))
        a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
        return a * scale
    if family == "clustered":
        k = max(1, min(d, int(rng.integers(1, 4))))
        centers = rng.standard_normal((k, n)) * scale
        idx = rng.integers(0, k, size=d)
        return centers[idx] + rng.standard_normal((d, n)) * scale * 1e-2
    if family == "near_duplicate":
        base = rng.standard_normal((1, n)) * scale
        return base + rng.standard_normal((d, n)) * scale * 1e-6
    if family == "duplicate":
        k = max(1, min(d, int(rng.integers(1, 3))))
        base = rng.standard_normal((k, n)) * scale
        return base[rng.integers(0, k, size=d)]
    if family == "well_separated":
        # points on a scaled integer lattice, distinct, mutual distance ≥ 10·scale
        side = int(np.ceil(d ** (1.0 / n))) + 1
        cells = set()
        out = []
        while len(out) < d:
            c = tuple(int(t) for t in rng.integers(0, side + 1, size=n))
            if c not in cells:
                cells.add(c)
                out.append(c)
        return np.array(out, dtype=float) * 10.0 * scale
    raise ValueError(f"unknown pattern family {family!r}; expected one of {PATTERN_FAMILIES}")


@st.composite
def pattern_sets(
    draw,
    min_d: int = 1,
    max_d: int = 64,
    max_n: int = 32,
    families=PATTERN_FAMILIES,
    n: int | None = None,
):
    """(patterns as a tuple of rows, family): d ∈ [min_d, max_d], n ∈ [1, max_n]."""
    if not 1 <= min_d <= max_d:
        raise ValueError(f"need 1 <= min_d <= max_d; got {min_d}, {max_d}")
    family = draw(st.sampled_from(families))
    if family == "small":
        d = draw(st.integers(min_d, max(min_d, min(4, max_d))))
        nn = n if n is not None else draw(st.integers(1, min(3, max_n)))
        ent = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
        rows = draw(st.lists(st.lists(ent, min_size=nn, max_size=nn), min_size=d, max_size=d))
        return tuple(tuple(r) for r in rows), family
    d = draw(st.integers(min_d, max_d))
    nn = n if n is not None else draw(st.integers(1, max_n))
    scale = draw(scales())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return _rows(_family_array(family, d, nn, scale, rng)), family


@st.composite
def queries(draw, patterns, regimes=QUERY_REGIMES):
    """(x, regime) for given patterns."""
    P = np.array(patterns, dtype=float)
    d, n = P.shape
    regime = draw(st.sampled_from(regimes))
    scale = float(np.abs(P).max()) or 1.0
    if regime == "at_pattern":
        x = P[draw(st.integers(0, d - 1))]
    elif regime == "near_pattern":
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        eps = draw(st.sampled_from([1e-8, 1e-4, 1e-2, 0.3]))
        x = P[draw(st.integers(0, d - 1))] + rng.standard_normal(n) * eps * scale
    elif regime == "centroid":
        x = P.mean(axis=0)
    elif regime == "equidistant":
        if d >= 2:
            i, j = draw(st.integers(0, d - 1)), draw(st.integers(0, d - 1))
            x = (P[i] + P[j]) / 2.0
        else:
            x = P[0] + scale
    elif regime == "far":
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        u = rng.standard_normal(n)
        u /= max(np.linalg.norm(u), 1e-300)
        x = P.mean(axis=0) + u * scale * draw(st.sampled_from([10.0, 100.0]))
    else:
        ent = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
        x = np.array(draw(st.lists(ent, min_size=n, max_size=n))) * scale / 10.0
    return tuple(float(v) for v in x), regime


def betas() -> st.SearchStrategy[float]:
    """Inverse temperatures β in [1e−2, 1e2], plus the paper's 1 and 2."""
    return st.one_of(st.sampled_from([1.0, 2.0]), scales())


@st.composite
def pattern_instances(
    draw,
    min_d: int = 1,
    max_d: int = 64,
    max_n: int = 32,
    families=PATTERN_FAMILIES,
    regimes=QUERY_REGIMES,
    **fixed,
):
    """An :class:`Instance` with patterns, a query and the fixed ``params``."""
    P, fam = draw(pattern_sets(min_d, max_d, max_n, families))
    x, reg = draw(queries(P, regimes))
    return Instance.make(P, x, regime=f"{fam}/{reg}", **fixed)


@st.composite
def lse_vectors(draw, m: int | None = None, max_m: int = 64, huge: bool = True):
    """(z, regime): LSE arguments incl. ties, one dominant entry and |z| up to 1e4."""
    regime = draw(
        st.sampled_from(
            ["small", "random", "ties", "dominant", "huge"]
            if huge
            else ["small", "random", "ties", "dominant"]
        )
    )
    if regime == "small":
        mm = m if m is not None else draw(st.integers(1, min(4, max_m)))
        ent = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
        return tuple(draw(st.lists(ent, min_size=mm, max_size=mm))), regime
    mm = m if m is not None else draw(st.integers(1, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(scales(1e-2, 1e4 if regime == "huge" else 1e2))
    z = rng.standard_normal(mm) * scale
    if regime == "ties":
        z = np.full(mm, z[0])
    elif regime == "dominant":
        z[int(rng.integers(0, mm))] += 50.0 * scale
    return tuple(float(v) for v in z), regime


@st.composite
def lse_instances(draw, pair: bool = False, max_m: int = 64, **fixed):
    """An :class:`Instance` with params z (and y of the same length when ``pair``)."""
    z, reg = draw(lse_vectors(max_m=max_m))
    params = {"z": z}
    if pair:
        y, reg2 = draw(lse_vectors(m=len(z)))
        params["y"] = y
        params["lam"] = draw(st.floats(0, 1))
        reg = f"{reg}/{reg2}"
    return Instance.make(regime=reg, **params, **fixed)


@st.composite
def layered_instances(draw, reading: str, max_layers: int = 8, max_d: int = 16, max_n: int = 8):
    """Patterns split over l layers, a query, and (printed reading) positive Z_t values."""
    l = draw(st.integers(1, max_layers))
    n = draw(st.integers(1, max_n))
    layers = []
    for _ in range(l):
        P, _fam = draw(pattern_sets(1, max_d, max_n, families=PATTERN_FAMILIES, n=n))
        layers.append(P)
    allP = [r for m in layers for r in m]
    x, reg = draw(queries(allP))
    params = {"layers": layers, "reading": reading}
    if reading == "printed":
        params["Z"] = tuple(draw(st.lists(scales(1e-3, 1e3), min_size=l, max_size=l)))
    return Instance.make(None, x, regime=f"l={l}/{reg}", **params)


# ------------------------------------------------- strategies used by derivations.testing
#
# Appended for the user-facing checker (:mod:`derivations.testing`): batches of queries,
# layered pattern sets with batches, well-separated patterns with queries inside their balls,
# and the floating dtypes that have a tolerance in :mod:`numerics.tolerances`.

__all__ += [
    "dtypes",
    "query_batches",
    "batched_instances",
    "layered_batches",
    "separated_instances",
]


def dtypes(low_precision: bool = False) -> st.SearchStrategy:
    """torch floating dtypes with a tolerance: float64, float32 (+ bfloat16, float16)."""
    import torch

    opts = [torch.float64, torch.float32]
    if low_precision:
        opts += [torch.bfloat16, torch.float16]
    return st.sampled_from(opts)


@st.composite
def query_batches(draw, patterns, min_b: int = 1, max_b: int = 3, regimes=QUERY_REGIMES):
    """(B queries as a tuple of rows, their regimes): B ∈ [min_b, max_b], each from
    :func:`queries` (shrinks toward one query)."""
    if not 1 <= min_b <= max_b:
        raise ValueError(f"need 1 <= min_b <= max_b; got {min_b}, {max_b}")
    b = draw(st.integers(min_b, max_b))
    xs, regs = [], []
    for _ in range(b):
        x, r = draw(queries(patterns, regimes))
        xs.append(x)
        regs.append(r)
    return tuple(xs), tuple(regs)


@st.composite
def batched_instances(
    draw,
    min_d: int = 1,
    max_d: int = 12,
    max_n: int = 6,
    max_b: int = 3,
    families=PATTERN_FAMILIES,
    regimes=QUERY_REGIMES,
    n: int | None = None,
    beta=None,
    values: bool = False,
):
    """An :class:`Instance` with patterns and a batch of B queries (``params['queries']``).

    ``beta``: ``None`` (no β), a number (fixed β) or a strategy (e.g. :func:`betas`), stored
    as ``params['beta']``. ``values=True`` adds ``params['values']``, a (d, n) matrix drawn
    independently of the patterns (attention with keys ≠ values). ``n`` fixes the dimension.
    The regime reads ``family/regime+regime…``.
    """
    P, fam = draw(pattern_sets(min_d, max_d, max_n, families, n=n))
    xs, regs = draw(query_batches(P, 1, max_b, regimes))
    params = {"queries": xs}
    if beta is not None:
        params["beta"] = float(draw(beta)) if isinstance(beta, st.SearchStrategy) else float(beta)
    if values:
        a = np.array(P, dtype=float)
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        scale = float(np.abs(a).max()) or 1.0
        params["values"] = _rows(rng.standard_normal(a.shape) * scale)
    return Instance.make(P, None, regime=f"{fam}/{'+'.join(regs)}", **params)


@st.composite
def layered_batches(
    draw,
    max_layers: int = 3,
    max_d: int = 4,
    max_n: int = 4,
    max_b: int = 3,
    families=PATTERN_FAMILIES,
    regimes=QUERY_REGIMES,
    n: int | None = None,
):
    """Patterns split over l layers (``params['layers']``, l ∈ [1, max_layers]) and a batch of
    queries (``params['queries']``) drawn around all patterns."""
    l = draw(st.integers(1, max_layers))
    nn = n if n is not None else draw(st.integers(1, max_n))
    layers, fams = [], []
    for _ in range(l):
        P, fam = draw(pattern_sets(1, max_d, max_n, families, n=nn))
        layers.append(P)
        fams.append(fam)
    allP = [r for m in layers for r in m]
    xs, regs = draw(query_batches(allP, 1, max_b, regimes))
    return Instance.make(
        None, None, regime=f"l={l} ({', '.join(fams)})/{'+'.join(regs)}", layers=layers, queries=xs
    )


@st.composite
def separated_instances(
    draw,
    max_d: int = 8,
    max_n: int = 4,
    max_b: int = 2,
    n: int | None = None,
    min_separation: float = 8.0,
    max_separation: float = 100.0,
):
    """Well-separated patterns (Assumption 3) with queries inside their balls.

    Patterns are distinct points of an integer lattice times a spacing in
    [min_separation, max_separation], shifted by an offset of up to 100 spacings (large
    norms). Params: ``queries`` (each within Euclidean distance ``radius`` = Δ/4 of pattern
    ``targets[b]``), ``separation`` Δ (the least pairwise Euclidean distance; the spacing
    when d = 1).
    """
    d = draw(st.integers(1, max_d))
    nn = n if n is not None else draw(st.integers(1, max_n))
    spacing = draw(scales(min_separation, max_separation))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    side = int(np.ceil(d ** (1.0 / nn))) + 1
    cells: list = []
    while len(cells) < d:
        c = tuple(int(t) for t in rng.integers(0, side + 1, size=nn))
        if c not in cells:
            cells.append(c)
    offset = rng.standard_normal(nn) * draw(st.sampled_from([0.0, 1.0, 10.0, 100.0])) * spacing
    P = np.array(cells, dtype=float) * spacing + offset
    if d > 1:
        diff = P[:, None, :] - P[None, :, :]
        dist = np.sqrt((diff * diff).sum(-1))
        np.fill_diagonal(dist, np.inf)
        sep = float(dist.min())
    else:
        sep = float(spacing)
    radius = sep / 4.0
    b = draw(st.integers(1, max_b))
    xs, targets = [], []
    for _ in range(b):
        t = draw(st.integers(0, d - 1))
        u = rng.standard_normal(nn)
        u /= max(float(np.linalg.norm(u)), 1e-300)
        frac = draw(st.sampled_from([0.0, 0.5, 0.99]))
        xs.append(tuple(float(v) for v in P[t] + u * frac * radius))
        targets.append(t)
    return Instance.make(
        P,
        None,
        regime=f"well_separated Δ={sep:.3g}/in-ball",
        queries=tuple(xs),
        targets=tuple(targets),
        separation=sep,
        radius=radius,
    )


def nontrivial_betas() -> st.SearchStrategy[float]:
    """β for checking implementations: 2 (Prop. 2's β), 0.5, 1, or log-uniform in
    [1e−2, 1e2]. Shrinks toward 2, not 1, so that a bug in the handling of β (applied twice,
    or not at all) still shows in the smallest counterexample."""
    return st.one_of(st.sampled_from([2.0, 0.5, 1.0]), scales())


__all__ += ["nontrivial_betas"]


# ------------------------------------------------- (n, r) domains: balls and special functions
#
# Appended for claims about V_n(r), the ball integrals and γ(s, x) (Niu et al. Sec. 5, App. D):
# a dimension n and a radius r, as an Instance with float params n and r (regime names the
# part of the domain drawn, e.g. "large-n/tiny-r").

__all__ += ["dimensions", "radii", "ball_instances"]


def dimensions(lo: float = 1, hi: float = 1e6) -> st.SearchStrategy[float]:
    """Whole dimensions n in [lo, hi] as floats: small ones (up to 64) or log-uniform up to
    ``hi`` (shrinks toward ``lo``)."""
    if not 1 <= lo <= hi:
        raise ValueError(f"need 1 <= lo <= hi for dimensions; got lo={lo}, hi={hi}")
    lo_i = int(np.ceil(lo))
    small = st.integers(lo_i, int(min(64, hi))).map(float) if lo_i <= min(64, hi) else None
    big = scales(float(lo_i), float(hi)).map(lambda v: float(min(hi, max(lo_i, round(v)))))
    return st.one_of(small, big) if small is not None else big


def radii(lo: float = 1e-4, hi: float = 1e3) -> st.SearchStrategy[float]:
    """Radii r in [lo, hi], log-uniform (shrinks toward 1 when 1 is inside)."""
    return scales(lo, hi)


@st.composite
def ball_instances(
    draw,
    n_min: float = 1,
    n_max: float = 1e6,
    r_min: float = 1e-4,
    r_max: float = 1e3,
    relative: bool = False,
):
    """An :class:`Instance` with params n (a dimension) and r (a radius) in the given box.

    ``relative``: half the draws put r = f·n with f log-uniform in [r_min/n, r_max/n] ∩
    [1e−3, 10] (the regime where γ(n, r) changes character, r ≈ n), clipped to the box.
    """
    if not 0 < r_min <= r_max:
        raise ValueError(f"need 0 < r_min <= r_max; got r_min={r_min}, r_max={r_max}")
    n = draw(dimensions(n_min, n_max))
    if relative and draw(st.booleans()):
        lo, hi = max(r_min / n, 1e-3), min(r_max / n, 10.0)
        if lo <= hi:
            r = float(min(r_max, max(r_min, n * draw(scales(lo, hi)))))
            return Instance.make(regime=f"{_size(n)}-n/r~n", n=n, r=r)
    r = draw(radii(r_min, r_max))
    return Instance.make(regime=f"{_size(n)}-n/{'tiny' if r < 1 else 'large'}-r", n=n, r=r)


def _size(n: float) -> str:
    return "large" if n > 64 else "small"
