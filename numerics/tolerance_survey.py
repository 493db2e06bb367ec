"""The measurement behind the table in :mod:`numerics.tolerances` (rerun it to update the table).

Notation (as in :mod:`numerics.tolerances`): for each kernel, the worst
|t − m| / (|m| + scale) over random draws, t computed in a low dtype and m in float64 from
the same (already rounded) inputs. ``scale`` is the centred energy scale
‖x − c‖² + maxᵢ‖ρⁱ − c‖² + log d + 1 (c the patterns' mean) for E, g and the CCCP step
(times maxᵢⱼ |ρⁱⱼ − cⱼ| for the step's entries), and the uncentred ‖x‖² + maxᵢ‖ρⁱ‖² + log d + 1
for E^MCHN_β=1, which is not translation-invariant.

Draws: d ≤ ``max_d`` patterns, n ≤ 80, pattern and query norms up to ~40 around ``offset``
(a shared offset added to every entry), two of eight queries within 1e-3 of a pattern; the
streaming kernels run with chunk = 257 so that the online accumulation is exercised.

    python -m numerics.tolerance_survey [DRAWS] [OFFSET]
"""

from __future__ import annotations

import math
import sys

import torch

from numerics import energies, stream

__all__ = ["survey", "KERNELS", "DTYPES"]

KERNELS = ("E", "g", "MCHN", "CCCP")
DTYPES = (torch.float32, torch.bfloat16, torch.float16)


def _scales(P: torch.Tensor, X: torch.Tensor):
    c = P.mean(0)
    Pc, Xc = P - c, X - c
    log_d = math.log(P.shape[0]) + 1.0
    centred = (Xc * Xc).sum(-1) + (Pc * Pc).sum(-1).max() + log_d  # (B,)
    plain = (X * X).sum(-1) + (P * P).sum(-1).max() + log_d  # (B,)
    return centred, plain, Pc.abs().max()


def _rel(t: torch.Tensor, m: torch.Tensor, scale: torch.Tensor) -> float:
    t, m = t.double(), m.double()
    return float(((t - m).abs() / (m.abs() + scale)).max())


def survey(draws: int = 40, offset: float = 0.0, seed: int = 0, max_d: int = 3000) -> dict:
    """{(kernel, dtype, "direct" | "stream"): worst relative error} over ``draws`` draws."""
    gen = torch.Generator().manual_seed(seed)
    worst: dict = {}
    for _ in range(draws):
        d = int(torch.randint(1, max_d + 1, (1,), generator=gen))
        n = int(torch.randint(1, 81, (1,), generator=gen))
        norm = float(torch.rand(1, generator=gen)) * 40
        P = torch.randn(d, n, dtype=torch.float64, generator=gen)
        P = P / P.norm(dim=1, keepdim=True).clamp_min(1e-12) * norm
        P = P * torch.rand(d, 1, dtype=torch.float64, generator=gen)
        X = torch.randn(8, n, dtype=torch.float64, generator=gen)
        X = (
            X
            / X.norm(dim=1, keepdim=True)
            * norm
            * torch.rand(8, 1, dtype=torch.float64, generator=gen)
        )
        near = P[torch.randint(0, d, (2,), generator=gen)]
        X[:2] = near + 1e-3 * torch.randn(2, n, dtype=torch.float64, generator=gen) / math.sqrt(n)
        P, X = P + offset, X + offset
        for dt in DTYPES:
            Pl, Xl = P.to(dt), X.to(dt)
            P64, X64 = Pl.double(), Xl.double()
            centred, plain, spread = _scales(P64, X64)
            ref = {
                "E": energies.distance_energy(P64, X64),
                "g": energies.nearest_neighbour(P64, X64),
                "MCHN": energies.mchn_energy(P64, X64),
                "CCCP": energies.cccp_step(P64, X64),
            }
            scale = {"E": centred, "g": centred, "MCHN": plain, "CCCP": centred[:, None] * spread}
            for kind, mod, kw in (("direct", energies, {}), ("stream", stream, {"chunk": 257})):
                got = {
                    "E": mod.distance_energy(Pl, Xl, **kw),
                    "g": mod.nearest_neighbour(Pl, Xl, **kw),
                    "MCHN": mod.mchn_energy(Pl, Xl, 1.0, **kw),
                    "CCCP": mod.cccp_step(Pl, Xl, **kw),
                }
                for k in KERNELS:
                    key = (k, dt, kind)
                    worst[key] = max(worst.get(key, 0.0), _rel(got[k], ref[k], scale[k]))
    return worst


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    draws = int(argv[0]) if argv else 40
    offset = float(argv[1]) if len(argv) > 1 else 0.0
    worst = survey(draws, offset)
    cols = [(dt, kind) for dt in DTYPES for kind in ("direct", "stream")]
    print("kernel  " + "  ".join(f"{str(dt)[6:]}/{kind}" for dt, kind in cols))
    for k in KERNELS:
        print(f"{k:<7} " + "  ".join(f"{worst[(k, dt, kind)]:.1e}" for dt, kind in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
