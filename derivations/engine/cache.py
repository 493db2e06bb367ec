"""The on-disk cache of derivation checks, keyed by the code they depend on.

A derivation check is pure: the same code and the same SymPy give the same step results.
The key (:func:`source_key`) hashes the SymPy version and the source of **every project
module the claim's code reaches**: the modules defining the claim's functions (statement,
derivation, domain, compute and whatever they close over), the claims its derivation cites,
the engine and the vocabulary, and everything those import, transitively (found by reading
their ``import`` statements), restricted to the project's packages. So a change anywhere a
derivation could look invalidates its entry.

Entries are validated before use (schema, the shape of every step, and a hash of their
content, :func:`load`); a bad entry is ignored and replaced. Only finished results are
stored (:func:`derivations.engine.run.cached_derivation`: none with a step "not decided
within budget"), and the key includes the kernel's work budget. ``BEYOND_SCALING_CACHE``
moves the cache; ``--recheck`` bypasses it.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path

import sympy as sp

from derivations.engine.model import Claim

__all__ = ["cache_dir", "source_key", "reached_modules", "load", "store"]

#: Packages whose modules count as project code (plus the top packages of a claim's modules).
PROJECT_PACKAGES = ("theory", "numerics", "derivations")
#: Engine modules every derivation check runs through.
ENGINE_MODULES = (
    "derivations.engine.checker",
    "derivations.engine.kernel",
    "derivations.engine.rules",
    "derivations.engine.rules_classic",
    "derivations.engine.rules_relabel",
    "derivations.engine.normal",
    "derivations.engine.signs",
    "derivations.engine.work",
    "derivations.engine.indexed_ops",
    "derivations.engine.render",
    "theory.indexed",
    "derivations.engine.model",
    "derivations.engine.backends",
    "derivations.engine.instance",
    "derivations.vocab",
)
SCHEMA = 4


def cache_dir() -> Path:
    root = os.environ.get("BEYOND_SCALING_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "beyond-scaling"
    )
    return Path(root) / "derivations"


@functools.cache
def _module_file(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return spec.origin


@functools.cache
def _imports(name: str) -> tuple[str, ...]:
    """Modules imported anywhere in module ``name`` (absolute names; submodules resolved)."""
    path = _module_file(name)
    if path is None:
        return ()
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    is_pkg = path.endswith("__init__.py")
    package = name if is_pkg else name.rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod:
                out.append(mod)
                for a in node.names:  # ``from pkg import submodule``
                    if _module_file(f"{mod}.{a.name}"):
                        out.append(f"{mod}.{a.name}")
    return tuple(out)


def _callables_modules(objs: Iterable) -> set[str]:
    """Modules defining the given callables and whatever they close over or bind."""
    seen: set[int] = set()
    mods: set[str] = set()
    stack = list(objs)
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        if isinstance(f, functools.partial):
            stack += [f.func, *f.args, *f.keywords.values()]
            continue
        m = getattr(f, "__module__", None)
        if isinstance(m, str) and callable(f):
            mods.add(m)
        for cell in getattr(f, "__closure__", None) or ():
            try:
                stack.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
        stack += list(getattr(f, "__defaults__", None) or ())
        if isinstance(f, (list, tuple)):
            stack += list(f)
        if dataclasses.is_dataclass(f) and not isinstance(f, type):  # e.g. an IterationLimit
            stack += [getattr(f, x.name) for x in dataclasses.fields(f)]
    return mods


def reached_modules(claim: Claim, registry: dict | None = None) -> list[str]:
    """Every project module ``claim``'s code reaches, sorted (see the module notes)."""
    fields = (
        claim.statement,
        claim.domain,
        claim.display,
        claim.derivation,
        claim.derivation_sizes,
        claim.compute,
        claim.hypotheses,
        *(claim.defined or {}).values(),
    )
    roots = _callables_modules(fields)
    for cid in claim.cited(registry) if registry is not None else ():
        c = registry.get(cid)
        if c is not None:
            roots |= _callables_modules((c.statement, c.display))
    roots |= set(ENGINE_MODULES)
    tops = set(PROJECT_PACKAGES) | {m.split(".")[0] for m in roots}
    seen: set[str] = set()
    stack = [m for m in roots if _module_file(m)]
    while stack:
        m = stack.pop()
        if m in seen:
            continue
        seen.add(m)
        for dep in _imports(m):
            if dep.split(".")[0] in tops and dep not in seen and _module_file(dep):
                stack.append(dep)
                parts = dep.split(".")  # importing a.b.c runs a and a.b too
                stack += [".".join(parts[:k]) for k in range(1, len(parts))]
    return sorted(m for m in seen if _module_file(m))


def source_key(claim: Claim, registry: dict | None = None, extra: str = "") -> str:
    """sha256 of the SymPy version, ``extra``, the claim's qualified id and the source of
    every module it reaches."""
    h = hashlib.sha256()
    h.update(f"schema {SCHEMA}; sympy {sp.__version__}; {extra}; {claim.qid}".encode())
    for m in reached_modules(claim, registry):
        h.update(m.encode())
        h.update(Path(_module_file(m)).read_bytes())
    return h.hexdigest()


def _digest(result: dict) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()


def _valid(doc, qid: str) -> bool:
    """Schema and content hash of a cache entry."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or doc.get("id") != qid:
        return False
    res = doc.get("result")
    if not isinstance(res, dict) or doc.get("sha256") != _digest(res):
        return False
    steps = res.get("steps")
    if not isinstance(steps, list) or not isinstance(res.get("complete"), bool):
        return False
    for s in steps:
        if not isinstance(s, dict) or not isinstance(s.get("checked"), bool):
            return False
        if not all(isinstance(s.get(k), str) for k in ("latex", "text", "why", "how", "status")):
            return False
        if s["checked"] != (s["status"] == "checked"):
            return False
    if res.get("scope") not in ("all sizes", "fixed sizes") or res.get("finished") is not True:
        return False
    if res["scope"] == "all sizes" and not res["complete"]:
        return False
    return isinstance(res.get("cites"), list) and isinstance(res.get("sizes"), int)


def load(key: str, qid: str) -> dict | None:
    """The cached result for ``key``, or None when absent, unreadable or invalid."""
    path = cache_dir() / (key + ".json")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return doc["result"] if _valid(doc, qid) else None


def store(key: str, qid: str, result: dict) -> None:
    """Write a finished result (atomically; a failure to write is not an error)."""
    path = cache_dir() / (key + ".json")
    doc = {"schema": SCHEMA, "id": qid, "sha256": _digest(result), "result": result}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
