"""Tests of derivations.testing (the user-facing checker), its conventions, strategies, CLI
and pytest plugin.

Real implementations no one here wrote (``F.scaled_dot_product_attention``,
``nn.MultiheadAttention`` configured as pure retrieval) must pass as CCCP/MCHN steps with the
default example count; each deliberately broken variant in ``examples/user_attention.py``
must be caught by the default settings within 10 s, with a reproduction that, run on its own,
shows the mismatch.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import time
from importlib.metadata import entry_points

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings

import examples.user_attention as U
import numerics.energies as ne
from derivations import strategies as S
from derivations.conventions import (
    PRESETS,
    QUANTITIES,
    Convention,
    OutputError,
    convention_table,
    get_convention,
)
from derivations.testing import (
    DEFAULT_EXAMPLES,
    KINDS,
    TheoryMismatch,
    assert_cccp_step,
    assert_distance_energy,
    assert_gradient,
    assert_mchn_step,
    check,
    check_main,
    describe_regime,
    load_callable,
    reference,
)

pytest_plugins = ("pytester",)

F64 = torch.float64
P0 = torch.tensor([[0.0, 1.0], [2.0, -1.0], [-1.5, 0.5]], dtype=F64)  # (d, n) = (3, 2)
X0 = torch.tensor([[0.5, 0.5], [3.0, -2.0]], dtype=F64)  # (B, n) = (2, 2)


def _run_snippet(snippet: str) -> tuple[dict, str]:
    ns: dict = {}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(snippet, ns)  # noqa: S102 - the reproduction snippet is the thing under test
    return ns, buf.getvalue()


# --------------------------------------------------------------------------- conventions


def test_presets_parse_and_round_trip():
    for name, conv in PRESETS.items():
        assert get_convention(name) == conv
        assert get_convention(conv.spec()) == conv
    c = get_convention("paper,reduction=sum,sign=-1")
    assert (c.reduction, c.sign, c.name) == ("sum", -1, "paper")
    assert get_convention(c.spec()) == c
    assert get_convention("sdpa", beta="inv_sqrt_dk").beta == "inv_sqrt_dk"
    assert get_convention(None) == PRESETS["paper"]
    table = convention_table()
    assert all(name in table for name in PRESETS)


@pytest.mark.parametrize(
    "spec, msg",
    [
        ("nonsense", "unknown convention"),
        ("paper,colour=red", "unknown convention field"),
        ("paper,reduction", "field=value"),
        ("paper,reduction=median", "reduction"),
        ("paper,sign=2", "sign"),
        ("ramsauer,reduction=sum", "single"),
    ],
)
def test_bad_convention_specs_raise_value_error(spec, msg):
    with pytest.raises(ValueError, match=msg):
        get_convention(spec)


def test_conventions_that_cannot_express_a_quantity_say_so():
    with pytest.raises(ValueError, match="attention signature"):
        PRESETS["sdpa"].check_applicable("distance-energy")
    with pytest.raises(ValueError, match="reduction"):
        PRESETS["sum-over-queries"].check_applicable("cccp-step")
    with pytest.raises(ValueError, match="bias"):
        Convention(beta="inv_sqrt_dk").check_applicable("cccp-step")


def test_to_paper_converts_each_convention_back_to_the_paper():
    beta = 0.7
    e = ne.mchn_energy(P0, X0, beta)  # (B,), the paper's convention
    const = math.log(3) / beta + 0.5 * float((P0 * P0).sum(-1).max())
    cases = {
        "paper": e,
        "no-constants": e - const,
        "beta-scaled": beta * (e - const),
        "paper,sign=-1": -e,
        "sum-over-queries": e.sum(),
        "mean-over-queries": e.mean(),
        "beta-scaled,reduction=mean,sign=-1": -(beta * (e - const)).mean(),
    }
    for spec, user_value in cases.items():
        got = get_convention(spec).to_paper("mchn-energy", user_value, P0, X0, beta=beta)
        want = e if get_convention(spec).reduction == "none" else e.sum()
        assert torch.allclose(got, want, rtol=1e-14, atol=1e-14), spec
    # Eq. (4) with ½‖x − ρ‖²: E_half(√2ρ, √2x) = E(ρ, x); its step is rescaled by 1/√2
    half = PRESETS["half-distance"]
    e_half = -torch.logsumexp(-0.5 * torch.cdist(X0 * 2**0.5, P0 * 2**0.5) ** 2, -1)
    assert torch.allclose(
        half.to_paper("distance-energy", e_half, P0, X0), ne.distance_energy(P0, X0), rtol=1e-13
    )
    step_half = half.call(
        lambda P, x: torch.softmax(x @ P.T - 0.5 * (P * P).sum(-1), -1) @ P, "cccp-step", P0, X0
    )
    assert torch.allclose(
        half.to_paper("cccp-step", step_half, P0, X0), ne.cccp_step(P0, X0), rtol=1e-13
    )


def test_to_paper_rejects_wrong_type_shape_and_dtype():
    conv = PRESETS["paper"]
    with pytest.raises(OutputError, match="shape"):
        conv.to_paper("distance-energy", torch.zeros(2, 1, dtype=F64), P0, X0)
    with pytest.raises(OutputError, match="dtype"):
        conv.to_paper("distance-energy", torch.zeros(2), P0, X0)
    with pytest.raises(OutputError, match="Tensor"):
        conv.to_paper("distance-energy", [0.0, 0.0], P0, X0)
    with pytest.raises(OutputError, match="tuple"):
        PRESETS["mha"].to_paper("cccp-step", torch.zeros(2, 1, 2, dtype=F64), P0, X0)


def _recorder(*args, **kwargs):
    return args, kwargs


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and torch.equal(a, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(s, t) for s, t in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_call_source_is_the_call_the_checker_makes():
    """The snippet's call line, evaluated, passes the very tensors the checker passed."""
    layers = [P0[:2], P0[2:]]
    values = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=F64)
    for name, conv in PRESETS.items():
        for q in QUANTITIES:
            try:
                conv.check_applicable(q)
            except ValueError:
                continue
            for vals in [None, values] if conv.signature == "attention" else [None]:
                ns = {
                    "torch": torch,
                    "fn": _recorder,
                    "patterns": P0,
                    "x": X0,
                    "beta": 0.7,
                    "layers": layers,
                    "values": vals,
                }
                if conv.queries == "single":
                    continue  # the recorder's output cannot be stacked; covered below
                made = conv.call(_recorder, q, P0, X0, beta=0.7, layers=layers, values=vals)
                src = conv.call_source(q, values_given=vals is not None)
                assert _same(eval(src, ns), made), (name, q, src)  # noqa: S307


def test_single_query_convention_calls_once_per_query():
    calls = []

    def energy(M, xi, beta):  # Ramsauer: X columns (n, d), one state ξ (n,)
        calls.append(xi.shape)
        return ne.mchn_energy(M.T, xi, beta)

    out = PRESETS["ramsauer"].call(energy, "mchn-energy", P0, X0, beta=2.0)
    assert calls == [(2,), (2,)]
    assert torch.allclose(out, ne.mchn_energy(P0, X0, 2.0))


# --------------------------------------------------------------------------- reference


def test_reference_agrees_with_the_torch_twins():
    layers = [P0[:2], P0[2:]]
    assert torch.allclose(reference("distance-energy", P0, X0), ne.distance_energy(P0, X0))
    assert torch.allclose(reference("mchn-energy", P0, X0, beta=0.3), ne.mchn_energy(P0, X0, 0.3))
    assert torch.allclose(reference("cccp-step", P0, X0), ne.cccp_step(P0, X0))
    e = torch.stack([ne.distance_energy(p, X0) for p in layers], -1)
    assert torch.allclose(reference("global-energy", None, X0, layers=layers), ne.global_energy(e))
    assert reference("distance-energy", P0, X0[0]).shape == ()


@pytest.mark.parametrize(
    "kind, energy",
    [
        ("distance-gradient", lambda x: ne.distance_energy(P0, x)),
        ("mchn-gradient", lambda x: ne.mchn_energy(P0, x, 1.7)),
        (
            "global-gradient",
            lambda x: ne.global_energy(
                torch.stack([ne.distance_energy(p, x) for p in (P0[:2], P0[2:])], -1)
            ),
        ),
    ],
)
def test_symbolic_gradient_matches_autograd_of_the_twin(kind, energy):
    x = X0.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(energy(x).sum(), x)
    ref = reference(kind, P0, X0, beta=1.7, layers=[P0[:2], P0[2:]])
    assert torch.allclose(ref, g, rtol=1e-12, atol=1e-12)


def test_describe_regime_names_what_stands_out():
    text = describe_regime([[0.0], [1e-9]], [[40.0]], "near_duplicate/far", beta=50.0)
    for bit in (
        "d = 2, n = 1, B = 1",
        "large norms",
        "near-duplicate",
        "far from every",
        "large β",
        "patterns near_duplicate, queries far",
    ):
        assert bit in text, bit


# --------------------------------------------------------------------------- strategies


@settings(max_examples=30, deadline=None)
@given(S.separated_instances())
def test_separated_instances_put_queries_inside_well_separated_balls(inst):
    p = inst.p
    P = inst.patterns
    assert p["separation"] >= 8.0 * (1 - 1e-12)
    for i in range(len(P)):
        for j in range(i):
            assert math.dist(P[i], P[j]) >= p["separation"] * (1 - 1e-12)
    for x, t in zip(p["queries"], p["targets"]):
        assert math.dist(x, P[t]) <= p["radius"] * (1 + 1e-9)


@settings(max_examples=30, deadline=None)
@given(
    S.batched_instances(max_d=5, max_n=3, max_b=3, beta=S.nontrivial_betas(), values=True),
    S.dtypes(low_precision=True),
)
def test_batched_instances_have_consistent_shapes(inst, dtype):
    p = inst.p
    d, n = len(inst.patterns), len(inst.patterns[0])
    assert 1 <= len(p["queries"]) <= 3 and all(len(x) == n for x in p["queries"])
    assert len(p["values"]) == d and len(p["values"][0]) == n
    assert p["beta"] > 0
    assert dtype in (torch.float64, torch.float32, torch.bfloat16, torch.float16)


@settings(max_examples=20, deadline=None)
@given(S.layered_batches(n=2))
def test_layered_batches_share_the_dimension(inst):
    assert all(len(r) == 2 for m in inst.p["layers"] for r in m)
    assert all(len(x) == 2 for x in inst.p["queries"])


# --------------------------------------------------------------------------- correct code


def test_sdpa_passes_as_a_cccp_step_with_the_default_examples():
    t0 = time.perf_counter()
    res = check(F.scaled_dot_product_attention, "cccp-step", convention="sdpa")
    assert res.passed, str(res)
    assert [p.name for p in res.properties] == [
        "one-step",
        "fixed-point",
        "retrieval",
        "values-distinct",
    ]
    assert all(p.trials == DEFAULT_EXAMPLES for p in res.properties)
    assert time.perf_counter() - t0 < 30
    assert "torch.nn.functional:scaled_dot_product_attention" in str(res)


def test_multihead_attention_as_pure_retrieval_passes_as_a_cccp_step():
    mha = U.make_retrieval_mha(4)
    t0 = time.perf_counter()
    res = check(mha, "cccp-step", convention="mha", n=4)
    assert res.passed, str(res)
    assert time.perf_counter() - t0 < 30


@pytest.mark.parametrize(
    "fn, kind, kw",
    [
        (U.distance_energy, "distance-energy", {}),
        (U.mchn_energy, "mchn-energy", {}),
        (U.hopfield_energy, "mchn-energy", {"convention": "no-constants"}),
        (U.global_energy, "global-energy", {}),
        (U.cccp_step, "cccp-step", {}),
        (U.mchn_step, "mchn-step", {}),
        (U.mchn_step, "mchn-step", {"beta": 8.0}),
        (F.scaled_dot_product_attention, "mchn-step", {"convention": "sdpa"}),
        # SDPA without a scale scales by 1/√n itself, like common attention code
        (F.scaled_dot_product_attention, "cccp-step", {"convention": "sdpa,beta=inv_sqrt_dk"}),
        (U.retrieval_mha, "mchn-step", {"convention": "mha", "n": 4}),
        (U.cccp_step, "cccp-step", {"dtype": torch.float32}),
        (U.cccp_step, "retrieval", {}),
        (U.global_energy, "global-gradient", {}),
        (U.mchn_energy, "mchn-gradient", {"beta": 0.25}),
        (
            lambda layers, x: (
                -torch.logsumexp(
                    -torch.stack([(torch.cdist(x, p) ** 2).amin(-1) for p in layers], -1), -1
                )
            ),
            "global-energy",
            {"reading": "nearest"},
        ),
    ],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else None,
)
def test_correct_implementations_pass(fn, kind, kw):
    res = check(fn, kind, examples=25, **kw)
    assert res.passed, str(res)
    assert "PASSED" in str(res)


def _paper_m_energy(M, x):  # patterns as the columns of the paper's M
    return ne.distance_energy(M.T, x)


def _x_first_step(x, patterns, beta):
    return torch.softmax(beta * x @ patterns.T, -1) @ patterns


def _beta_scaled(patterns, x, beta):  # β outside the LSE, no constants
    return -torch.logsumexp(beta * x @ patterns.T, -1) + beta * 0.5 * (x * x).sum(-1)


def _log_likelihood(patterns, x):  # returns −E
    return torch.logsumexp(-((x[:, None, :] - patterns[None]) ** 2).sum(-1), -1)


def _gaussian_kernel_energy(patterns, x):  # ½‖x − ρ‖²
    return -torch.logsumexp(-0.5 * ((x[:, None, :] - patterns[None]) ** 2).sum(-1), -1)


def _ramsauer_energy(X, xi, beta):  # X (n, d), ξ (n,) -> scalar
    return (
        -torch.logsumexp(beta * X.T @ xi, 0) / beta
        + 0.5 * xi @ xi
        + math.log(X.shape[1]) / beta
        + 0.5 * (X * X).sum(0).max()
    )


@pytest.mark.parametrize(
    "fn, kind, conv",
    [
        (_paper_m_energy, "distance-energy", "paper-M"),
        (_x_first_step, "mchn-step", "x-first"),
        (_beta_scaled, "mchn-energy", "beta-scaled"),
        (_log_likelihood, "distance-energy", "paper,sign=-1"),
        (_gaussian_kernel_energy, "distance-energy", "half-distance"),
        (_ramsauer_energy, "mchn-energy", "ramsauer"),
        (lambda P, x: U.distance_energy(P, x).mean(), "distance-energy", "mean-over-queries"),
    ],
)
def test_each_convention_is_tested_in_its_own_terms(fn, kind, conv):
    res = check(fn, kind, convention=conv, examples=15)
    assert res.passed, str(res)


def test_the_wrong_convention_is_reported_with_the_constant_it_misses():
    res = check(U.hopfield_energy, "mchn-energy", examples=15)  # no constants, paper assumed
    assert not res.passed
    assert res["value"].status == "failed" and res["gradient"].passed  # constants: ∇ = 0


# --------------------------------------------------------------------------- broken code


BROKEN = {
    "missing ½": (U.mchn_energy_missing_half, "mchn-energy", {}, "value"),
    "β applied twice": (U.mchn_step_beta_twice, "mchn-step", {}, "one-step"),
    "no max-shift": (U.distance_energy_no_shift, "distance-energy", {}, "value"),
    "keys and values swapped": (
        U.attention_keys_values_swapped,
        "cccp-step",
        {"convention": "sdpa"},
        "values-distinct",
    ),
    "mean where the LSE sums": (U.distance_energy_log_mean_exp, "distance-energy", {}, "value"),
    "mean where the loss sums": (
        U.energy_loss_mean,
        "distance-energy",
        {"convention": "sum-over-queries"},
        "value",
    ),
}


@pytest.mark.parametrize("label", list(BROKEN))
def test_broken_variants_are_caught_with_a_reproduction(label):
    fn, kind, kw, prop = BROKEN[label]
    t0 = time.perf_counter()
    res = check(fn, kind, **kw)
    assert time.perf_counter() - t0 < 10, f"{label}: took {time.perf_counter() - t0:.1f} s"
    assert not res.passed
    pr = res[prop]
    assert pr.status == "failed" and pr.counterexample is not None
    cx = pr.counterexample
    assert cx.error > cx.tolerance
    text = str(res)
    assert "FAILED" in text and "reproduce:" in text and "regime:" in text
    # the snippet, run on its own, rebuilds the instance and shows the same disagreement
    ns, printed = _run_snippet(cx.snippet)
    assert printed.count("\n") >= 2
    if prop == "values-distinct" or "out" in ns:
        conv, q = ns["conv"], KINDS[kind][0]
        extra = {"beta": ns["beta"]} if "beta" in ns else {}
        yours = conv.to_paper(q, ns["out"], ns["patterns"], ns["x"], **extra)
        theirs = reference(q, ns["patterns"], ns["x"], values=ns.get("values"), **extra)
        if conv.reduction != "none":
            theirs = theirs.sum()
        assert not torch.allclose(yours, theirs, rtol=1e-9, atol=0), label


def test_overflow_counterexample_comes_from_large_norms():
    res = check(U.distance_energy_no_shift, "distance-energy", properties=["value"])
    cx = res.counterexample
    assert "non-finite" in cx.message
    assert "large norms" in cx.regime or "far" in cx.regime
    ns, printed = _run_snippet(cx.snippet)
    assert "inf" in printed


def test_assert_functions_raise_an_assertion_with_the_table():
    with pytest.raises(TheoryMismatch) as info:
        assert_distance_energy(U.distance_energy_log_mean_exp, examples=10)
    assert isinstance(info.value, AssertionError)
    assert "reproduce:" in str(info.value) and not info.value.result.passed
    assert assert_cccp_step(U.cccp_step, examples=5).passed
    assert assert_mchn_step(U.mchn_step, examples=5, beta=2.0).passed
    assert assert_gradient(U.mchn_energy, energy="mchn", examples=5).passed


# --------------------------------------------------------------------------- bad input


def _one_arg(x):
    return x.sum(-1)


def _wrong_shape(patterns, x):
    return (x @ patterns.T)[:, :1]


def _wrong_dtype(patterns, x):
    return U.distance_energy(patterns.float(), x.float())


def _raises(patterns, x):
    raise RuntimeError("boom")


def _numpy_out(patterns, x):
    return U.distance_energy(patterns, x).numpy()


@pytest.mark.parametrize(
    "fn, words",
    [
        (_one_arg, ["TypeError", "fn(patterns (d, n), x (B, n)) -> (B,)"]),
        (_wrong_shape, ["returned shape (2, 1); expected (2,)"]),
        (_wrong_dtype, ["dtype torch.float32 for torch.float64"]),
        (_raises, ["RuntimeError: boom", "test_testing.py"]),
        (_numpy_out, ["returned ndarray"]),
    ],
)
def test_bad_functions_are_reported_clearly(fn, words):
    res = check(fn, "distance-energy", examples=5)
    assert res.error is not None and not res.passed
    for w in words:
        assert w in res.error, (w, res.error)
    assert all(p.status == "error" for p in res.properties)
    assert "Traceback" not in str(res)


def test_fixed_width_module_without_n_gets_a_hint():
    res = check(U.retrieval_mha, "cccp-step", convention="mha", examples=5)
    assert res.error and "--n" in res.error


def test_failure_on_some_inputs_is_a_counterexample_not_a_crash():
    def needs_two(patterns, x):
        if patterns.shape[0] == 1:
            raise IndexError("need two patterns")
        return U.distance_energy(patterns, x)

    res = check(needs_two, "distance-energy", examples=20, properties=["value"])
    cx = res.counterexample
    assert "IndexError" in cx.message and "d = 1" in cx.regime


def test_in_place_modification_of_the_input_is_a_failure():
    def scales_x(patterns, x):
        e = U.distance_energy(patterns, x)
        if patterns.shape[0] >= 4:  # only for larger pattern sets: the search must find it
            with torch.no_grad():
                x.mul_(2.0)
        return e

    res = check(scales_x, "distance-energy", examples=30, properties=["value"])
    cx = res.counterexample
    assert "in place" in cx.message
    assert int(cx.regime.split("d = ")[1].split(",")[0]) >= 4
    res = check(lambda P, x: x.mul_(2.0).sum(-1), "distance-energy", examples=5)
    assert "in place" in res.error


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda: check(U.distance_energy, "no-such-kind"), "unknown kind"),
        (lambda: check(42, "distance-energy"), "callable"),
        (lambda: check(U.mchn_energy, "mchn-energy", convention="paper,beta=fixed"), "beta"),
        (lambda: check(U.cccp_step, "cccp-step", beta=2.0), "no free β"),
        (lambda: check(U.distance_energy, "distance-energy", dtype=torch.int64), "tolerance"),
        (
            lambda: check(U.distance_energy, "distance-energy", properties=["retrieval"]),
            "do not apply",
        ),
        (lambda: check(U.distance_energy, "distance-energy", convention="sdpa"), "attention"),
    ],
)
def test_bad_checker_arguments_raise_value_error(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


def test_check_restores_the_thread_count():
    before = torch.get_num_threads()
    check(U.cccp_step, "cccp-step", examples=2, properties=["one-step"])
    assert torch.get_num_threads() == before


# --------------------------------------------------------------------------- loading, CLI


def test_load_callable_from_a_module_and_from_a_file():
    assert load_callable("examples.user_attention:cccp_step") is U.cccp_step
    f = load_callable("examples/user_attention.py:mchn_step")
    assert f.__name__ == "mchn_step"
    assert load_callable("torch.nn.functional:scaled_dot_product_attention") is (
        F.scaled_dot_product_attention
    )
    for spec, msg in [
        ("no_colon", "MODULE:FUNCTION"),
        ("no.such.module:f", "cannot import"),
        ("examples.user_attention:nope", "no attribute"),
        ("examples/nope.py:f", "no such file"),
        ("examples.user_attention:math", "not a callable"),
    ]:
        with pytest.raises(ValueError, match=msg):
            load_callable(spec)


def test_cli_passes_fails_and_errors(capsys):
    rc = check_main(
        ["examples/user_attention.py:cccp_step", "--kind", "cccp-step", "--examples", "10"]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "PASSED" in out and "one-step" in out

    rc = check_main(
        [
            "examples.user_attention:mchn_step_beta_twice",
            "--kind",
            "mchn-step",
            "--beta",
            "2",
            "--examples",
            "20",
            "--seed",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 1 and "FAILED" in out
    assert "from examples.user_attention import mchn_step_beta_twice as fn" in out

    rc = check_main(
        [
            "examples/user_attention.py:retrieval_mha",
            "--kind",
            "cccp-step",
            "--convention",
            "mha",
            "--n",
            "4",
            "--examples",
            "5",
            "--properties",
            "one-step,values-distinct",
        ]
    )
    assert rc == 0, capsys.readouterr().out
    capsys.readouterr()

    rc = check_main(["examples.user_attention:nope", "--kind", "cccp-step"])
    assert rc == 2 and "no attribute" in capsys.readouterr().err
    rc = check_main(["examples.user_attention:cccp_step"])
    assert rc == 2 and "--kind" in capsys.readouterr().err
    rc = check_main(
        ["examples.user_attention:mchn_energy", "--kind", "cccp-step", "--examples", "3"]
    )
    assert rc == 2 and "TypeError" in capsys.readouterr().out
    rc = check_main(["--list-conventions"])
    assert rc == 0 and "mha" in capsys.readouterr().out


# --------------------------------------------------------------------------- pytest plugin


def test_pytest_plugin_fixture_passes_and_fails_with_the_reproduction(pytester):
    pytester.makepyfile(
        """
        import examples.user_attention as U

        def test_good(theory_checker):
            res = theory_checker.assert_passes(U.cccp_step, "cccp-step")
            assert res.examples == 7

        def test_bad(theory_checker):
            theory_checker.assert_passes(U.mchn_energy_missing_half, "mchn-energy")
        """
    )
    # once the package is installed, the pytest11 entry point loads the plugin by itself
    installed = any(
        ep.value == "derivations.pytest_plugin" for ep in entry_points(group="pytest11")
    )
    autoload = installed and not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if autoload else ["-p", "derivations.pytest_plugin"]
    result = pytester.runpytest_inprocess(
        *plugin, "--theory-examples", "7", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*reproduce:*", "*from examples.user_attention import*"])
