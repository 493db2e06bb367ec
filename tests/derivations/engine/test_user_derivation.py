"""A user's derivation through the public step/rule API (the README example): the right one
is accepted and makes its claim proven for every m; a wrong one is rejected at the step
that does not follow; a statement whose symbolic-size form differs from the searched one
is caught before anything is called proven."""

from __future__ import annotations

from types import SimpleNamespace

from derivations import strategies as S
from derivations.engine import Claim, Rel, Step, check_derivation, load_registry, verify
from derivations.engine.kernel import cites, combine, term_bound
from theory.indexed import Size, Vec

# ------------------------------------------------------------ the README example (verbatim)


def entry_statement(ops, v):
    """Every entry of z is at most LSE(z)."""
    if isinstance(v.z, Vec):  # symbolic size: one relation for every i = 1 … m
        i = v.z.var
        return [Rel(v.z.body, "<=", ops.lse(v.z), "zᵢ ≤ LSE(z)", over=(i, 1, ops.length(v.z)))]
    return [Rel(t, "<=", ops.lse(v.z), f"z_{k + 1} ≤ LSE(z)") for k, t in enumerate(v.z)]


def every_m():
    return SimpleNamespace(z=Vec.symbol("z", Size("m")))


def entry_derivation(ops, v):
    z = v.z
    every = (z.var, 1, z.length)
    return [
        Step(
            Rel(z.body, "<=", ops.max(z), over=every),
            "each entry is at most the maximum",
            term_bound(),
        ),
        Step(
            Rel(ops.max(z), "<=", ops.lse(z)),
            "Lemma 2 (non-strict)",
            cites("niu2024:lemma2/nonstrict", v),
        ),
        Step(entry_statement(ops, v)[0], "zᵢ ≤ max z ≤ LSE(z)", combine((0, 1), (1, 1))),
    ]


ENTRY = Claim(
    "entry-below-lse",
    "my note",
    "every entry is at most LSE(z)",
    "inequality",
    "z ∈ ℝᵐ",
    entry_statement,
    lambda: S.lse_instances(),
    every_m,
    entry_derivation,
    lambda: [every_m()],
)


def wrong_statement(ops, v):
    """Wrong: every entry is at most LSE(z) − log m."""
    return [
        Rel(r.lhs, "<=", r.rhs - ops.log(ops.length(v.z)), over=r.over)
        for r in entry_statement(ops, v)
    ]


def wrong_derivation(ops, v):
    steps = entry_derivation(ops, v)[:2]
    return steps + [
        Step(
            wrong_statement(ops, v)[0],
            "zᵢ ≤ max z ≤ LSE(z) − log m (wrong)",
            combine((0, 1), (1, 1)),
        )
    ]


WRONG = Claim(
    "entry-below-lse-minus-log-m",
    "my note",
    "wrong",
    "inequality",
    "z ∈ ℝᵐ",
    wrong_statement,
    lambda: S.lse_instances(),
    every_m,
    wrong_derivation,
    lambda: [every_m()],
)

# ------------------------------------------------------------------------------- tests

REG = load_registry(["niu2024"])


def test_the_users_derivation_is_accepted_and_proves_the_claim():
    reg = {**REG, ENTRY.qid: ENTRY}
    out = check_derivation(ENTRY, reg)
    assert out["complete"] and out["scope"] == "all sizes"
    assert out["cites"] == ["niu2024:lemma2/nonstrict"]
    (rec,) = [r for r in verify(reg, [ENTRY.qid], examples=20) if r["qid"] == ENTRY.qid]
    assert rec["status"] == "proven", rec["evidence"]


def test_the_wrong_derivation_is_rejected_at_the_step_that_does_not_follow():
    reg = {**REG, WRONG.qid: WRONG}
    out = check_derivation(WRONG, reg)
    assert not out["complete"]
    bad = out["steps"][2]
    assert not bad["checked"] and "not proved ≥ 0" in bad["how"] and "log m" in bad["how"]
    (rec,) = [r for r in verify(reg, [WRONG.qid], examples=40) if r["qid"] == WRONG.qid]
    assert rec["status"] == "refuted"


def test_a_symbolic_statement_that_differs_from_the_searched_one_is_caught():
    """The formula proven at symbolic size must be the formula the search evaluates."""

    def two_faced(ops, v):  # at symbolic size it claims less than at fixed sizes
        if isinstance(v.z, Vec):
            return [Rel(ops.max(v.z), "<=", ops.lse(v.z) + 1)]
        return [Rel(ops.max(v.z), "<=", ops.lse(v.z))]

    def derivation(ops, v):
        return [
            Step(
                Rel(ops.max(v.z), "<=", ops.lse(v.z)),
                "Lemma 2",
                cites("niu2024:lemma2/nonstrict", v),
            ),
            Step(two_faced(ops, v)[0], "weaker", combine((0, 1))),
        ]

    c = Claim(
        "two-faced",
        "r",
        "r",
        "inequality",
        "",
        two_faced,
        lambda: S.lse_instances(),
        every_m,
        derivation,
        lambda: [every_m()],
    )
    out = check_derivation(c, {**REG, c.qid: c})
    assert all(s["checked"] for s in out["steps"][:2])
    assert not out["complete"] and out["scope"] == "fixed sizes"
    assert "differs" in out["agreement"]


def test_the_readme_example_runs_as_written(capsys):
    """README's "Check a claim of your own" block, executed as printed."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Check a claim of your own", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    out = capsys.readouterr().out
    assert "all 3 derivation steps justified for every size" in out, out
