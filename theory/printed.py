"""Everything arXiv:2405.08707v2 prints as a number, transcribed once (inputs, never results).

Notation (the paper's): N parameters, D tokens, d_emb width, l layers, d_FF feed-forward
width, D* the data size App. G picks per N, σ² its MSE threshold, r* = √(n/2πe).

Each constant carries its source. Claims, figures and the lab compare computations with
these values; nothing here is computed from them. External facts the paper cites or should
be compared with (GPT-2 medium's published configuration, Hoffmann et al.'s fit) are
labelled as such.

>>> TABLE3_SIGMA2
1/25
>>> [float(r.D_star_printed) / 1e6 for r in TABLE3]
[214.18, 261.78, 309.37]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = [
    "REFERENCE",
    "TransformerConfig",
    "APPENDIX_E_PRINTED",
    "APPENDIX_E_PRINTED_SUMS",
    "GPT2_MEDIUM_PUBLISHED",
    "Table3Row",
    "TABLE3",
    "TABLE3_SIGMA2",
    "TABLE3_PRINTED_RATIOS",
    "ScalingFit",
    "EQ1_FITS",
    "Table2Row",
    "TABLE2",
    "F1_OBSERVED_RADIUS",
    "F1_N",
    "F1_CHUNK_TOKENS",
    "F1_PRINTED_PREDICTIONS",
    "PROP4_FLOOR",
    "PROP5_EXPONENT",
]

#: The paper and version every transcription below is taken from.
REFERENCE = "arXiv:2405.08707v2"

#: Proposition 4 as printed: L ≈ log Z_t + 1/Z_t ≥ 1 (the floor, in nats).
PROP4_FLOOR = sp.Integer(1)
#: Proposition 5 as printed: N = O(D²) (the exponent of the size law).
PROP5_EXPONENT = sp.Integer(2)


@dataclass(frozen=True)
class TransformerConfig:
    """A GPT-2-style decoder: width d_model, n_layer blocks, n_head heads, n_ctx positions."""

    d_model: int
    n_layer: int
    n_head: int
    n_ctx: int
    vocab: int
    d_ff: int
    source: str = ""

    def __post_init__(self):
        for k in ("d_model", "n_layer", "n_head", "n_ctx", "vocab", "d_ff"):
            v = getattr(self, k)
            if not isinstance(v, int) or v <= 0:
                raise ValueError(f"{k} must be a positive integer; got {v!r}")
        if self.d_model % self.n_head:
            raise ValueError(
                f"d_model = {self.d_model} must be divisible by n_head = {self.n_head}"
            )


#: Transcribed from the paper, Appendix E (note d_FF = 3072 as printed).
APPENDIX_E_PRINTED = TransformerConfig(
    d_model=1024,
    n_layer=24,
    n_head=16,
    n_ctx=1024,
    vocab=50257,
    d_ff=3072,
    source="arXiv:2405.08707v2, Appendix E (as printed)",
)

#: Transcribed from the paper, Appendix E: the three printed sums and the printed A ≈ 10
#: (claims to check against :func:`appendix_e_counts`, not results).
APPENDIX_E_PRINTED_SUMS = {
    "attention": sp.Integer(75_497_472),
    "output_projection_layernorm": sp.Integer(25_214_976),
    "feed_forward": sp.Integer(151_093_248),
    "A": sp.Integer(10),
}

#: GPT-2 medium's published configuration (external fact: OpenAI's released hparams /
#: Hugging Face ``gpt2-medium`` config: n_embd 1024, n_layer 24, n_head 16, n_ctx 1024,
#: vocab 50257, MLP width 4 · n_embd).
GPT2_MEDIUM_PUBLISHED = TransformerConfig(
    d_model=1024,
    n_layer=24,
    n_head=16,
    n_ctx=1024,
    vocab=50257,
    d_ff=4 * 1024,
    source="Radford et al. 2019 released config (gpt2-medium)",
)


@dataclass(frozen=True)
class Table3Row:
    """One row of Table 3 (transcribed): N, width, D grid (tokens), MSE cells, printed D*."""

    N: sp.Rational
    width: int
    D_grid: tuple
    mse: tuple
    D_star_printed: sp.Rational


def _m(x: str) -> sp.Rational:
    return sp.Rational(x) * 10**6


#: Transcribed from the paper, Appendix G, Table 3 (8 layers; N and D in units, not millions).
TABLE3 = (
    Table3Row(
        _m("39.95"),
        954,
        tuple(map(_m, ("167.06", "190.38", "214.18", "237.98"))),
        tuple(map(sp.Rational, ("0.07", "0.05", "0.04", "0.04"))),
        _m("214.18"),
    ),
    Table3Row(
        _m("60.26"),
        1280,
        tuple(map(_m, ("214.18", "237.98", "261.78", "285.57"))),
        tuple(map(sp.Rational, ("0.05", "0.04", "0.02", "0.02"))),
        _m("261.78"),
    ),
    Table3Row(
        _m("80.20"),
        1440,
        tuple(map(_m, ("261.78", "285.57", "309.37", "333.17"))),
        tuple(map(sp.Rational, ("0.05", "0.04", "0.02", "0.02"))),
        _m("309.37"),
    ),
)
#: Transcribed: the threshold of App. G's rule "MSE < σ² = 0.04".
TABLE3_SIGMA2 = sp.Rational("0.04")
#: Transcribed: the printed ratios N / D*² (× 10⁻¹⁰).
TABLE3_PRINTED_RATIOS = tuple(sp.Rational(x) / 10**10 for x in ("8.71", "8.79", "8.38"))


@dataclass(frozen=True)
class ScalingFit:
    """Constants of L̂(N, D) = E + A/N^α + B/D^β (transcribed, with their source)."""

    E: sp.Rational
    A: sp.Rational
    B: sp.Rational
    alpha: sp.Rational
    beta: sp.Rational
    source: str


def _fit(E, A, B, a, b, src):
    return ScalingFit(*(sp.Rational(v) for v in (E, A, B, a, b)), source=src)


#: Transcribed inputs. "paper": Eq. (1) as printed in arXiv:2405.08707v2; "hoffmann2022":
#: Hoffmann et al. 2022 (Chinchilla), Approach 3; "besiroglu2024": Besiroglu et al. 2024,
#: "Chinchilla Scaling: A replication attempt" (as quoted in PAPER.md).
EQ1_FITS = {
    "paper": _fit("1.61", "406.4", "410.7", "0.34", "0.28", "arXiv:2405.08707v2, Eq. (1)"),
    "hoffmann2022": _fit(
        "1.69", "406.4", "410.7", "0.34", "0.28", "Hoffmann et al. 2022, Approach 3"
    ),
    "besiroglu2024": _fit(
        "1.82", "482.01", "2085.43", "0.3478", "0.3658", "Besiroglu et al. 2024, replication"
    ),
}


@dataclass(frozen=True)
class Table2Row:
    """One row of Table 2 (transcribed): model, parameters N, tokens D, reported loss."""

    model: str
    N: sp.Rational
    D: sp.Rational
    loss: sp.Rational


_B, _T = 10**9, 10**12
#: Transcribed from the paper, Table 2 (reported losses of large models).
TABLE2 = (
    Table2Row("Transformer", sp.Rational("1.5") * _B, 22 * _B, sp.Rational("2.5")),
    Table2Row("Chinchilla", 70 * _B, sp.Rational("1.4") * _T, sp.Rational("2.2")),
    Table2Row("PaLM 2", 16 * _B, 100 * _B, sp.Rational("2.4")),
    Table2Row("GPT-2", sp.Rational("8.7") * _B, 178 * _B, sp.Rational("2.3")),
    Table2Row("MiniCPM", sp.Rational("2.4") * _B, 140 * _B, sp.Rational("2.4")),
    Table2Row("Nanotron", sp.Rational("1.2") * _B, 105 * _B, sp.Rational("2.4")),
)

#: Transcribed from the paper, App. F.1: mean ≈ median nearest-neighbour L2 distance ≈ 20.
F1_OBSERVED_RADIUS = sp.Integer(20)
#: Transcribed: the n used in F.1's comparison (GPT-2 medium's last-layer width).
F1_N = sp.Integer(1024)
#: Transcribed: F.1's chunks are 256 tokens long (so n = T_max · d_emb would be 256 · 1024).
F1_CHUNK_TOKENS = sp.Integer(256)


#: Transcribed: F.1's printed predictions √(n/2πe) = 7.74 and 2√(n/2πe) = 15.49 at n = 1024.
F1_PRINTED_PREDICTIONS = (sp.Rational("7.74"), sp.Rational("15.49"))
