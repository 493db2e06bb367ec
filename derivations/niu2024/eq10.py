"""Section 5 of Niu et al. (arXiv:2405.08707v2): Eq. (10) as claims, one per reading of t.

Eq. (10) writes E_global(x) = E_t(x) − log l + c(x) with 0 ≤ c(x) < log l, and the paper
then takes c constant. It does not say which layer t is meant. Readings:

* ``eq10`` — t the layer with the smallest E_t(x) (the only choice that can make c ≥ 0),
  as printed for every l ≥ 1;
* ``eq10/min-layer/l-ge-2`` — the same for l ≥ 2 layers;
* ``eq10/min-layer/nonstrict`` — the same with c ≤ log l, every l ≥ 1;
* ``eq10/any-layer`` — every layer t (then c_t = E_global − E_t + log l);
* ``eq10/any-layer/upper`` — what does hold for every t: c_t < log l (l ≥ 2).

Notation: E_1(x) … E_l(x) the layer energies at one point x (any reading of E_t, Sec. 4),
E_global = −LSE(−E_1, …, −E_l) (Eq. 7), c(x) = E_global(x) − min_t E_t(x) + log l,
c_t(x) = E_global(x) − E_t(x) + log l. Each claim carries its wrong variant (``wrong=``).
"""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import strategies as st

from derivations import strategies as S
from derivations.engine import Claim, Rel, Step
from derivations.engine.indexed_ops import name_as
from derivations.engine.kernel import algebra, cites, combine, term_bound
from derivations.niu2024.layers import _every_l, _layer_values, layer_space
from derivations.niu2024.lemmas import lemma3_statement
from theory.indexed import Vec, notation

SECTION = "5-prop4"

notation(
    "c",
    r"c\left(x\right)",
    "c(x)",
    False,
    "c(x) = E_global(x) − min_t E_t(x) + log l (Eq. 10, t the layer minimising E_t)",
)
notation(
    "c_{t}",
    r"c_{$0}\left(x\right)",
    "c$_0(x)",
    False,
    "c_t(x) = E_global(x) − E_t(x) + log l (Eq. 10 for the layer t)",
)


def _energies(ops, v):
    Es = _layer_values(ops, v)
    return Es if isinstance(Es, Vec) else list(Es)


def c_min(ops, Es):
    """c(x) for t the layer with the smallest E_t."""
    glob = ops.global_energy(Es)
    return name_as(ops, "c", glob - ops.min(Es) + ops.log(ops.length(Es)))


def c_layer(ops, Es, e, t):
    """c_t(x) for the layer t with energy e."""
    glob = ops.global_energy(Es)
    return name_as(ops, "c_{t}", glob - e + ops.log(ops.length(Es)), t)


def min_layer_statement(strict: bool):
    def statement(ops, v):
        Es = _energies(ops, v)
        c = c_min(ops, Es)
        return [
            Rel(ops.num(0), "<=", c, "0 ≤ c(x)"),
            Rel(c, "<" if strict else "<=", ops.log(ops.length(Es)), "c(x) < log l"),
        ]

    return statement


def any_layer_statement(lower: bool = True):
    def statement(ops, v):
        Es = _energies(ops, v)
        logl = ops.log(ops.length(Es))
        if isinstance(Es, Vec):
            t = Es.var
            c = c_layer(ops, Es, Es.body, t)
            every = (t, 1, Es.length)
            out = [Rel(ops.num(0), "<=", c, "0 ≤ c_{t}(x)", over=every)] if lower else []
            return out + [Rel(c, "<", logl, "c_{t}(x) < log l", over=every)]
        out = []
        for t, e in enumerate(Es, 1):
            c = c_layer(ops, Es, e, t)
            if lower:
                out.append(Rel(ops.num(0), "<=", c, f"0 ≤ c_{t}(x)"))
            out.append(Rel(c, "<", logl, f"c_{t}(x) < log l"))
        return out

    return statement


def min_layer_derivation(cite: str):
    """Lemma 3 (reading ``cite``) at z = (E_t)ₜ is Eq. (8); c(x) rewrites it."""
    strict = cite != "lemma3/nonstrict"

    def derivation(ops, v):
        Es = _energies(ops, v)
        w = SimpleNamespace(z=Es)
        lem = lemma3_statement(strict)(ops, w)
        glob, c = ops.global_energy(Es), c_min(ops, Es)
        logl = ops.log(ops.length(Es))
        want = min_layer_statement(strict)(ops, v)
        return [
            Step(lem[0], "Lemma 3 at z = (E_t)ₜ (Eq. 8, lower)", cites(cite, w)),
            Step(lem[1], "Lemma 3 at z = (E_t)ₜ (Eq. 8, upper)", cites(cite, w)),
            Step(
                Rel(glob, "==", -ops.lse(ops.vscale(-1, Es))),
                "Eq. (7)",
                algebra(unfold=("Eglobal",)),
            ),
            Step(
                Rel(c, "==", glob - ops.min(Es) + logl),
                "the definition of c(x)",
                algebra(unfold=("c",)),
            ),
            Step(want[0], "Eq. (8), lower, in terms of c(x)", combine((0, 1), (2, -1), (3, -1))),
            Step(want[1], "Eq. (8), upper, in terms of c(x)", combine((1, 1), (2, 1), (3, 1))),
        ]

    return derivation


def any_layer_upper_derivation(ops, v):
    """E_global < min_t E_t ≤ E_t for l ≥ 2, so c_t < log l for every t."""
    Es = _energies(ops, v)
    t = Es.var
    every = (t, 1, Es.length)
    w = SimpleNamespace(z=Es)
    lem = lemma3_statement(True)(ops, w)
    glob = ops.global_energy(Es)
    c = c_layer(ops, Es, Es.body, t)
    logl = ops.log(ops.length(Es))
    return [
        Step(lem[1], "Lemma 3 at z = (E_t)ₜ, l ≥ 2", cites("lemma3/m-ge-2", w)),
        Step(
            Rel(glob, "==", -ops.lse(ops.vscale(-1, Es))), "Eq. (7)", algebra(unfold=("Eglobal",))
        ),
        Step(
            Rel(ops.min(Es), "<=", Es.body, over=every),
            "the minimum is at most each E_t",
            term_bound(),
        ),
        Step(
            Rel(c, "==", glob - Es.body + logl, over=every),
            "the definition of c_t(x)",
            algebra(unfold=("c_{t}",)),
        ),
        Step(
            any_layer_statement(False)(ops, v)[0],
            "E_global < minₜ Eₜ ≤ Eₜ, in terms of c_t(x)",
            combine((0, 1), (1, 1), (2, 1), (3, 1)),
        ),
    ]


def _layered(min_layers: int = 1):
    def domain():
        s = st.sampled_from(["distance", "nearest", "printed"]).flatmap(S.layered_instances)
        return s.filter(lambda i: len(i.p["layers"]) >= min_layers) if min_layers > 1 else s

    return domain


def _wrong_c_min(bound):
    """Wrong variant: c(x) ≤ bound(log l)."""

    def statement(o, v):
        Es = _energies(o, v)
        return [Rel(c_min(o, Es), "<=", bound(o.log(o.length(Es))))]

    return statement


def _wrong_c_layers(bound):
    """Wrong variant: c_t(x) ≤ bound(log l) for every t."""

    def statement(o, v):
        Es = _energies(o, v)
        logl = o.log(o.length(Es))
        return [Rel(c_layer(o, Es, e, t), "<=", bound(logl)) for t, e in enumerate(Es, 1)]

    return statement


def claims() -> list[Claim]:
    """Eq. (10), one claim per reading of t."""
    one, two = layer_space(1), layer_space(2)
    return [
        Claim(
            "eq10",
            "§5, Eq. (10)",
            "as printed, t the layer with the smallest E_{t}(x): 0 ≤ c(x) < log l, l ≥ 1",
            "inequality",
            "l ≥ 1 layers, any reading of E_t",
            min_layer_statement(True),
            _layered(),
            one,
            min_layer_derivation("lemma3"),
            _every_l(1),
            uses=("eq8",),
            wrong={"statement": _wrong_c_min(lambda logl: logl / 2 - 1)},
        ),
        Claim(
            "eq10/min-layer/l-ge-2",
            "§5, Eq. (10)",
            "t the layer with the smallest E_{t}(x), l ≥ 2 layers: 0 ≤ c(x) < log l",
            "inequality",
            "l ≥ 2 layers, any reading of E_t",
            min_layer_statement(True),
            _layered(2),
            two,
            min_layer_derivation("lemma3/m-ge-2"),
            _every_l(2),
            aliases=("eq10/min-layer/l>=2",),
            wrong={"statement": _wrong_c_min(lambda logl: logl / 2)},
        ),
        Claim(
            "eq10/min-layer/nonstrict",
            "§5, Eq. (10)",
            "corrected: t the layer with the smallest E_{t}(x), 0 ≤ c(x) ≤ log l, every l ≥ 1",
            "inequality",
            "l ≥ 1 layers, any reading of E_t",
            min_layer_statement(False),
            _layered(),
            one,
            min_layer_derivation("lemma3/nonstrict"),
            _every_l(1),
            wrong={"statement": _wrong_c_min(lambda logl: logl / 2)},
        ),
        Claim(
            "eq10/any-layer",
            "§5, Eq. (10)",
            "every layer t: 0 ≤ c_{t}(x) < log l, c_{t} = E_{global} − E_{t} + log l "
            "(l ≥ 2, so that the layers differ)",
            "inequality",
            "l ≥ 2 layers, any reading of E_t",
            any_layer_statement(True),
            _layered(2),
            two,
            wrong={"statement": _wrong_c_layers(lambda logl: logl / 2 - 1)},
        ),
        Claim(
            "eq10/any-layer/upper",
            "§5, Eq. (10)",
            "what holds for every layer t: c_{t}(x) < log l, l ≥ 2 layers",
            "inequality",
            "l ≥ 2 layers, any reading of E_t",
            any_layer_statement(False),
            _layered(2),
            two,
            any_layer_upper_derivation,
            _every_l(2),
            wrong={"statement": _wrong_c_layers(lambda logl: logl / 2)},
        ),
    ]
