"""Question Formation as a language-modelling task.

Question Formation (McCoy, Frank & Linzen 2020) is read from a folder, never copied into the
repository (the files carry no licence). The folder is found, in order, from

1. an explicit ``path`` (the CLI's ``--data PATH``);
2. the environment variable ``BEYOND_SCALING_QF_DATA``;
3. ``../shared/data/question_formation`` next to the repository root, then next to the cwd.

Each line reads ``<declarative> <marker>\\t<target>`` with marker ``quest`` or ``decl``. The LM
sequences follow Murty et al. 2023 (``--dataset lm``): the tab becomes a space, words are split on
spaces, the vocabulary is the union over the train/val/test splits (McCoy's train, dev, gen) plus
``<pad>`` = 0, with EOS and SOS ids after the word ids; the input is SOS + words, the target is
words + EOS, and the loss counts every position. Each counted position carries a segment:
declarative, marker, question (the target of a ``quest`` line), copy (of a ``decl`` line), eos.

A malformed file raises :class:`~derivations.lab.LabDataError` naming the file, the line and
what was expected; a missing folder or file raises :class:`DataNotFoundError`.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from derivations.lab import LabDataError, text_lines
from derivations.lab.model import IGNORE_INDEX

DATA_ENV = "BEYOND_SCALING_QF_DATA"
DATA_ORIGIN = "tommccoy1/rnn-hierarchical-biases (folder data/, grammar in cfgs/question.gr)"
MARKERS = ("quest", "decl")
SPLITS = ("train", "dev", "test", "gen")
_SPLIT_FILES = {"dev": "question.dev", "test": "question.test", "gen": "question.gen"}
_TRAIN_FILES = ("question.train", "train_prefix_20k/question.train")
GRAMMAR_FILE = "question.gr"
#: Murty et al.'s three splits, as McCoy's files: train → train, val → dev, test → gen.
MURTY_SPLITS = {"train": "train", "val": "dev", "test": "gen"}
QF_SEGMENTS = ("declarative", "marker", "question", "copy", "eos")
PAD, EOS, SOS = "<pad>", "<eos>", "<sos>"
LINE_FORMAT = "'<declarative> quest|decl<TAB><target>' (one tab, words separated by one space)"


class DataNotFoundError(FileNotFoundError):
    """The Question-Formation folder, or one of its files, could not be found."""


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def resolve_data_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder holding the Question-Formation files (see the module docstring)."""
    if path is not None:
        cands = [("--data", Path(path))]
    elif os.environ.get(DATA_ENV):
        cands = [(DATA_ENV, Path(os.environ[DATA_ENV]))]
    else:
        rel = Path("..") / "shared" / "data" / "question_formation"
        cands = [("repo", _repo_root() / rel), ("cwd", Path.cwd() / rel)]
    for _, c in cands:
        if (c / _SPLIT_FILES["dev"]).is_file():
            return c.resolve()
    tried = ", ".join(f"{c} ({how})" for how, c in cands)
    raise DataNotFoundError(
        f"Question-Formation data not found (looked in: {tried}). The files question.train, "
        f"question.dev, question.test, question.gen and question.gr live in {DATA_ORIGIN}; "
        f"put them in a folder and pass --data PATH, or set {DATA_ENV}=PATH. They are not "
        "shipped with this project (no licence)."
    )


def split_path(data_dir: str | os.PathLike, split: str) -> Path:
    """The file of ``split``; ``train`` is the full ``question.train`` if present, else the
    20k-line prefix ``train_prefix_20k/question.train``."""
    d = Path(data_dir)
    if split == "train":
        for name in _TRAIN_FILES:
            if (d / name).is_file():
                return d / name
        raise DataNotFoundError(
            f"{d}: no training file; expected {' or '.join(_TRAIN_FILES)} (from {DATA_ORIGIN})"
        )
    if split not in _SPLIT_FILES:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    p = d / _SPLIT_FILES[split]
    if not p.is_file():
        raise DataNotFoundError(f"{p}: file not found; expected the {split} split ({DATA_ORIGIN})")
    return p


def git_blob_sha1(path: str | os.PathLike) -> str:
    """``git hash-object`` of a file (how SOURCE.md identifies the data files)."""
    data = Path(path).read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class QFExample:
    declarative: tuple[str, ...]  # words of the declarative, final "." included
    marker: str  # "quest" or "decl"
    target: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """The LM sequence: declarative, marker, target (the tab read as a space)."""
        return self.declarative + (self.marker,) + self.target


def parse_line(line: str, path: str | os.PathLike = "<line>", lineno: int | None = None):
    """One line ``<declarative> <marker>\\t<target>`` as a :class:`QFExample`;
    ``LabDataError`` (naming ``path`` and ``lineno``) if it is malformed."""

    def bad(problem: str) -> LabDataError:
        return LabDataError(path, lineno, problem, LINE_FORMAT)

    line = line.rstrip("\n").rstrip("\r")
    if line.count("\t") != 1:
        raise bad(f"{line.count(chr(9))} tabs in {line[:60]!r}")
    left, right = line.split("\t")
    lw, target = left.split(" "), tuple(right.split(" "))
    if "" in lw or "" in target:
        raise bad(f"an empty word (two spaces, or a space at an end) in {line[:60]!r}")
    if len(lw) < 2 or lw[-1] not in MARKERS:
        raise bad(f"the input side ends in {lw[-1]!r}, not a marker {MARKERS}")
    decl = tuple(lw[:-1])
    if decl[-1] != ".":
        raise bad(f"the declarative ends in {decl[-1]!r}, not '.'")
    if lw[-1] == "decl" and target != decl:
        raise bad("a decl line whose target is not its declarative")
    if lw[-1] == "quest" and (target[-1] != "?" or len(target) != len(decl)):
        raise bad("a quest line whose target is not a question of the same length")
    return QFExample(decl, lw[-1], target)


def read_examples(path: str | os.PathLike, limit: int | None = None) -> list[QFExample]:
    """The examples of one file (the first ``limit`` of them if given); ``LabDataError`` if
    the file is malformed or holds no example."""
    p = Path(path)
    if not p.is_file():
        raise DataNotFoundError(f"{p}: file not found; expected a Question-Formation split")
    out = []
    for k, line in text_lines(p, LINE_FORMAT):
        if limit is not None and len(out) >= limit:
            break
        out.append(parse_line(line, p, k))
    if not out:
        raise LabDataError(p, None, "the file holds no example", f"lines {LINE_FORMAT}")
    return out


def read_split(
    data_dir: str | os.PathLike, split: str, limit: int | None = None
) -> list[QFExample]:
    """The examples of one split (the first ``limit`` lines if given)."""
    return read_examples(split_path(data_dir, split), limit)


def split_counts(examples: Sequence[QFExample]) -> dict:
    """Lines, markers and LM-format token counts (without EOS) of a split."""
    m = Counter(e.marker for e in examples)
    return {
        "lines": len(examples),
        "quest": m["quest"],
        "decl": m["decl"],
        "tokens": sum(len(e.words) for e in examples),
        "declarative_tokens": sum(len(e.declarative) for e in examples),
    }


def subject_has_relative_clause(declarative: Sequence[str]) -> bool:
    """Whether the subject carries a relative clause. Specific to question.gr, where a subject
    is ``Det N [Prep Det N | RC]`` and every RC starts with who/that: the third word decides."""
    return len(declarative) > 2 and declarative[2] in ("who", "that")


def build_vocab(splits: Iterable[Sequence[QFExample]]) -> tuple[str, ...]:
    """Murty-style vocabulary: ``<pad>`` = 0, the words (sorted), then EOS, then SOS."""
    words = sorted({w for ex in splits for e in ex for w in e.words})
    return (PAD, *words, EOS, SOS)


@dataclass(frozen=True)
class LMData:
    """Padded LM sequences: inputs ``x`` (N, T), targets ``y`` (N, T) with ``IGNORE_INDEX`` where
    a position is not counted, and the segment id of each target position ``seg`` (N, T)."""

    name: str
    x: torch.Tensor
    y: torch.Tensor
    seg: torch.Tensor
    vocab: tuple[str, ...]
    segments: tuple[str, ...]

    def __post_init__(self):
        if self.x.shape != self.y.shape or self.x.shape != self.seg.shape or self.x.ndim != 2:
            raise ValueError(
                f"x, y, seg must share one 2-D shape: {self.x.shape}, "
                f"{self.y.shape}, {self.seg.shape}"
            )

    def __len__(self) -> int:
        return self.x.shape[0]

    @property
    def n_tokens(self) -> int:
        """Counted target positions (the D of the size law, in tokens)."""
        return int((self.y != IGNORE_INDEX).sum())

    def head(self, n: int) -> LMData:
        """The first ``n`` sequences."""
        if not 0 < n <= len(self):
            raise ValueError(f"n must lie in [1, {len(self)}], got {n}")
        return replace(
            self, name=f"{self.name}[:{n}]", x=self.x[:n], y=self.y[:n], seg=self.seg[:n]
        )

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for t in (self.x, self.y, self.seg):
            h.update(str(tuple(t.shape)).encode())
            h.update(t.numpy().tobytes())
        h.update("\n".join(self.vocab).encode())
        h.update("\n".join(self.segments).encode())
        return h.hexdigest()[:16]


#: LM formats of a line: Murty's (declarative, marker, target), and controls whose entropy per
#: token differs: the declarative alone, the target written twice, and each word of the
#: declarative written three times (the echoes are predictable from the word before them)
QF_FORMATS = ("murty", "decl", "double", "echo")
ECHOES = 3


def format_words(e: QFExample, fmt: str = "murty") -> tuple[str, ...]:
    if fmt == "murty":
        return e.words
    if fmt == "decl":
        return e.declarative
    if fmt == "double":
        return e.words + e.target
    if fmt == "echo":
        return tuple(w for w in e.declarative for _ in range(ECHOES))
    raise ValueError(f"format must be one of {QF_FORMATS}, got {fmt!r}")


def sequence_length(examples: Iterable[QFExample], fmt: str = "murty") -> int:
    """Longest LM sequence (words + EOS) of ``examples`` in format ``fmt``."""
    return max(len(format_words(e, fmt)) + 1 for e in examples)


def encode_qf(
    examples: Sequence[QFExample],
    vocab: Sequence[str],
    name: str,
    block_size: int | None = None,
    fmt: str = "murty",
) -> LMData:
    """LM sequences x = SOS + words, y = words + EOS, every position counted; ``words`` are
    Murty's (declarative, marker, target) or a control format (``QF_FORMATS``)."""
    ids = {w: i for i, w in enumerate(vocab)}
    unknown = sorted({w for e in examples for w in format_words(e, fmt)} - set(ids))
    if unknown:
        raise ValueError(f"words missing from the vocabulary: {unknown[:10]}")
    eos, sos = ids[EOS], ids[SOS]
    T = sequence_length(examples, fmt)
    if block_size is not None:
        if T > block_size:
            raise ValueError(f"longest sequence {T} exceeds block_size {block_size}")
        T = block_size
    x = np.zeros((len(examples), T), dtype=np.int64)
    y = np.full((len(examples), T), IGNORE_INDEX, dtype=np.int64)
    seg = np.full((len(examples), T), -1, dtype=np.int64)
    for i, e in enumerate(examples):
        w = [ids[t] for t in format_words(e, fmt)]
        L, ld = len(w), len(e.declarative)
        x[i, 0], x[i, 1 : L + 1] = sos, w
        y[i, :L], y[i, L] = w, eos
        if fmt == "echo":  # first copy of each word: declarative; its echoes: copy
            seg[i, :L] = 3
            seg[i, 0:L:ECHOES] = 0
        else:
            seg[i, :ld] = 0
            if L > ld:
                seg[i, ld] = 1
                seg[i, ld + 1 : L] = 2 if e.marker == "quest" else 3
        seg[i, L] = 4
    x, y, seg = (torch.from_numpy(a) for a in (x, y, seg))
    return LMData(name, x, y, seg, tuple(vocab), QF_SEGMENTS)


def load_qf_lm(
    data_path: str | os.PathLike | None = None,
    train_lines: int | None = None,
    val_split: str = "dev",
    fmt: str = "murty",
) -> tuple[LMData, LMData, dict]:
    """Train (first ``train_lines`` lines) and validation LM data, plus provenance info."""
    d = resolve_data_dir(data_path)
    splits = {s: read_split(d, s) for s in ("train", "dev", "gen")}  # Murty's train/val/test
    vocab = build_vocab(splits.values())
    train_ex = splits["train"][:train_lines] if train_lines else splits["train"]
    if train_lines and len(train_ex) < train_lines:
        raise LabDataError(
            split_path(d, "train"),
            None,
            f"{len(train_ex)} examples",
            f"at least {train_lines} (the preset's train_lines)",
        )
    val_ex = splits[val_split] if val_split in splits else read_split(d, val_split)
    T = max(sequence_length(s, fmt) for s in splits.values())
    sfx = "" if fmt == "murty" else f"-{fmt}"
    train = encode_qf(train_ex, vocab, f"qf-train{sfx}", T, fmt)
    val = encode_qf(val_ex, vocab, f"qf-{val_split}{sfx}", T, fmt)
    files = {s: split_path(d, s) for s in ("train", val_split)}
    info = {
        "data_dir": str(d),
        "files": {
            s: {"path": str(p.relative_to(d)), "git_blob": git_blob_sha1(p)}
            for s, p in files.items()
        },
        "train_lines": len(train_ex),
        "val_split": val_split,
        "format": fmt,
        "vocab_words": len(vocab) - 3,
        "vocab_size": len(vocab),
        "block_size": T,
    }
    return train, val, info
