"""Formulas in the paper's notation: named quantities by name, sums left as sums, LSE and
max over an index range; derivation steps never show identical sides by accident; every
rendered formula converts to MathML; terminal text uses Unicode."""

from __future__ import annotations

import pytest
import sympy as sp

from derivations.engine import Rel, load_registry
from derivations.engine.indexed_ops import INDEXED
from derivations.engine.render import latex, rel_text, sub, sup, text
from derivations.engine.run import cached_derivation
from derivations.niu2024.energies import pattern_space
from derivations.report.mathml import latex_to_mathml
from derivations.report.mathtext import segments, to_unicode
from theory.indexed import Size, Vec

REG = load_registry()
NIU = load_registry(["niu2024"])


def test_named_quantities_print_by_name():
    v = pattern_space()
    P, x = v.P, v.x
    assert text(INDEXED.nn(P, x)) == "g(x)"
    assert text(INDEXED.energy(P, x)) == "E(x)"
    assert text(INDEXED.mchn(P, x, 2)) == "E^MCHN₂(x)"
    assert latex(INDEXED.mchn(P, x, 2)) == r"E^{\mathrm{MCHN}}_{2}\left(x\right)"
    assert text(INDEXED.dists(P, x).body) == "‖x − ρⁱ‖²"
    z = Vec.symbol("z", Size("m"))
    assert text(INDEXED.lse(INDEXED.vscale(-1, z))) == "LSE(−z)"
    assert text(INDEXED.max(z)) == "maxᵢ₌₁ᵐ zᵢ"
    assert text(sp.Sum(sp.exp(z.body), (z.var, 2, z.length))) == "Σᵢ₌₂ᵐ exp(zᵢ)"


def test_statements_read_as_in_the_paper():
    want = {
        "prop1": "g(x) − log d ≤ E(x)  ∧  E(x) ≤ g(x)",
        "lemma2/m-ge-2": "maxᵢ₌₁ᵐ zᵢ < LSE(z)  ∧  LSE(z) ≤ maxᵢ₌₁ᵐ zᵢ + log m",
        "lemma1/tangent": "LSE(z) + Σᵢ₌₁ᵐ (yᵢ − zᵢ)·softmax(z)ᵢ ≤ LSE(y)",
        "eq8/majorizes": "E_global ≤ Eₜ   (for t = 1 … l)",
    }
    for cid, s in want.items():
        assert NIU["niu2024:" + cid].statement_text() == s, cid
    p2 = NIU["niu2024:prop2"]
    assert "Δ" in p2.statement_text() and "E^MCHN₂(x)" in p2.statement_text()
    assert r"\Delta" in p2.statement_latex() and r"\sum" not in p2.statement_latex()
    assert "log(d" not in NIU["niu2024:prop3/corrected"].statement_text()


def test_relations_with_a_range_and_scripts():
    i, m = sp.Symbol("i", integer=True), Size("m")
    z = sp.IndexedBase("z", real=True)
    assert rel_text(Rel(z[i], "<=", 1, over=(i, 1, m))) == "zᵢ ≤ 1   (for i = 1 … m)"
    assert sub("i=1") == "ᵢ₌₁" and sup("m") == "ᵐ" and sub("q") == "_q"


def test_inline_formulas_in_free_text():
    seg = segments("printed as 2π^{n/2}γ(n, r)/Γ(n/2), n large; E_{t} = e^{−g_{t}}")
    assert ("math", "2π^{n/2}γ(n, r)/Γ(n/2)") in seg
    assert to_unicode("e^{−r} and a_b*c") == "e⁻ʳ and a_b*c"
    # a formula that starts inside a bracket opened before it keeps the closer as text
    seg = segments("‖f(ξ) − xᵢ‖ ≤ 2(N − 1)e^{−β(Δᵢ − 2μM)}M here")
    assert ("math", "e^{−β(Δᵢ − 2μM)}M") in seg
    assert "".join(t for _, t in seg) == "‖f(ξ) − xᵢ‖ ≤ 2(N − 1)e^{−β(Δᵢ − 2μM)}M here"


@pytest.fixture(scope="module")
def derivations():
    """Every derivation's check, through the on-disk cache (the claims are not modified
    here), so the later tests that verify these claims reuse it."""
    return {q: cached_derivation(c, REG) for q, c in REG.items() if c.derivation is not None}


def test_no_step_shows_identical_sides_unless_it_says_so(derivations):
    for q, d in derivations.items():
        for s in d["steps"]:
            if s["lhs_latex"] == s["rhs_latex"]:
                assert s["identity"] and "identity" in s["how"], (q, s["text"])
    niu = [s for q, d in derivations.items() if q.startswith("niu2024:") for s in d["steps"]]
    assert niu and not [s["text"] for s in niu if s["lhs_latex"] == s["rhs_latex"]]


def test_every_step_reason_is_one_line(derivations):
    """Regression: a reason built with ``sp.pretty`` of a product with a maximum of square
    roots came out as several lines of ASCII art (lemma-a11/eps-capped's βm_max)."""
    for q, d in derivations.items():
        for s in d["steps"]:
            assert "\n" not in s["why"], (q, s["why"])


def test_every_step_formula_converts_to_mathml(derivations):
    for q, d in derivations.items():
        if not q.startswith("niu2024:"):
            continue
        for s in d["steps"]:
            assert latex_to_mathml(s["latex"]) is not None, (q, s["latex"])
        assert latex_to_mathml(REG[q].statement_latex()) is not None, q


def test_a_power_of_a_pattern_entry_is_not_a_double_exponent():
    """Regression: x[1, k]² was written x^{1}_{k}^{2}, which LaTeX and MathJax reject."""
    import sympy as sp

    from derivations.engine.render import latex

    x, k = sp.IndexedBase("x"), sp.Symbol("k", integer=True)
    assert latex(x[1, k] ** 2) == "{x^{1}_{k}}^{2}"
    assert "}^{2}" in latex(sp.Sum(x[1, k] ** 2, (k, 1, 3)))
    assert latex(x[1, k]) == "{x^{1}_{k}}"


def test_a_power_of_a_named_quantity_or_a_reduction_prints():
    """Regression: pᵢ² (a named softmax entry squared), (max_j f)² and (x¹)² crashed the LaTeX
    printer (SymPy passes the exponent to ``_latex``) or printed a double exponent."""
    import sympy as sp

    from derivations.engine.indexed_ops import INDEXED
    from derivations.engine.render import latex
    from theory.indexed import MaxOver, Size, Sup, Vec, index

    z = Vec.symbol("z", Size("m"))
    p = INDEXED.softmax(z, index("i"), sp.Symbol("beta", positive=True))
    s = latex(p**2)
    assert s.endswith("\\right)^{2}") and latex_to_mathml(s) is not None, s
    j = index("j")
    s = latex(MaxOver(z[j], j, 1, z.length) ** 2)
    assert s.startswith("\\left(\\max") and latex_to_mathml(s) is not None, s
    s = latex(Sup(sp.Symbol("x"), 1) ** 2)
    assert s == "{x^{1}}^{2}", s
