"""Fixtures of the lab's tests: the real Question-Formation folder (tests that need it skip
without it) and a miniature QF-style folder written from scratch (for fault tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivations.lab.data import DataNotFoundError, resolve_data_dir

MINI_GRAMMAR = """\
1\tROOT\tS .

1\tS\tNP VP
1\tNP\tDet N
1\tNP\tDet N RC
1\tRC\tRel Aux V
1\tVP\tAux V

1\tDet\tthe
1\tDet\tmy
1\tN\tnewt
1\tN\tyak
1\tAux\tdoes
1\tAux\tdoesn't
1\tV\tsmile
1\tV\tswim
1\tRel\twho
"""

MINI_LINES = [
    "the newt does smile . quest\tdoes the newt smile ?",
    "my yak doesn't swim . decl\tmy yak doesn't swim .",
    "the yak who does swim doesn't smile . decl\tthe yak who does swim doesn't smile .",
    "my newt does swim . decl\tmy newt does swim .",
    "the newt doesn't swim . quest\tdoesn't the newt swim ?",
    "my newt who doesn't smile does swim . decl\tmy newt who doesn't smile does swim .",
]


def _all_lines() -> list[str]:
    """Every sentence of the miniature grammar (80), as QF lines: a question for every other
    sentence without a relative clause, a copy otherwise."""
    out, k = [], 0
    for det in ("the", "my"):
        for n in ("newt", "yak"):
            for rc in (
                "",
                *(f" who {a} {v}" for a in ("does", "doesn't") for v in ("smile", "swim")),
            ):
                for aux in ("does", "doesn't"):
                    for v in ("smile", "swim"):
                        decl = f"{det} {n}{rc} {aux} {v} ."
                        if not rc and k % 2 == 0:
                            out.append(f"{decl} quest\t{aux} {det} {n} {v} ?")
                        else:
                            out.append(f"{decl} decl\t{decl}")
                        k += not rc
    return out


@pytest.fixture(scope="session")
def qf_dir():
    try:
        return resolve_data_dir()
    except DataNotFoundError as e:
        pytest.skip(f"Question-Formation data not available: {e}")


def write_mini(d: Path, lines: int = 400) -> Path:
    """A miniature QF folder: the grammar above and lines drawn from it (cycled)."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "question.gr").write_text(MINI_GRAMMAR, encoding="utf-8")
    pool = MINI_LINES + _all_lines()
    body = "\n".join(pool[i % len(pool)] for i in range(lines)) + "\n"
    for name in ("question.dev", "question.test", "question.gen", "question.train"):
        (d / name).write_text(body, encoding="utf-8")
    return d


@pytest.fixture
def mini_qf(tmp_path) -> Path:
    return write_mini(tmp_path / "qf")
