"""The rule kernel: the only code that can mark a derivation step *checked*.

A step (:class:`~derivations.engine.model.Step`) states a relation and names the rule that
licenses it, e.g. ``Step(Rel(a, "<=", b), "why", termwise(3))``. Each rule below is one
function whose docstring states the mathematical fact it licenses; :func:`check_step` runs
it under a deterministic work budget (:data:`WORK_BUDGET` units counted by the kernel, not
seconds) and
returns the step's outcome. A step is *checked* only when its rule accepts it, every premise
it uses was itself checked, and the work stayed within budget; anything else is *not
confirmed* (the rule does not license it, or could not show it) or *not decided within
budget* — never assumed.

Rules see expressions of any size: at fixed sizes (lists of symbols) or at symbolic size
(:mod:`theory.indexed`: vectors of length m, sums Σ_{i=1}^{m}, LSE and max over i = 1…m).
Equalities are decided by the normal form of :mod:`derivations.engine.normal`; signs by its
sign rules. The legacy justifications of :mod:`derivations.engine.model` (``Algebra``,
``Cites``, ``Chain``, ``Combine``, ``Monotone``, ``Wlog``) are other spellings of these rules.

The rules (public constructors; ``premises`` are indices of earlier steps, 0-based):

``algebra(unfold=())``, ``assumption()``, ``cites(claim_id, v)``, ``combine((k, c), …)``,
``monotone(k, f, domain)``, ``termwise(k)``, ``term_bound()``, ``split_first()``,
``split_at(at)``, ``cases_first(k1, k2)``, ``wlog(key)``, ``abs_bound(k1, k2)``,
``abs_sign(k)``, ``holder(k1, k2)``, ``gibbs(k1, k2)``, ``cauchy_schwarz()``,
``minkowski(weight)``, ``max_difference()``, ``differentiate()``, ``delta_sum()``,
``delta_cases(k1, k2)``, ``antisymmetry(k1, k2)``, ``sum_bound()``, ``spectral_bound()``,
``spectral_congruence(X)``, ``gram_trace(X)``, ``spectral_entries(k)``,
``mean_value(k1, k2, a, b, t)``, ``mean_value_matrix(k, a, b, t)``, ``integral_norm(k)``,
``baillon_haddad(k1, k2, F, G, u, v, a, b)``,
``instance(k, at, index=None)``, ``unchecked(reason)``,
``banach(limit, into, contracts, radius, centre=None, states=("x", "y"))``,
``in_range()``, ``integral_bound(k)``, ``integrate()``, ``relabel(k, patterns="P", which="i")``,
``exp_tangent()``, ``log_tangent(a)``, ``wendel(x, s)``.

The spectral-norm rules (:mod:`derivations.engine.rules_matrix`; ‖·‖₂ at symbolic size is
:class:`theory.matrix_norm.SpectralNorm`) take a matrix argument X = (Lambda((r, c), X[r, c]),
rows, cols).

``relabel(k)`` (:mod:`derivations.engine.rules_relabel`) licenses: S proved for the first
pattern x₁ of an arbitrary pattern set X = (x₁, …, x_N) (the instance's PatternSet) holds for
every pattern i — S at X with x₁ and xᵢ swapped, i.e. S with x₁ → xᵢ and every reduction over
j = 2…N → one over j ≠ i — when step k's relation mentions x₁ only as rows x[1, ·] and the
other patterns only inside Σ, max, min or LSE over j = 2…N or 1…N whose terms depend on j
only through x[j, ·] and nothing else is indexed by patterns; the claim's hypotheses are
read alike and relabelled with it (the hypotheses for pattern i imply the statement for
pattern i). The step's relation is step k's; the checker then compares the
statement for every pattern i, written out at small sizes, with the searched statement for
that i (:func:`derivations.engine.checker.statement_agreement`).

``banach(limit, into, contracts, radius)`` (:mod:`derivations.engine.rules_limit`)
licenses x* ∈ B for a quantity the claim defines as an iteration's limit x* = lim Fᵗ(x₀)
(an :class:`~derivations.engine.model.IterationLimit` in ``Claim.defined``): B the closed
ball of radius ``radius`` about x₀ contains x₀, the cited claim ``into`` says F maps B into
B and the cited claims ``contracts`` say F contracts on B with q < 1 (two of them may split
the cases), read at the instance's free states ξ and y (Banach's fixed point theorem).

Relations over several index ranges (``Rel(..., over=((i, 1, m), (j, 1, m)))``: for every i
and every j; e.g. the m² entries of a Jacobian ∂pᵢ/∂zⱼ, checked once for symbolic i and j, the
case i = j included) are read by ``algebra``, ``assumption``, ``cites``, ``combine``,
``monotone``, ``termwise`` (a reduction over one range, the others kept), ``split_first``,
``split_at``, ``cases_first``, ``abs_bound``, ``abs_sign``, ``antisymmetry``,
``differentiate``, ``delta_sum`` (a δ collapses over each range), ``delta_cases`` (R(i, j)
from its cases i = j, δ = 1, and δ = 0), ``spectral_entries`` (a matrix's entries) and
``instance`` (one range instantiated, the others kept); :func:`check_step` refuses any other
rule a step or premise over several ranges (``Rule.multi``). A premise's ranges are matched
to the step's ranges with the same bounds (:func:`derivations.engine.rules.implies`).
``instance(k, at)`` reads step k, quantified over [lo, hi], at one point ``at`` the sign rules
place in [lo, hi] (or at an index of the step over a sub-range).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from derivations.engine import normal as N
from derivations.engine.model import Algebra, Chain, Cites, Combine, Monotone, Step, Wlog
from derivations.engine.rules import (
    RULES,
    Context,
    NotLicensed,
    Use,
    abs_bound,
    abs_sign,
    algebra,
    antisymmetry,
    assumption,
    baillon_haddad,
    banach,
    cases_first,
    cauchy_schwarz,
    cites,
    combine,
    delta_cases,
    delta_sum,
    differentiate,
    exp_tangent,
    gibbs,
    gram_trace,
    holder,
    in_range,
    instance,
    integral_bound,
    integral_norm,
    integrate,
    log_tangent,
    max_difference,
    mean_value,
    mean_value_matrix,
    minkowski,
    monotone,
    relabel,
    spectral_bound,
    spectral_congruence,
    spectral_entries,
    split_at,
    split_first,
    sum_bound,
    term_bound,
    termwise,
    unchecked,
    wendel,
    wlog,
)

__all__ = [
    "WORK_BUDGET",
    "Use",
    "Outcome",
    "check_step",
    "run_steps",
    "as_use",
    "RULES",
    "Context",
    "algebra",
    "assumption",
    "cites",
    "combine",
    "monotone",
    "termwise",
    "term_bound",
    "split_first",
    "split_at",
    "cases_first",
    "minkowski",
    "wlog",
    "abs_bound",
    "abs_sign",
    "holder",
    "gibbs",
    "cauchy_schwarz",
    "max_difference",
    "differentiate",
    "delta_sum",
    "delta_cases",
    "antisymmetry",
    "sum_bound",
    "spectral_bound",
    "spectral_congruence",
    "gram_trace",
    "spectral_entries",
    "mean_value",
    "mean_value_matrix",
    "integral_norm",
    "baillon_haddad",
    "banach",
    "instance",
    "unchecked",
    "in_range",
    "integral_bound",
    "integrate",
    "relabel",
    "exp_tangent",
    "log_tangent",
    "wendel",
]

#: The work one step may take, in units counted by the kernel itself (expressions
#: normalized, signs looked up, index orders tried, terms of an expansion): the same on any
#: machine at any load. Past it the step is "not decided within budget".
WORK_BUDGET = 20_000


@dataclass
class Outcome:
    """One step's outcome: ``status`` is "checked", "not confirmed" or "not decided within
    budget"; ``how`` says why; ``work`` counts the Python calls spent."""

    status: str
    how: str
    rule: str
    premises: list = field(default_factory=list)
    work: int = 0

    @property
    def checked(self) -> bool:
        return self.status == "checked"


def as_use(by: Any) -> Use:
    """The kernel rule behind a justification (a :class:`Use` or a legacy spelling)."""
    if isinstance(by, Use):
        return by
    if isinstance(by, Algebra):
        return algebra(unfold=tuple(by.unfold))
    if isinstance(by, Cites):
        return cites(by.claim_id, by.v)
    if isinstance(by, Chain):
        return combine((by.i, 1), (by.j, 1))
    if isinstance(by, Combine):
        return combine(*by.coeffs)
    if isinstance(by, Monotone):
        return monotone(by.i, by.f, by.domain)
    if isinstance(by, Wlog):
        return wlog(by.key, by.general)
    raise ValueError(f"not a justification: {type(by).__name__}")


def _budgeted(fn, budget: int):
    """(result, work) of fn(), the work counted by the kernel (:func:`derivations.engine.
    normal.work`: expressions normalized, signs looked up, index orders tried, expansion
    terms) — the same on any machine, at any load; raises ``OutOfWork`` past ``budget``.

    The kernel's memo is emptied first and SymPy's assumption-order shuffle seeded, so the
    work does not depend on what ran before.
    """
    from sympy.core import random as sympy_random

    rng = sympy_random._assumptions_rng  # SymPy shuffles the order it deduces facts in
    rng_state = rng.getstate()
    rng.seed(0)
    N.forget(budget)
    try:
        out = fn()
    finally:
        rng.setstate(rng_state)
    w = N.work()
    N.forget()
    return out, w


def check_step(k: int, step: Step, ctx: Context, budget: int | None = None) -> Outcome:
    """Check step ``k`` of a derivation (``ctx`` holds the earlier steps and their outcomes).

    The only place a step becomes "checked".
    """
    budget = WORK_BUDGET if budget is None else budget
    try:
        use = as_use(step.by)
    except ValueError as exc:
        return Outcome("not confirmed", f"not confirmed: {exc}", "?")
    prem = list(use.premises)
    bad = [p for p in prem if not (isinstance(p, int) and 0 <= p < k)]
    if bad:
        return Outcome(
            "not confirmed",
            f"not confirmed: premise {bad[0]} is not an earlier step",
            use.rule,
            prem,
        )
    unchecked = [p for p in prem if not ctx.outcomes[p].checked]
    if unchecked:
        return Outcome(
            "not confirmed",
            "not confirmed: rests on step(s) "
            + ", ".join(str(p + 1) for p in unchecked)
            + ", not checked",
            use.rule,
            prem,
        )
    rule = RULES[use.rule]
    rels = [ctx.steps[p].rel for p in prem]
    wide = [r for r in [step.rel, *rels] if len(getattr(r, "ranges", ())) > 1]
    if wide and not rule.multi:
        return Outcome(
            "not confirmed",
            f"not confirmed: the rule {use.rule} reads relations over one index range; "
            + ("this step" if wide[0] is step.rel else "a premise")
            + f" ranges over {len(wide[0].ranges)}",
            use.rule,
            prem,
        )

    try:
        how, work = _budgeted(lambda: rule.fn(ctx, step.rel, rels, **dict(use.args)), budget)
    except N.OutOfWork:
        return Outcome(
            "not decided within budget",
            f"not decided within budget ({budget:,} units of kernel work)",
            use.rule,
            prem,
            budget,
        )
    except NotLicensed as exc:
        return Outcome("not confirmed", f"not confirmed: {exc}", use.rule, prem)
    except Exception as exc:  # noqa: BLE001 - a rule that cannot even read the step
        return Outcome(
            "not confirmed", f"not confirmed: {type(exc).__name__}: {exc}", use.rule, prem
        )
    return Outcome("checked", f"{use.rule}: {how}", use.rule, prem, work)


def run_budgeted(fn, budget: int | None = None) -> tuple[Any, int] | None:
    """(fn(), calls) within the work budget, or None when it ran out (for the checker's
    conclusion test, which is kernel work too)."""
    try:
        return _budgeted(fn, WORK_BUDGET if budget is None else budget)
    except N.OutOfWork:
        return None


def new_context(claim, registry, ops, ns: SimpleNamespace, steps) -> Context:
    """A fresh context for checking ``steps`` of ``claim`` on the instance ``ns``."""
    return Context(claim, registry, ops, ns, list(steps), [])


def run_steps(
    claim, registry, ops, ns: SimpleNamespace, steps, budget: int | None = None
) -> Context:
    """The context after checking ``steps`` of ``claim`` on ``ns`` in order, each step
    seeing the outcomes before it (``ctx.outcomes``, one per step)."""
    ctx = new_context(claim, registry, ops, ns, steps)
    for k, s in enumerate(ctx.steps):
        ctx.outcomes.append(check_step(k, s, ctx, budget))
    return ctx
