"""Tests of the lab (derivations/lab): data, exact grammar entropy, model, training, the D*
rule and the verdict rules; ``-m slow`` runs each experiment end to end in a tiny setting.

Tests that need the Question-Formation files skip when they are absent (see
``derivations.lab.data.resolve_data_dir`` for where they are looked for)."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest
import torch

from derivations.lab import experiments as ex
from derivations.lab.cli import latest_results, main
from derivations.lab.data import (
    EOS,
    SOS,
    DataNotFoundError,
    FactsSpec,
    encode_qf,
    load_qf_lm,
    make_facts,
    read_split,
    resolve_data_dir,
    split_counts,
    split_path,
)
from derivations.lab.model import GPT, IGNORE_INDEX, GPTConfig
from derivations.lab.pcfg import PCFG, log_fraction, logcombo_mpf, qf_entropy_report
from derivations.lab.train import TrainConfig, run_hash, train


@pytest.fixture(scope="module")
def qf_dir():
    try:
        return resolve_data_dir()
    except DataNotFoundError as e:
        pytest.skip(f"Question-Formation data not available: {e}")


@pytest.fixture(scope="module")
def grammar(qf_dir):
    return PCFG.from_file(qf_dir / "question.gr")


# ------------------------------------------------------------------------------ data
def test_missing_data_message_says_where_the_data_lives(tmp_path):
    with pytest.raises(DataNotFoundError) as e:
        resolve_data_dir(tmp_path / "nowhere")
    msg = str(e.value)
    assert "rnn-hierarchical-biases" in msg and "--data" in msg


@pytest.mark.parametrize("split", ["train", "dev", "test", "gen"])
def test_loader_counts_match_the_files(qf_dir, split):
    raw = split_path(qf_dir, split).read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in raw if ln.strip()]
    left = [ln.split("\t")[0] for ln in lines]
    expect = {
        "lines": len(lines),
        "quest": sum(x.endswith(" quest") for x in left),
        "decl": sum(x.endswith(" decl") for x in left),
        "tokens": sum(len(ln.replace("\t", " ").split()) for ln in lines),
        "declarative_tokens": sum(len(x.split()) - 1 for x in left),
    }
    assert split_counts(read_split(qf_dir, split)) == expect


def test_lm_sequences_follow_murty(qf_dir):
    tr, va, info = load_qf_lm(qf_dir, train_lines=300)
    words = {
        w
        for s in ("train", "dev", "gen")
        for w in split_path(qf_dir, s).read_text(encoding="utf-8").split()
    }
    assert set(tr.vocab[1:-2]) == words and tr.vocab[0] == "<pad>"
    assert tr.vocab[-2:] == (EOS, SOS) and info["vocab_size"] == len(words) + 3
    ex0 = read_split(qf_dir, "train", limit=1)[0]
    n = len(ex0.words)
    ids = {w: i for i, w in enumerate(tr.vocab)}
    assert tr.x[0, 0] == ids[SOS] and tr.y[0, n] == ids[EOS]
    assert [tr.vocab[i] for i in tr.y[0, :n]] == list(ex0.words)
    assert torch.equal(tr.x[0, 1 : n + 1], tr.y[0, :n])  # next-token targets
    assert (tr.y[0, n + 1 :] == IGNORE_INDEX).all()
    # every position counted: words + EOS per line
    assert tr.n_tokens == split_counts(read_split(qf_dir, "train", limit=300))["tokens"] + 300
    seg = tr.seg[0, : n + 1].tolist()
    ld = len(ex0.declarative)
    assert seg == [0] * ld + [1] + [2] * len(ex0.target) + [3]


def test_control_formats(qf_dir):
    exs = read_split(qf_dir, "dev", limit=5)
    from derivations.lab.data import build_vocab

    vocab = build_vocab([exs])
    d = encode_qf(exs, vocab, "d", fmt="decl")
    dbl = encode_qf(exs, vocab, "x", fmt="double")
    assert d.n_tokens == sum(len(e.declarative) + 1 for e in exs)
    assert dbl.n_tokens == sum(len(e.words) + len(e.target) + 1 for e in exs)


def test_facts_are_nested_and_only_values_count():
    small, val = make_facts(FactsSpec(50, n_val=20, seed=3))
    big, val2 = make_facts(FactsSpec(80, n_val=20, seed=3))
    assert torch.equal(small.x, big.x[:50]) and torch.equal(val.x, val2.x)
    assert small.n_tokens == 50 * 2
    keys_val = {tuple(r) for r in val.x[:, 1:3].tolist()}
    keys_tr = {tuple(r) for r in big.x[:, 1:3].tolist()}
    assert not keys_val & keys_tr
    with pytest.raises(ValueError):
        FactsSpec(10_000, n_val=10, n_keys_a=10, n_keys_b=10)


# ----------------------------------------------------------------------------- PCFG
def _enumerate(g: PCFG, sym: str):
    """All (words, probability) derivations of a finite grammar, brute force."""
    if sym not in g.rules:
        return [((sym,), Fraction(1))]
    out = []
    for r in g.rules[sym]:
        part = [((), r.prob)]
        for s in r.rhs:
            part = [(u + v, p * q) for u, p in part for v, q in _enumerate(g, s)]
        out += part
    return out


def _string_entropy(g: PCFG) -> float:
    probs: dict = {}
    for w, p in _enumerate(g, g.start):
        probs[w] = probs.get(w, 0) + p
    return -sum(float(p) * log_fraction(p) for p in probs.values())


def test_entropy_of_a_small_grammar_by_brute_force():
    g = PCFG.parse("""
        2 S NP VP
        1 S NP
        1 NP Det N
        3 NP N
        1 VP V
        1 Det the
        1 Det a
        1 N cat
        2 N dog
        1 N emu
        1 V runs
    """)
    se = g.sentence_entropy()
    assert se["exact"] and se["ambiguous_skeletons"] == 0
    assert float(logcombo_mpf(se["entropy"])) == pytest.approx(_string_entropy(g), rel=1e-12)
    assert se["entropy"] == g.derivation_entropy()["S"]
    L = sum(len(w) * float(p) for w, p in _enumerate(g, "S"))
    assert float(g.expected_length()["S"]) == pytest.approx(L, rel=1e-12)
    for w, p in _enumerate(g, "S"):
        assert g.prob(w) == p


def test_ambiguous_grammar_sentence_entropy_below_derivation_entropy():
    g = PCFG.parse("""
        1 S X Y
        1 S Z W
        1 X D N
        1 Y V
        1 Z D
        1 W N V
        1 W V
        1 D the
        1 N dog
        3 N cat
        1 V runs
    """)  # "the dog runs" has two derivations
    se = g.sentence_entropy()
    assert se["ambiguous_skeletons"] == 1
    h = float(logcombo_mpf(se["entropy"]))
    assert h == pytest.approx(_string_entropy(g), rel=1e-12)
    assert h < float(logcombo_mpf(g.derivation_entropy()["S"]))
    assert g.prob(("the", "dog", "runs")) == Fraction(1, 8) + Fraction(1, 16)
    # a word in two categories: fall back to the derivation entropy, flagged
    amb = PCFG.parse("1 S A x\n1 S x B\n1 A x\n1 B x\n1 B y\n")
    assert amb.ambiguous_words == ["x"] and not amb.sentence_entropy()["exact"]


def test_recursive_grammar_solves_the_fixed_point():
    g = PCFG.parse("1 S a S\n2 S b\n")  # geometric: P(len = k) = (1/3)^(k-1) (2/3)
    assert g.is_recursive()
    assert g.expected_length()["S"] == Fraction(3, 2)
    q = 1 / 3
    h = -(q * math.log(q) + (1 - q) * math.log(1 - q)) / (1 - q)
    se = g.sentence_entropy()
    assert not se["exact"]  # recursive: derivation entropy (here equal, unambiguous)
    assert float(logcombo_mpf(se["entropy"])) == pytest.approx(h, rel=1e-12)
    assert g.prob(("a", "a", "b")) == Fraction(1, 9) * Fraction(2, 3)
    with pytest.raises(ValueError, match="improper"):
        PCFG.parse("2 S S S\n1 S a\n").expected_length()


def test_qf_grammar_entropy_against_monte_carlo(grammar):
    se = grammar.sentence_entropy()
    H = float(logcombo_mpf(se["entropy"]))
    EL = float(grammar.expected_length()[grammar.start])
    rng = random.Random(20240513)
    surpr, lens = [], []
    for _ in range(4000):
        s = grammar.sample(rng)
        p = grammar.prob(s)
        assert p > 0
        surpr.append(-log_fraction(p))
        lens.append(len(s))
    for exact, xs in ((H, surpr), (EL, lens)):
        m, se_ = np.mean(xs), np.std(xs, ddof=1) / math.sqrt(len(xs))
        assert abs(m - exact) < 4 * se_, (m, exact, se_)


def test_qf_grammar_structure(grammar):
    se = grammar.sentence_entropy()
    assert se["exact"] and not grammar.is_recursive() and grammar.ambiguous_words == []
    # unambiguous: the sentence entropy is the derivation entropy
    assert se["ambiguous_skeletons"] == 0
    assert se["entropy"] == grammar.derivation_entropy()[grammar.start]
    # skeleton probabilities sum to one
    assert sum(p for p, _ in grammar.skeletons().values()) == 1


def test_qf_entropy_report_is_consistent(qf_dir):
    r = qf_entropy_report(qf_dir, train_lines=1000)
    g, tr = r["grammar"], r["empirical"]["train"]
    assert tr["unparseable"] == 0 and tr["lines"] == 1000
    assert g["sentence_entropy_bits"] == pytest.approx(g["sentence_entropy_nats"] / math.log(2))
    # floor = (H(S) + H(M|S)) / (2 E[L] + 2)
    num = g["sentence_entropy_nats"] + g["H_marker_given_sentence_nats"]
    assert g["floor_nats_per_token"] == pytest.approx(num / (2 * g["expected_length_float"] + 2))
    lines = read_split(qf_dir, "train", limit=1000)
    toks = np.mean([len(e.words) + 1 for e in lines])
    assert tr["tokens_per_line_with_eos"] == pytest.approx(toks)


# ------------------------------------------------------------------------ model, train
def test_model_shapes_and_parameter_count():
    cfg = GPTConfig(vocab_size=11, block_size=9, n_layer=3, n_head=2, d_emb=8)
    m = GPT(cfg)
    x = torch.randint(0, 11, (4, 7))
    assert m(x).shape == (4, 7, 11)
    y = x.clone()
    y[:, -2:] = IGNORE_INDEX
    tl = m.token_losses(x, y)
    assert tl.shape == (4, 7) and (tl[:, -2:] == 0).all()
    d = 8
    assert m.n_params("attn_ff") == 3 * (12 * d * d + 9 * d)
    assert m.n_params("all") == sum(p.numel() for p in m.parameters())
    with pytest.raises(ValueError):
        m(torch.zeros(1, 10, dtype=torch.long))
    with pytest.raises(ValueError):
        GPTConfig(vocab_size=5, block_size=4, d_emb=10, n_head=3)


def _tiny():
    tr, va = make_facts(FactsSpec(64, n_val=16, seed=1, n_keys_a=16, n_keys_b=16))
    cfg = TrainConfig(
        n_layer=1,
        n_head=2,
        d_emb=16,
        steps=5,
        batch_size=8,
        eval_every=2,
        warmup=1,
        eval_max_seqs=16,
        train_eval_seqs=16,
    )
    return cfg, tr, va


def test_training_is_deterministic_and_resumable(tmp_path):
    torch.set_num_threads(1)
    cfg, tr, va = _tiny()
    a = train(cfg, tr, va)
    b = train(cfg, tr, va)
    assert a["train_loss"] == b["train_loss"] and a["val_loss"] == b["val_loss"]
    assert a["val_steps"] == [0, 2, 4, 5] and len(a["train_loss"]) == 5
    part = train(cfg, tr, va, cache_dir=tmp_path, stop_after=3)
    assert not part["complete"] and (tmp_path / f"{part['hash']}.ckpt.pt").is_file()
    c = train(cfg, tr, va, cache_dir=tmp_path)
    assert c["train_loss"] == a["train_loss"] and c["val_loss"] == a["val_loss"]
    assert c["final"] == a["final"]
    assert not (tmp_path / f"{c['hash']}.ckpt.pt").exists()
    d = train(cfg, tr, va, cache_dir=tmp_path)
    assert d["cached"] and d["train_loss"] == a["train_loss"]
    assert run_hash(cfg, tr, va) != run_hash(TrainConfig(**{**cfg.__dict__, "seed": 1}), tr, va)


# ------------------------------------------------------------------ D* rule and fits
def test_post_minimum_window():
    tl = np.linspace(2.0, 1.0, 100)  # train loss at steps 1..100
    e = ex.post_minimum_errors(tl, [0, 20, 40, 60], [3.0, 1.5, 1.6, 1.7], window=10)
    assert (e["t_min"], e["min_val"], e["start"], e["stop"]) == (20, 1.5, 20, 30)
    assert np.allclose(e["sq_err"], (tl[20:30] - 1.5) ** 2) and not e["truncated"]
    e = ex.post_minimum_errors(tl, [0, 95], [3.0, 1.5], window=10)
    assert e["truncated"] and (e["start"], e["stop"]) == (90, 100)
    e = ex.post_minimum_errors(tl, [0, 20, 40], [3.0, 1.5, 1.6], window="all")
    assert (e["start"], e["stop"]) == (20, 100)


def test_d_star_rule_and_crossing():
    grid = [100, 200, 400, 800]
    assert ex.d_star(grid, [0.5, 0.1, 0.03, 0.01], 0.04) == 400
    assert ex.d_star(grid, [0.5, 0.1, 0.05, 0.05], 0.04) is None
    c = ex.d_star_crossing(grid, [0.5, 0.16, 0.01, 0.001], 0.04)
    # log-log interpolation between (200, 0.16) and (400, 0.01): halfway in log MSE → √2·200
    assert c["bracket"] == (200, 400) and c["grid"] == 400
    assert c["interp"] == pytest.approx(200 * 2**0.5)
    assert ex.d_star_crossing(grid, [0.01] * 4, 0.04) is None  # left-censored


def _synthetic_mse(N, Dc, D):
    """An MSE curve that crosses σ² = 0.04 exactly at D = Dc, falling as D⁻²."""
    return 0.04 * (Dc / D) ** 2


@pytest.mark.parametrize("true_slope", [0.5, 1.0])
def test_fit_recovers_a_planted_power_law(true_slope):
    Ns = [1e3, 4e3, 16e3, 64e3]
    grid = list(np.geomspace(50, 50_000, 21))
    Dc = [100 * (N / 1e3) ** true_slope for N in Ns]
    mses = [[_synthetic_mse(N, dc, D) for D in grid] for N, dc in zip(Ns, Dc)]
    pts, notes = ex._dstar_points(Ns, grid, mses, 0.04)
    assert not notes
    f = ex._fit(pts, "interp")
    assert f["slope"] == pytest.approx(true_slope, abs=1e-9)
    lo, hi = ex.bracket_slopes(pts)
    assert lo <= true_slope <= hi
    assert ex._fit(pts, "grid")["slope"] == pytest.approx(true_slope, abs=0.15)


def test_bootstrap_interval_covers_the_planted_slope():
    rng = np.random.default_rng(0)
    Ns = [1e3, 4e3, 16e3]
    grid = list(np.geomspace(100, 20_000, 12))
    sq = []
    for N in Ns:
        dc = 5 * N**0.5
        row = []
        for D in grid:  # squared errors whose mean is the planted MSE, with noise
            m = _synthetic_mse(N, dc, D)
            row.append(rng.gamma(4.0, m / 4.0, size=200))
        sq.append(row)
    boot = ex.bootstrap_slope(Ns, grid, sq, 0.04, B=200, seed=1)
    lo, hi = boot["ci"]
    assert lo <= 0.5 <= hi and boot["undefined"] == 0


def test_sizelaw_verdict_can_go_either_way():
    fit = {"slope": 0.5, "exponent": 2.0}
    boot = {"ci": [0.4, 0.6], "draws": 100, "undefined": 0}
    assert ex.sizelaw_verdict(fit, boot, [0.45, 0.55])[0] == "supported"
    fit1 = {"slope": 1.0, "exponent": 1.0}
    st, why, _ = ex.sizelaw_verdict(
        fit1, {"ci": [0.9, 1.1], "draws": 100, "undefined": 0}, [0.85, 1.2]
    )
    assert st == "refuted" and "capacity" in why
    assert (
        ex.sizelaw_verdict(fit, {"ci": [0.3, 1.2], "draws": 100, "undefined": 0}, None)[0]
        == "inconclusive"
    )
    # the grid bracket widens the interval
    assert (
        ex.sizelaw_verdict(fit1, {"ci": [0.9, 1.1], "draws": 100, "undefined": 0}, [0.4, 1.1])[0]
        == "inconclusive"
    )
    assert ex.sizelaw_verdict({"slope": None}, boot, None)[0] == "inconclusive"
    assert (
        ex.sizelaw_verdict(fit, {"ci": [0.4, 0.6], "draws": 50, "undefined": 50}, None)[0]
        == "inconclusive"
    )


def test_plateau_verdict_can_go_either_way():
    def run(fmt, plateau, floor, converged=True):
        return {
            "format": fmt,
            "label": fmt,
            "plateau": plateau,
            "floor": floor,
            "converged": converged,
            "drop": 0.0 if converged else 0.2,
        }

    st, why = ex.plateau_verdict([run("murty", 1.02, 1.01)])
    assert st == "supported" and "Not discriminating" in why
    assert ex.plateau_verdict([run("murty", 1.02, 1.3)])[0] == "supported"
    assert "Not" not in ex.plateau_verdict([run("murty", 1.02, 1.3)])[1]
    assert ex.plateau_verdict([run("murty", 1.0, 1.0), run("double", 0.7, 0.69)])[0] == "refuted"
    assert ex.plateau_verdict([run("murty", 1.5, 1.0)])[0] == "inconclusive"
    assert ex.plateau_verdict([run("murty", 1.0, 1.0, converged=False)])[0] == "inconclusive"


# ---------------------------------------------------------------------------- CLI
def test_cli_reports_missing_data(tmp_path, capsys):
    rc = main(["plateau", "--data", str(tmp_path / "none"), "--out", str(tmp_path), "--quiet"])
    assert rc == 2 and "rnn-hierarchical-biases" in capsys.readouterr().err
    assert main(["nonsense"]) == 2


def test_latest_results(tmp_path):
    assert latest_results(tmp_path) == []
    (tmp_path / "radius").mkdir()
    (tmp_path / "radius" / "result.json").write_text(
        json.dumps({"experiment": "radius", "claim": {"id": "lab/radius", "status": "refuted"}})
    )
    (tmp_path / "plateau").mkdir()
    (tmp_path / "plateau" / "result.json").write_text("{broken")
    res = latest_results(tmp_path)
    assert [r["experiment"] for r in res] == ["radius"] and res[0]["path"].endswith("result.json")


def test_ray_backend_without_ray_is_a_clear_error(tmp_path):
    try:
        import ray  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ray is installed")
    from derivations.lab import LabUnavailableError
    from derivations.lab.runner import Job, run_jobs

    cfg, tr, va = _tiny()
    with pytest.raises(LabUnavailableError, match="Ray"):
        run_jobs([Job("x", cfg, tr, va)], tmp_path, backend="ray", progress=False)


# ------------------------------------------------------------------ slow: end to end
def _check_result(res, out, exp_id):
    c = res["claim"]
    assert c["id"] == exp_id and c["kind"] == "empirical" and c["ref"].startswith("v2 ")
    assert c["status"] in ("supported", "refuted", "inconclusive")
    assert c["evidence"] and c["rule"] and c["values"]
    for f in res["files"]:
        assert (out / f).is_file(), f
    assert any(f.endswith(".png") for f in res["files"])
    assert any(f.endswith(".svg") for f in res["files"])
    prov = res["provenance"]
    assert prov["preset"] == "cpu" and "torch" in prov["versions"] and "seeds" in prov
    assert json.loads((out / "result.json").read_text())["claim"]["id"] == exp_id


@pytest.mark.slow
def test_plateau_end_to_end(tmp_path, qf_dir):
    ov = {
        "runs": [
            {"format": "murty", "n_layer": 1, "d_emb": 16, "n_head": 2},
            {"format": "double", "n_layer": 1, "d_emb": 16, "n_head": 2},
        ],
        "train_lines": 400,
        "steps": 40,
        "eval_every": 10,
        "train_eval_seqs": 100,
    }
    res = ex.run_plateau("cpu", tmp_path / "p", qf_dir, progress=False, overrides=ov)
    _check_result(res, tmp_path / "p", "lab/plateau")
    again = ex.run_plateau("cpu", tmp_path / "p", qf_dir, progress=False, overrides=ov)
    assert all(m["cached"] for m in again["models"])
    assert again["claim"]["values"] == res["claim"]["values"]
    fresh = ex.run_plateau("cpu", tmp_path / "q", qf_dir, progress=False, overrides=ov)
    assert fresh["claim"]["values"] == res["claim"]["values"]  # deterministic


@pytest.mark.slow
def test_radius_end_to_end(tmp_path, qf_dir):
    try:
        res = ex.run_radius(
            "cpu",
            tmp_path / "r",
            qf_dir,
            progress=False,
            overrides={"max_sentences": 300, "batch_size": 64},
        )
    except ex.ModelUnavailableError as e:
        pytest.skip(f"radius model unavailable: {e}")
    _check_result(res, tmp_path / "r", "lab/radius")
    v = res["claim"]["values"]
    assert v["r_star"] == pytest.approx(math.sqrt(v["n"] / (2 * math.pi * math.e)))
    assert v["patterns"] == 300 and 0 <= v["overlap_fraction_L2"] <= 1


@pytest.mark.slow
def test_nearest_neighbour_distances_are_exact():
    X = torch.randn(50, 7, dtype=torch.float64)
    d = ex.nearest_neighbour_distances(X, chunk=16)
    ref = [min(float((X[i] - X[j]).norm()) for j in range(50) if j != i) for i in range(50)]
    assert np.allclose(d, ref, rtol=1e-10)


@pytest.mark.slow
def test_sizelaw_end_to_end(tmp_path, qf_dir):
    ov = {
        "facts": {
            "widths": [8, 16],
            "n_layer": 1,
            "n_head": 2,
            "grid": [100, 200, 400],
            "n_val": 64,
            "keys": 32,
            "n_values": 16,
            "value_len": 2,
            "steps": 60,
            "batch_size": 32,
            "lr": 3e-3,
            "warmup": 5,
            "eval_every": 5,
        },
        "qf": {
            "widths": [8, 16],
            "n_layer": 1,
            "n_head": 2,
            "grid": [100, 300],
            "steps": 30,
            "batch_size": 16,
            "lr": 2e-3,
            "warmup": 5,
            "eval_every": 5,
        },
        "bootstrap": 50,
        "window_sweep": [0.25, "all"],
        "sigma2_sweep": [0.04, 0.16],
    }
    res = ex.run_sizelaw("cpu", tmp_path / "s", qf_dir, progress=False, overrides=ov, max_workers=2)
    _check_result(res, tmp_path / "s", "lab/sizelaw")
    assert set(res["analyses"]) == {"facts", "qf"}
    sens = res["analyses"]["facts"]["sensitivity"]
    assert len(sens) == 2 * 2 * 5
    again = ex.run_sizelaw("cpu", tmp_path / "s", qf_dir, progress=False, overrides=ov)
    assert all(r["cached"] for r in again["runs"].values())
    assert again["claim"]["values"] == res["claim"]["values"]


def test_every_preset_product_is_well_formed():
    for table in (ex.PLATEAU_PRESETS, ex.RADIUS_PRESETS, ex.SIZELAW_PRESETS):
        assert set(table) == {"cpu", "gpu"}
        assert set(table["cpu"]) == set(table["gpu"])
    with pytest.raises(ValueError, match="unknown setting"):
        ex._preset(ex.PLATEAU_PRESETS, "cpu", {"nope": 1})
    for preset in ("cpu", "gpu"):
        f = ex.SIZELAW_PRESETS[preset]["facts"]
        assert f["keys"] ** 2 >= max(f["grid"]) + f["n_val"]


@pytest.mark.slow
def test_ray_backend_gives_the_local_results(tmp_path):
    """With Ray installed, a local Ray instance runs the same trainings to the same numbers."""
    ray = pytest.importorskip("ray")
    from derivations.lab.runner import Job, run_jobs

    cfg, tr, va = _tiny()
    jobs = [Job("a", cfg, tr, va)]
    local = run_jobs(jobs, tmp_path / "local", backend="local", progress=False)
    try:
        remote = run_jobs(jobs, tmp_path / "ray", backend="ray", progress=False)
    finally:
        ray.shutdown()
    assert remote[0]["train_loss"] == local[0]["train_loss"]
    assert remote[0]["val_loss"] == local[0]["val_loss"]
