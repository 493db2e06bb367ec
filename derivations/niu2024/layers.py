"""Section 4 of Niu et al. (arXiv:2405.08707v2), layers: Eq. (6)–(8) as claims.

Notation: layers t = 1…l with patterns ρ (rows), E_t the energy of layer t (readings:
'printed' e^{−g_t}/Z_t, 'distance' Eq. (4), 'nearest' g_t), E_global = −LSE(−E_1, …, −E_l)
(Eq. 7), x the anchor and y a point of the trust region dist(y, x) ≤ δ (Eq. 6).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

import theory.balls as B
import theory.energies as te
from derivations import strategies as S
from derivations.engine import (
    Claim,
    Computed,
    Instance,
    Rel,
    Step,
)
from derivations.engine.kernel import algebra, cites, combine, term_bound
from derivations.niu2024.common import (
    counterexample,
    short,
)
from derivations.niu2024.lemmas import lemma3_statement
from derivations.niu2024.trust_region import argmin_ball, descent_instances, np_layer_energy
from theory.indexed import Size, Vec

SECTION = "4-layers"


def _layer_values(ops, v):
    if hasattr(v, "E"):  # given directly: a Vec (symbolic size) or a list
        return v.E
    Z = getattr(v, "Z", None)
    zs = list(Z) if Z is not None else [None] * len(v.layers)
    return [ops.layer_energy(P, v.x, v.reading, z) for P, z in zip(v.layers, zs, strict=True)]


def eq8_statement(strict: bool):
    def statement(ops, v):
        Es = _layer_values(ops, v)
        Es = Es if isinstance(Es, Vec) else list(Es)
        glob = ops.global_energy(Es)
        lo = ops.min(Es)
        return [
            Rel(lo - ops.log(ops.length(Es)), "<=", glob, "min_t E_t − log l ≤ E_global"),
            Rel(glob, "<" if strict else "<=", lo, "E_global < min_t E_t"),
        ]

    return statement


def eq8_derivation(cite: str):
    """Lemma 3 at z = (E_t)ₜ, and E_global = −LSE(−E) (Eq. 7)."""

    def derivation(ops, v):
        Es = _layer_values(ops, v)
        w = SimpleNamespace(z=Es)
        rels = lemma3_statement(cite != "lemma3/nonstrict")(ops, w)
        glob = ops.global_energy(Es)
        target = eq8_statement(cite != "lemma3/nonstrict")(ops, v)
        return [
            Step(rels[0], "Lemma 3 at z = (E_t)ₜ", cites(cite, w)),
            Step(rels[1], "Lemma 3 at z = (E_t)ₜ", cites(cite, w)),
            Step(
                Rel(glob, "==", -ops.lse(ops.vscale(-1, Es))),
                "Eq. (7)",
                algebra(unfold=("Eglobal",)),
            ),
            Step(target[0], "substitute E_global", combine((0, 1), (2, -1))),
            Step(target[1], "substitute E_global", combine((1, 1), (2, 1))),
        ]

    return derivation


def layer_space(at_least: int = 1):
    """Layer energies E_1 … E_l at one point, l ≥ ``at_least`` symbolic: every l at once."""

    def make():
        return SimpleNamespace(E=Vec.symbol("E", Size("l", at_least), "t"))

    return make


def _eq8_display():
    return layer_space()()


def _every_l(at_least: int = 1):
    return lambda: [layer_space(at_least)()]


def majorize_statement(ops, v):
    """Each E_t lies above E_global: E_global(x) ≤ E_t(x) for every layer t."""
    Es = _layer_values(ops, v)
    if isinstance(Es, Vec):
        t = Es.var
        return [Rel(ops.global_energy(Es), "<=", Es.body, "E_global ≤ E_t", over=(t, 1, Es.length))]
    glob = ops.global_energy(list(Es))
    return [Rel(glob, "<=", e, f"E_global ≤ E_{t + 1}") for t, e in enumerate(Es)]


def majorize_derivation(ops, v):
    """E_global ≤ min_t E_t (Eq. 8, corrected) ≤ E_t."""
    Es = _layer_values(ops, v)
    t = Es.var
    every = (t, 1, Es.length)
    glob = ops.global_energy(Es)
    return [
        Step(eq8_statement(False)(ops, v)[1], "Eq. (8), corrected", cites("eq8/nonstrict", v)),
        Step(
            Rel(ops.min(Es), "<=", Es.body, over=every),
            "the minimum is at most each E_t",
            term_bound(),
        ),
        Step(
            Rel(glob, "<=", Es.body, over=every), "E_global ≤ minₜ Eₜ ≤ Eₜ", combine((0, 1), (1, 1))
        ),
    ]


def _layer_vals(ops, v, x):
    zs = list(v.Z) if getattr(v, "Z", None) is not None else [None] * len(v.layers)
    return [ops.layer_energy(P, x, v.reading, z) for P, z in zip(v.layers, zs)]


def mm_touch_statement(ops, v):
    """MM needs the surrogate to touch at the anchor: E_t(x) = E_global(x) for every t."""
    if isinstance(getattr(v, "E", None), Vec):
        t = v.E.var
        return [
            Rel(
                v.E.body,
                "==",
                ops.global_energy(v.E),
                "E_{t}(x) = E_{global}(x)",
                over=(t, 1, v.E.length),
            )
        ]
    Es = _layer_vals(ops, v, v.x)
    g = ops.global_energy(Es)
    return [Rel(e, "==", g, f"E_{t + 1}(x) = E_global(x)") for t, e in enumerate(Es)]


def mm_majorize_statement(ops, v):
    """E_t shifted to touch at the anchor x majorizes E_global at y in the trust region:
    E_global(y) − E_global(x) ≤ E_t(y) − E_t(x) for every t."""
    if getattr(v, "symbolic", False):
        Eg, Et = sp.Function(r"E_{\mathrm{global}}"), sp.Function("E_{t}")
        return [Rel(Eg(v.y) - Eg(v.x), "<=", Et(v.y) - Et(v.x), "shifted E_t majorizes")]
    Ex, Ey = _layer_vals(ops, v, v.x), _layer_vals(ops, v, v.y)
    gx, gy = ops.global_energy(Ex), ops.global_energy(Ey)
    return [
        Rel(gy - gx, "<=", ey - ex, f"E_global(y) − E_global(x) ≤ E_{t + 1}(y) − E_{t + 1}(x)")
        for t, (ex, ey) in enumerate(zip(Ex, Ey))
    ]


_DELTAS = (0.01, 0.1, 1.0, 10.0, 100.0)


@st.composite
def trust_pairs(draw, max_layers: int = 4):
    """A layered instance (any reading of E_t), an anchor x and y with dist(x, y) ≤ δ."""
    reading = draw(st.sampled_from(te.LAYER_READINGS))
    inst = draw(S.layered_instances(reading, max_layers=max_layers, max_d=8, max_n=4))
    n = len(inst.x)
    delta = draw(st.sampled_from(_DELTAS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    u = rng.standard_normal(n)
    u /= max(float(np.linalg.norm(u)), 1e-300)
    frac = draw(st.floats(0, 1))
    y = np.array(inst.x) + math.sqrt(delta) * frac * u
    return Instance.make(
        None,
        inst.x,
        regime=f"{inst.regime}/{reading}/δ={delta}",
        **inst.p,
        y=tuple(float(t) for t in y),
        delta=delta,
    )


def eq6_descent_compute(reading: str, surrogate: str = "layer", deltas=_DELTAS, tol: float = 1e-6):
    """Run Eq. (6) on random layered instances: x^t = argmin E_t over dist(x, x^{t−1}) ≤ δ
    (squared distance, so a Euclidean ball of radius √δ), t = 1…l; does E_global decrease?

    ``surrogate="layer"`` minimises E_t (the paper's scheme); ``"global"`` minimises
    E_global itself (a control that must descend). A step counts as an increase when
    E_global(x^t) − E_global(x^{t−1}) > tol · (1 + |E_global(x^{t−1})|), both sides
    re-evaluated with mpmath at 30 digits; printed E_t uses Z_t = d_t · I_sq(n, 1) (Eq. 13).
    """

    def compute(examples: int, seed: int) -> Computed:
        count = max(6, min(examples // 2, 30))
        per_delta = {str(dl): {"steps": 0, "increases": 0, "max_increase": 0.0} for dl in deltas}
        worst = None
        steps = 0
        for n, layers, x0 in descent_instances(count, seed):
            zs = [
                float(len(P)) * float(mpmath.exp(B.mp_log_ball_integral_sq(n, 1))) for P in layers
            ]

            def glob_np(X, layers=layers, zs=zs):
                E = np.stack([np_layer_energy(P, X, reading, z) for P, z in zip(layers, zs)], 1)
                m = (-E).max(1)
                return -(m + np.log(np.exp(-E - m[:, None]).sum(1)))

            def glob_mp(x, layers=layers, zs=zs):
                vals = [
                    te.mp_layer_energy(
                        [list(map(float, r)) for r in P], list(map(float, x)), reading, z
                    )
                    for P, z in zip(layers, zs)
                ]
                return te.mp_global_energy(vals)

            for dl in deltas:
                x = x0.copy()
                rec = per_delta[str(dl)]
                for t, (P, zt) in enumerate(zip(layers, zs)):
                    if surrogate == "layer":

                        def f(X, P=P, zt=zt):
                            return np_layer_energy(P, X, reading, zt)
                    else:
                        f = glob_np
                    xn = argmin_ball(f, x, math.sqrt(dl))
                    with mpmath.workdps(30):
                        before, after = glob_mp(x), glob_mp(xn)
                        inc = after - before
                        scale = 1 + abs(before)
                    rec["steps"] += 1
                    steps += 1
                    if inc > tol * scale:
                        rec["increases"] += 1
                        rec["max_increase"] = max(rec["max_increase"], float(inc))
                        # report the smallest instance (fewest patterns, lowest n), then
                        # the largest increase
                        key = (sum(len(P) for P in layers), n, -inc)
                        if worst is None or key < worst[0]:
                            worst = (
                                key,
                                counterexample(
                                    {
                                        "layers": [P.tolist() for P in layers],
                                        "reading": reading,
                                        "Z": zs,
                                        "delta": dl,
                                        "layer_t": t + 1,
                                        "x_prev": x.tolist(),
                                        "x_t": xn.tolist(),
                                        "E_t(x_prev)": float(f(x[None])[0]),
                                        "E_t(x_t)": float(f(xn[None])[0]),
                                    },
                                    after,
                                    before,
                                    "E_{global}(x^{t}) ≤ E_{global}(x^{t−1})",
                                    inc,
                                    x=xn.tolist(),
                                ),
                            )
                    x = xn
        holds = worst is None
        n_inc = sum(r["increases"] for r in per_delta.values())
        frac = {k: f"{r['increases']}/{r['steps']}" for k, r in per_delta.items()}
        biggest = max(r["max_increase"] for r in per_delta.values())
        ev = (
            f"E_global never increased over {steps} steps of {count} instances"
            if holds
            else f"E_global increased on {n_inc} of {steps} steps (by δ: {frac}); largest "
            f"increase {biggest:.4g}; smallest counterexample: layers "
            f"{worst[1]['params']['layers']}, δ = {worst[1]['params']['delta']}, step "
            f"{worst[1]['params']['layer_t']}: {short(worst[1]['rhs'], 5)} → "
            f"{short(worst[1]['lhs'], 5)}"
        )
        return Computed(
            holds,
            ev,
            {"by_delta": per_delta, "instances": count, "reading": reading, "surrogate": surrogate},
            None if holds else worst[1],
            False,
            steps,
        )

    return compute


def _mm_display():
    return SimpleNamespace(symbolic=True, x=sp.Symbol("x"), y=sp.Symbol("y"))


def _touch_off_by_log_l(o, v):
    """Wrong variant: E_t − log l for E_t."""
    Es = _layer_vals(o, v, v.x)
    return [Rel(e - o.log(o.length(Es)), "==", o.global_energy(Es)) for e in Es]


def _majorize_flipped(o, v):
    """Wrong variant: the majorization reversed."""
    return [Rel(r.rhs, "<=", r.lhs) for r in mm_majorize_statement(o, v)]


def claims() -> list[Claim]:
    """Eq. (6)–(8) claims."""
    comp = "computation"
    return [
        Claim(
            "eq8",
            "§4, Eq. (8)",
            "as printed, E_{t} = Eq. (4) energy of layer t",
            "inequality",
            "l ≥ 1 layers",
            eq8_statement(True),
            lambda: S.layered_instances("distance"),
            _eq8_display,
            eq8_derivation("lemma3"),
            _every_l(),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.min(_layer_values(o, v)), "<=", o.global_energy(_layer_values(o, v)))
                ]
            ),
        ),
        Claim(
            "eq8/printed-Et",
            "§4, Eq. (8)",
            "as printed, E_{t} = e^{−g_{t}}/Z_{t} (literal reading)",
            "inequality",
            "l ≥ 1 layers, Z_t > 0",
            eq8_statement(True),
            lambda: S.layered_instances("printed"),
            _eq8_display,
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.min(_layer_values(o, v)), "<=", o.global_energy(_layer_values(o, v)))
                ]
            ),
        ),
        Claim(
            "eq8/nonstrict",
            "§4, Eq. (8)",
            "corrected: E_{global} ≤ min_{t} E_{t} (any reading of E_{t})",
            "inequality",
            "l ≥ 1 layers",
            eq8_statement(False),
            lambda: st.sampled_from(["distance", "nearest", "printed"]).flatmap(
                S.layered_instances
            ),
            _eq8_display,
            eq8_derivation("lemma3/nonstrict"),
            _every_l(),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(o.min(_layer_values(o, v)), "<=", o.global_energy(_layer_values(o, v)))
                ]
            ),
        ),
        Claim(
            "eq8/majorizes",
            "§4, after Eq. (8)",
            "each E_{t} lies above E_{global} (the majorization half of MM)",
            "inequality",
            "l ≥ 1 layers",
            majorize_statement,
            lambda: st.sampled_from(["distance", "nearest", "printed"]).flatmap(
                S.layered_instances
            ),
            _eq8_display,
            majorize_derivation,
            _every_l(),
            wrong=dict(
                statement=lambda o, v: [
                    Rel(e, "<=", o.global_energy(_layer_values(o, v))) for e in _layer_values(o, v)
                ]
            ),
        ),
        Claim(
            "eq6/mm-touch",
            "§4, Eq. (6)",
            "MM surrogate condition: E_{t} touches "
            "E_{global} at the anchor, E_{t}(x) = E_{global}(x) (every reading of E_{t})",
            "identity",
            "l ≥ 1 layers",
            mm_touch_statement,
            lambda: st.sampled_from(te.LAYER_READINGS).flatmap(S.layered_instances),
            _eq8_display,
            wrong={"statement": _touch_off_by_log_l},
        ),
        Claim(
            "eq6/mm-majorize",
            "§4, Eq. (6)",
            "MM 'up to a constant': E_{t} shifted to "
            "touch E_{global} at the anchor x still majorizes it on the trust region "
            "dist(y, x) ≤ δ",
            "inequality",
            "l ≥ 1 layers, δ ∈ {0.01 … 100}",
            mm_majorize_statement,
            lambda: trust_pairs(),
            _mm_display,
            wrong={"statement": _majorize_flipped},
        ),
        Claim(
            "eq6/descent",
            "§4, Eq. (6)",
            "E_{global}(x^{t}) ≤ E_{global}(x^{t−1}) along "
            "Eq. (6) with E_{t} = Eq. (4) layer energy, trust radii δ ∈ {0.01, 0.1, 1, 10, 100}",
            comp,
            "n = 1, 2; l = 2, 3 layers; Gaussian patterns",
            compute=eq6_descent_compute("distance"),
            wrong={"compute": eq6_descent_compute("nearest")},
        ),
        Claim(
            "eq6/descent-printed-Et",
            "§4, Eq. (6)",
            "the same with E_{t} = e^{−g_{t}}/Z_{t} "
            "as printed (minimising it moves away from layer t's patterns)",
            comp,
            "n = 1, 2; l = 2, 3 layers",
            compute=eq6_descent_compute("printed"),
            wrong={"compute": eq6_descent_compute("printed", deltas=(1.0,))},
        ),
    ]
