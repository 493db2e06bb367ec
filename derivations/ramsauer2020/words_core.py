"""Backend-neutral helpers and the small words of the Ramsauer et al. pack's vocabulary
(:mod:`derivations.ramsauer2020.words`, where the notation is explained): the patterns as
rows, vectors of a back end, display functions, the norm, scores, probabilities, the update
f(ξ) = X softmax(βXᵀξ) (Eq. 3) and the energy E(ξ) (Eq. 2).
"""

from __future__ import annotations

import functools

import sympy as sp

from derivations.engine import VectorSymbol
from theory.energies import mchn_energy, mchn_update

# ------------------------------------------------------------------ backend-neutral helpers


def is_torch(a) -> bool:
    return type(a).__module__.startswith("torch")


def rows(P) -> list:
    """The patterns as a list of row vectors (SymPy lists, mpmath/arb lists, torch rows)."""
    if isinstance(P, sp.MatrixBase):
        return [list(P.row(i)) for i in range(P.shape[0])]
    if is_torch(P):
        return [P[i] for i in range(P.shape[0])]
    return [list(r) for r in P]


def vec(o, items):
    """A vector of the back end from a list of its scalars (torch: a stacked tensor)."""
    if o.name == "torch":
        import torch

        return torch.stack([o._t(t) if not is_torch(t) else t for t in items])
    return list(items)


def _disp(*args) -> bool:
    """Whether any argument is a display object (holds a VectorSymbol)."""
    return any(
        isinstance(a, sp.Basic) and not isinstance(a, sp.MatrixBase) and a.atoms(VectorSymbol)
        for a in args
    )


@functools.cache
def display_fn(name: str, template: str):
    """A SymPy function class printing as ``template`` in LaTeX, ``@k`` replaced by its k-th
    argument."""

    def _latex(self, printer, exp=None, **k):
        out = template
        for n, t in enumerate(self.args):
            out = out.replace(f"@{n}", printer._print(t))
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    return type(name, (sp.Function,), {"_latex": _latex})


def _idx(i) -> int:
    return int(float(i))


# ------------------------------------------------------------------------- small words


def _norm_sym(o, a):
    if _disp(a):
        return display_fn("Norm", r"\left\| @0 \right\|")(a)
    return sp.sqrt(sp.Add(*[t**2 for t in a]))


def _norm_torch(o, a):
    import torch

    return torch.linalg.vector_norm(a if is_torch(a) else torch.stack(list(a)))


def _scores(o, P, x):
    if is_torch(P):
        return P @ x
    return [o.dot(r, x) for r in rows(P)]


def _probs(o, P, x, beta):
    """p = softmax(βXᵀξ) as a list (SymPy/mpmath/arb) or a tensor (torch)."""
    z = _scores(o, P, x)
    if o.name == "torch":
        import numerics.energies as ne

        return ne.softmax(z, float(beta))
    return [o.softmax(z, k, beta) for k in range(len(z))]


def _update_generic(o, P, x, beta):
    p = _probs(o, P, x, beta)
    R = rows(P)
    return [sum((p[i] * R[i][k] for i in range(len(R))), o.num(0)) for k in range(len(R[0]))]


def _update_sym(o, P, x, beta):
    if _disp(P, x):
        return display_fn("Update", r"f\left(@1\right)")(P, x)
    return mchn_update(P, x, beta)


def _update_torch(o, P, x, beta):
    import numerics.energies as ne

    return ne.mchn_update(P, x, float(beta))


def _energy_generic(o, P, x, beta):
    z = _scores(o, P, x)
    big = o.max([o.sqnorm(r) for r in rows(P)])
    return -o.lse(z, beta) + o.sqnorm(x) / 2 + o.log(o.num(len(z))) / beta + big / 2


def _energy_sym(o, P, x, beta):
    if _disp(P, x):
        return display_fn("Energy", r"E\left(@1\right)")(P, x)
    return mchn_energy(P, x, beta)


def _energy_torch(o, P, x, beta):
    import numerics.energies as ne

    return ne.mchn_energy(P, x, float(beta))


def _energy_gm(o, P, x, beta):
    """−β⁻¹ ln[(1/N) Σᵢ exp(−½β(M² − ‖xᵢ‖²)) exp(−½β‖xᵢ − ξ‖²)] (Eq. 2's mixture form)."""
    if o.name == "sympy" and _disp(P, x):
        return display_fn("EnergyGM", r"E_{\mathrm{GM}}\left(@1\right)")(P, x)
    R = rows(P)
    sq = [o.sqnorm(r) for r in R]
    big = o.max(sq)
    z = []
    for r, s in zip(R, sq):
        diff = o.vadd(r, o.vscale(-1, x))
        z.append(-(big - s) / 2 - o.sqnorm(diff) / 2)
    if o.name == "torch":
        import torch

        z = torch.stack(z)
    return -o.lse(z, beta) + o.log(o.num(len(R))) / beta
