"""Loss floors for App. F.2's data, in nats per counted LM token.

Two kinds, never to be confused:

* **exact** (:func:`derivations.lab.sampled.exact_floor` and ``sample_floor``): for lines
  sampled from the grammar, the entropy per token is known exactly, and on a given validation
  sample the Bayes loss (the true distribution's loss on those very lines) is computed line
  by line. No model can have a lower expected loss: the floor.
* **upper estimate** (:func:`qf_entropy_report`): for McCoy's files, the mean PCFG surprisal of
  the lines' declaratives plus the marker's cross-entropy under the training file's marker
  model. The files are a filtered, reweighted sample of the grammar (17 % of training subjects
  carry a relative clause against 1/3 under the grammar), so this is a cross-entropy, an upper
  estimate of the data's entropy: a model may legitimately go below it.
"""

from __future__ import annotations

import math
from collections import Counter

import mpmath

from derivations.lab import LabDataError
from derivations.lab.pcfg import PCFG, log_fraction, logcombo_mpf, logcombo_sympy


def load_grammar(data_dir) -> PCFG:
    """``question.gr`` of a data folder, parsed and checked proper (``LabDataError`` naming
    the file and line otherwise)."""
    from derivations.lab.data import GRAMMAR_FILE

    p = data_dir / GRAMMAR_FILE
    g = PCFG.from_file(p)
    g.check_proper(str(p))
    if not g.sentence_entropy()["exact"]:
        raise LabDataError(
            p,
            None,
            "a recursive or lexically ambiguous grammar",
            "the Question-Formation grammar (finite, one category per word)",
        )
    return g


def binary_entropy(q: float) -> float:
    """h(q) in nats."""
    return 0.0 if q in (0.0, 1.0) else -(q * math.log(q) + (1 - q) * math.log(1 - q))


def marker_model(examples) -> dict:
    """P(quest | subject has a relative clause) and P(quest | it has not), from counts."""
    from derivations.lab.data import subject_has_relative_clause

    c = Counter((subject_has_relative_clause(e.declarative), e.marker) for e in examples)
    out = {}
    for rc in (False, True):
        n = c[(rc, "quest")] + c[(rc, "decl")]
        out["rc" if rc else "no_rc"] = {"lines": n, "p_quest": c[(rc, "quest")] / n if n else None}
    n = len(examples)
    q = sum(c[(rc, "quest")] for rc in (False, True)) / n
    out["p_quest"] = q
    out["H_marker"] = binary_entropy(q)
    out["H_marker_given_rc"] = sum(
        out[k]["lines"] / n * binary_entropy(out[k]["p_quest"])
        for k in ("rc", "no_rc")
        if out[k]["lines"]
    )
    return out


def _marker_ce(examples, model: dict) -> float:
    """Mean cross-entropy (nats per line) of the markers of ``examples`` under ``model``."""
    from derivations.lab.data import subject_has_relative_clause

    tot = 0.0
    for e in examples:
        q = model["rc" if subject_has_relative_clause(e.declarative) else "no_rc"]["p_quest"]
        p = q if e.marker == "quest" else 1 - q
        tot += math.inf if p == 0 else -math.log(p)
    return tot / len(examples)


def empirical_view(g: PCFG, examples, marker: dict) -> dict:
    """Mean PCFG surprisal of the declaratives and the per-token floor on these lines."""
    surpr, bad = [], 0
    for e in examples:
        p = g.prob(e.declarative)
        if p == 0:
            bad += 1
        else:
            surpr.append(-log_fraction(p))
    mean = sum(surpr) / len(surpr) if surpr else math.nan
    var = sum((s - mean) ** 2 for s in surpr) / max(1, len(surpr) - 1)
    m_ce = _marker_ce(examples, marker)
    tokens_eos = sum(len(e.words) + 1 for e in examples) / len(examples)
    return {
        "lines": len(examples),
        "unparseable": bad,
        "mean_surprisal_nats": mean,
        "mean_surprisal_bits": mean / math.log(2),
        "surprisal_sem_nats": math.sqrt(var / max(1, len(surpr))),
        "marker_cross_entropy_nats": m_ce,
        "tokens_per_line_with_eos": tokens_eos,
        "floor_nats_per_token": (mean + m_ce) / tokens_eos,
        "floor_nats_per_token_no_eos": (mean + m_ce) / (tokens_eos - 1),
        "segments": {
            "declarative": mean / (sum(len(e.declarative) for e in examples) / len(examples)),
            "marker": m_ce,
            "question": 0.0,
            "copy": 0.0,
            "eos": 0.0,
        },
    }


def qf_entropy_report(data_path=None, train_lines: int | None = None) -> dict:
    """The upper-estimate reference for McCoy's files (see the module docstring), on the
    training lines and on dev, with the grammar's own entropy for comparison."""
    from derivations.lab.data import GRAMMAR_FILE, git_blob_sha1, read_split, resolve_data_dir
    from derivations.lab.sampled import p_subject_rc

    d = resolve_data_dir(data_path)
    g = load_grammar(d)
    se = g.sentence_entropy()
    h_sent = logcombo_mpf(se["entropy"])
    EL = g.expected_length()[g.start]
    train = read_split(d, "train", limit=train_lines)
    dev = read_split(d, "dev")
    marker = marker_model(train)
    p_rc = p_subject_rc(g)
    return {
        "grammar_file": {
            "path": str(d / GRAMMAR_FILE),
            "git_blob": git_blob_sha1(d / GRAMMAR_FILE),
        },
        "grammar": {
            "sentence_entropy_nats": float(h_sent),
            "sentence_entropy_bits": float(h_sent / mpmath.log(2)),
            "sentence_entropy_exact": str(logcombo_sympy(se["entropy"])),
            "sentence_entropy_method": se["method"],
            "expected_length": str(EL),
            "p_subject_rc": str(p_rc),
        },
        "marker_model_train": marker,
        "kind": "upper estimate (a cross-entropy of the grammar on these lines)",
        "empirical": {
            "train": empirical_view(g, train, marker),
            "dev": empirical_view(g, dev, marker),
        },
    }
