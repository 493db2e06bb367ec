"""What the tool finds in Ramsauer et al.: each refutation's counterexample recomputed
independently (mpmath / SymPy, not the pack's ball arithmetic), and the supported readings
beside them. Names follow the findings."""

from __future__ import annotations

import mpmath
import pytest

from derivations.engine import MP, Instance, load_registry, verify_claim

REG = load_registry(["ramsauer2020"])
EX = 30


def _v(cid, examples=EX):
    return verify_claim(REG[f"ramsauer2020:{cid}"], REG, {}, examples, seed=0)


def _c(cid):
    return REG[f"ramsauer2020:{cid}"].compute(examples=EX, seed=0)


def _theorem_a5_c(beta, K, d, p):
    with mpmath.workdps(40):
        a = mpmath.mpf(2) / (d - 1) * (1 + mpmath.log(2 * beta * K**2 * mpmath.mpf(p) * (d - 1)))
        b = mpmath.mpf(2) * K**2 * beta / 5
        return a, b, b / mpmath.lambertw(mpmath.exp(a + mpmath.log(b))).real


def test_printed_c_1_3718_is_truncated_not_rounded():
    out = _c("thm3/printed-c")
    assert out.holds is False and "1.3718" in out.counterexample["relation"]
    _, _, c = _theorem_a5_c(1, 1, 75, "0.001")
    assert mpmath.nstr(c, 5) == "1.3719" and c > mpmath.mpf("1.3718")
    assert _c("thm3/printed-c/lower-bound").holds is True


def test_corollary_a1_printed_1_2585_exceeds_its_c():
    out = _c("cor-a1/printed-c/lower-bound")
    assert out.holds is False
    with mpmath.workdps(40):
        a, b, _ = _theorem_a5_c(1, 1, 75, "0.001")
        u = a + mpmath.log(b)
        om = mpmath.lambertw(1).real
        c = b / mpmath.log((om * mpmath.exp(u) + 1) / (om * (1 + om)))
        assert u <= 0 and c < mpmath.mpf("1.2585") and mpmath.nstr(c, 5) == "1.2585"
    assert _c("cor-a1/printed-c").holds is True


@pytest.mark.parametrize("name, d, n, K", [("thm-a3", 4, 64, 2), ("thm-a4", 3, 64, 5)])
def test_placed_patterns_cannot_meet_the_master_inequality(name, d, n, K):
    out = _c(name)
    assert out.holds is False and out.counterexample["params"]["d"] == d
    with mpmath.workdps(40):  # independent: the cap fraction by mpmath's incomplete beta
        m2 = mpmath.mpf(K) ** 2 * (d - 1)
        rhs = 2 / mpmath.mpf(n) + mpmath.log(2 * n * n * m2)
        astar = mpmath.acos(1 - rhs / m2)
        s2 = mpmath.sin(astar / 2) ** 2
        frac = mpmath.betainc(mpmath.mpf(d - 1) / 2, 0.5, 0, s2, regularized=True) / 2
        assert n * frac > 1
    assert _v(f"{name}/evaluations")["status"] == "proven"
    assert _c(f"{name}/placement").holds is False


def test_eq387_example_fails_from_17_to_20_and_holds_from_21():
    assert _c("thm-a7/example").holds is False
    assert _v("thm-a7/example/first-d")["status"] == "proven"
    with mpmath.workdps(30):

        def g(d):
            d = mpmath.mpf(d)
            lhs = (d - 1) * 9 / 10 * (1 - mpmath.log(d - 1) / (d - 1)) ** 2
            return lhs - 2 / 2 ** ((d - 1) / 4) - mpmath.log(2 * 2 ** ((d - 1) / 2) * (d - 1) * 9)

        assert all(g(d) < 0 for d in (17, 18, 19, 20)) and g(21) > 0


def test_corollary_a2_dimension_is_below_one_under_its_hypotheses():
    out = _c("cor-a2")
    assert out.holds is False
    for row in out.values["rows"]:
        assert float(row["d"]) < 1
    assert _c("cor-a2/corrected").holds is True
    ex = _c("cor-a2/example")
    assert ex.holds is False and float(ex.values["a_exp_minus_b"]) < -1 / mpmath.e
    assert _c("cor-a2/example/what-holds").holds is True


def test_main_text_energy_bound_needs_a_domain():
    rec = _v("eq2/bound")
    assert rec["status"] == "refuted"
    ce = rec["counterexample"]
    inst = Instance.from_json(ce)
    with mpmath.workdps(40):
        v = MP.load(inst)
        E = MP.hf_energy(v.P, v.x, v.beta)
        assert E > 2 * MP.hf_radius(v.P) ** 2
    assert _v("eq2/bound/simplex")["status"] == "supported"


def test_lemma_a2_second_part_needs_eps_at_most_half():
    rec = _v("lemma-a2/eps")
    assert rec["status"] == "refuted"
    assert _v("lemma-a2/eps-half")["status"] == "supported"


def _a6_parts(ce):
    """From a counterexample of Lemma A6's claims, in mpmath at 40 digits: Eq. 142's slack,
    the radius of Sᵢ, the proof's q, f and J (J = β(Σₖ pₖxₖxₖᵀ − x̄x̄ᵀ), Eq. 59)."""
    P = [[mpmath.mpf(t) for t in r] for r in ce["patterns"]]
    N, d = len(P), len(P[0])
    beta, i = mpmath.mpf(ce["params"]["beta"]), ce["params"]["i"]
    dot = lambda a, b: mpmath.fsum(s * t for s, t in zip(a, b))  # noqa: E731
    delta = min(dot(P[i], P[i]) - dot(P[i], P[j]) for j in range(N) if j != i)
    M2 = max(dot(r, r) for r in P)
    slack = delta - 2 / (beta * N) - mpmath.log(2 * (N - 1) * N * beta * M2) / beta
    r = 1 / (beta * N * mpmath.sqrt(M2))
    q = 1 - 2 * (N - 1) ** 2 * beta * N * M2 * mpmath.exp(-2 * beta * (delta + 2 / (beta * N)))

    def p(x):
        z = [beta * dot(x, r_) for r_ in P]
        top = max(z)
        w = [mpmath.exp(t - top) for t in z]
        return [t / mpmath.fsum(w) for t in w]

    def f(x):
        return [mpmath.fsum(pk * r_[c] for pk, r_ in zip(p(x), P)) for c in range(d)]

    def jnorm(x):
        pk, m = p(x), f(x)
        J = mpmath.matrix(d, d)
        for a in range(d):
            for b in range(d):
                J[a, b] = beta * (
                    mpmath.fsum(w * r_[a] * r_[b] for w, r_ in zip(pk, P)) - m[a] * m[b]
                )
        return max(abs(e) for e in mpmath.eigsy(J)[0])

    return slack, r, q, f, jnorm, P[i]


def test_lemma_a6_proof_bound_fails_on_eq142_lower_branch():
    """The bound 1 − 2(N − 1)²βNM²e^{−2β(Δᵢ + 2/(βN))} of Lemma A6's proof is negative for
    small β meeting Eq. 142 (2(N − 1)NβM² < 1, N ≥ 5), where the proof's use of Lemma A2's
    second part lacks ε ≤ ½; so is the contraction factor. Recomputed in mpmath."""
    with mpmath.workdps(40):
        rec = _v("lemma-a6", 60)
        assert rec["status"] == "refuted", rec["evidence"]
        assert rec["evidence"].startswith("counterexample (N=")
        ce = rec["counterexample"]
        slack, r, q, f, jnorm, xi_pat = _a6_parts(ce)
        x = [mpmath.mpf(t) for t in ce["x"]]
        assert slack >= 0 and mpmath.norm(mpmath.matrix(x) - mpmath.matrix(xi_pat)) <= r
        assert jnorm(x) > q
        rec = _v("lemma-a6/contraction", 60)
        assert rec["status"] == "refuted", rec["evidence"]
        ce = rec["counterexample"]
        slack, r, q, f, _, xi_pat = _a6_parts(ce)
        x = mpmath.matrix([mpmath.mpf(t) for t in ce["x"]])
        y = mpmath.matrix([mpmath.mpf(t) for t in ce["params"]["y"]])
        pat = mpmath.matrix(xi_pat)
        assert slack >= 0 and mpmath.norm(x - pat) <= r and mpmath.norm(y - pat) <= r
        lhs = mpmath.norm(mpmath.matrix(f(list(x))) - mpmath.matrix(f(list(y))))
        assert lhs > q * mpmath.norm(x - y)


def test_cocoercivity_as_printed_fails_and_squared_holds():
    assert _v("lemma-a26")["status"] == "refuted"
    assert _v("lemma-a26/squared")["status"] == "supported"


def test_theorem4_to_the_pattern_fails_at_the_pattern_itself():
    rec = _v("thm4/eq6/to-pattern", 20)
    assert rec["status"] == "refuted"
    assert _v("thm4/eq6", 12)["status"] in ("supported", "inconclusive")


def test_lemma_a24_strict_bound_fails_only_with_one_entry():
    rec = _v("lemma-a24/eps-strict")
    assert rec["status"] == "refuted"
    assert len(rec["counterexample"]["params"]["z"]) == 1


def test_lemma_a15_is_proven_on_the_whole_interval():
    out = _c("lemma-a15")
    assert out.holds is True and out.exact


def test_lambert_w_special_values_exact():
    out = _c("lemma-a30")
    assert out.holds is True and out.exact


def test_lemma_a11_proof_factor_fails_where_eps_bar_exceeds_one():
    """Under (A10) the proof's ε̄ = (N − l)e^{−β(Δ_m − 2M/(βm_max))} can exceed 1 (small β,
    a wide cluster), where Lemma A8's second bound (for ε ≤ 1) does not apply and
    q = β(m_max² + 2ε̄(2 − ε̄)M²) is even negative: ‖f(ξ) − f(y)‖ ≤ q‖ξ − y‖ fails.
    Recomputed in mpmath; with ε̄ capped at 1 the factor holds on the same trials."""
    with mpmath.workdps(40):
        rec = _v("lemma-a11", 60)
        assert rec["status"] == "refuted", rec["evidence"]
        ce = rec["counterexample"]
        P = [[mpmath.mpf(t) for t in r] for r in ce["patterns"]]
        N, d, ell = len(P), len(P[0]), ce["params"]["l"]
        beta = mpmath.mpf(ce["params"]["beta"])
        x = [mpmath.mpf(t) for t in ce["x"]]
        y = [mpmath.mpf(t) for t in ce["params"]["y"]]
        dot = lambda a, b: mpmath.fsum(s * t for s, t in zip(a, b))  # noqa: E731

        def dist(a, b):
            return mpmath.sqrt(mpmath.fsum((s - t) ** 2 for s, t in zip(a, b)))

        mx = [mpmath.fsum(P[i][c] for i in range(ell)) / ell for c in range(d)]
        mm = max(dist(P[i], mx) for i in range(ell))
        M = mpmath.sqrt(max(dot(r, r) for r in P))
        dm = dot(mx, mx) - max(dot(mx, P[j]) for j in range(ell, N))
        A = (1 - beta * mm**2) / (2 * beta * (N - ell) * M * max(mm, 2 * M))
        assert 1 - beta * mm**2 > 0 and dm >= 2 * M / (beta * mm) - mpmath.log(A) / beta
        r = 1 / (beta * mm)
        assert dist(x, mx) <= r and dist(y, mx) <= r

        def f(q):
            z = [beta * dot(q, p) for p in P]
            w = [mpmath.exp(t - max(z)) for t in z]
            return [
                mpmath.fsum(wi * p[c] for wi, p in zip(w, P)) / mpmath.fsum(w) for c in range(d)
            ]

        eps = (N - ell) * mpmath.exp(-beta * (dm - 2 * M / (beta * mm)))
        q = beta * (mm**2 + 2 * eps * (2 - eps) * M**2)
        assert eps > 1
        assert dist(f(x), f(y)) > q * dist(x, y)
        e1 = min(eps, 1)
        assert dist(f(x), f(y)) <= beta * (mm**2 + 2 * e1 * (2 - e1) * M**2) * dist(x, y)
    assert _v("lemma-a11/eps-capped", 60)["status"] == "supported"
