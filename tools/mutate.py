#!/usr/bin/env python3
"""Mutation testing of jupyter_wopi's protocol modules (see tools/MUTATION.md).

Mutants come from each module's AST; each one is a single change spliced over the original
node's source span, so the rest of the file stays byte-identical. Every mutant runs, in a
worker copy of the package (the checkout is never written), the tests that executed its
line in a baseline run under coverage, fastest first, until one fails.

    python tools/mutate.py [--module NAME ...] [--jobs N] [--list] [--show ID] [--only ID ...]
                           [--tests NODEID ...] [--reuse-baseline] [--workdir DIR]
                           [--min-score 90] [--json PATH]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import difflib
import fnmatch
import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "jupyter_wopi"
DEFAULT_MODULES = (  # dotted, under the package
    "wopi.lock_rules",
    "wopi.tokens",
    "wopi.proof_keys",
    "wopi.names",
    "wopi.file_info",
    "wopi.file_state",
    "host.saving",
    "host.save_as",  # PutRelativeFile and RenameFile, split out of saving
    "files.permissions",
    "files.io",
)
# Slow layers (browsers, JupyterHub, Microsoft's validator): left out of mutation runs.
EXCLUDED_TESTS = ("tests/ui", "tests/hub", "tests/flows/test_validator.py")
EQUIVALENTS_FILE = REPO / "tools" / "mutation_equivalents.toml"
PLUGIN_FILE = Path(__file__).resolve().parent / "mutate_plugin.py"
PRAGMA = "# pragma: no mutate"
# Installed pytest plugins that tests/ does not use: seconds of start-up saved per mutant.
UNUSED_PLUGINS = ("hypothesispytest", "benchmark")
BASELINE_FORMAT = 1
IMPORT_TIME = ""  # the coverage context of code run outside any test (module import)


def fail(message: str) -> NoReturn:
    """Stop with exit status 2: a problem with the setup, not a score."""
    print(f"mutate: {message}", file=sys.stderr)
    raise SystemExit(2)


# --------------------------------------------------------------------------- mutants

NodePath = tuple[tuple[str, "int | None"], ...]  # (field, index) steps from the module node

COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], str]] = {
    ast.Eq: (ast.NotEq, "eq-to-ne"),
    ast.NotEq: (ast.Eq, "ne-to-eq"),
    ast.Lt: (ast.LtE, "lt-to-le"),
    ast.LtE: (ast.Lt, "le-to-lt"),
    ast.Gt: (ast.GtE, "gt-to-ge"),
    ast.GtE: (ast.Gt, "ge-to-gt"),
    ast.In: (ast.NotIn, "in-to-not-in"),
    ast.NotIn: (ast.In, "not-in-to-in"),
    ast.Is: (ast.IsNot, "is-to-is-not"),
    ast.IsNot: (ast.Is, "is-not-to-is"),
}
# A test that is a single one of these comparisons is not negated: its swap is the negation.
NEGATED_BY_SWAP = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)
BINOP_SWAPS: dict[type[ast.operator], tuple[type[ast.operator], str]] = {
    ast.Add: (ast.Sub, "add-to-sub"),
    ast.Sub: (ast.Add, "sub-to-add"),
    ast.Mult: (ast.FloorDiv, "mul-to-floordiv"),
    ast.FloorDiv: (ast.Mult, "floordiv-to-mul"),
    ast.BitOr: (ast.BitAnd, "bitor-to-bitand"),
    ast.BitAnd: (ast.BitOr, "bitand-to-bitor"),
    ast.LShift: (ast.RShift, "lshift-to-rshift"),
    ast.RShift: (ast.LShift, "rshift-to-lshift"),
    ast.Mod: (ast.FloorDiv, "mod-to-floordiv"),
}
LOGGER_NAMES = ("log", "logger", "logging")
MODULE_SCOPE = (0, 0)


@dataclass
class Mutant:
    id: str
    module: str
    line: int
    col: int  # 1-based, in characters
    operator: str
    description: str
    line_text: str  # the stripped source line: the equivalents file's stable key
    start: int  # byte offsets of the replaced span in the module's source
    end: int
    replacement: str
    cover_lines: tuple[int, ...]  # the enclosing statement's lines, as coverage records them
    # None: runs when the code is called. Import time: (first, last) lines of the def whose
    # header (decorators, defaults) holds the node, or (0, 0) for module and class bodies.
    import_scope: tuple[int, int] | None
    tests: list[str] = field(default_factory=list)
    status: str = "pending"  # killed, timeout, survived, equivalent, error
    reason: str = ""
    killed_by: str = ""
    seconds: float = 0.0

    def mutated(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement.encode() + source[self.end :]


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_logging_call(node: ast.AST) -> bool:
    """`log.*(…)`, `logging.*(…)`, `self.log.*(…)`, `app_log.*(…)`, `logger.*(…)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    owner = node.func.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return name in LOGGER_NAMES or name.endswith(("_log", "_logger"))


def _is_type_checking(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "TYPE_CHECKING") or (
        isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING"
    )


def _assigns_all(node: ast.AST) -> bool:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )


def _own_lines(stmt: ast.stmt) -> tuple[int, ...]:
    """The lines coverage may record for a statement itself (a compound one: its header)."""
    first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
    last = stmt.end_lineno or stmt.lineno
    body = getattr(stmt, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        last = max(stmt.lineno, body[0].lineno - 1)
    return tuple(range(first, last + 1))


class MutantFinder:
    """Walks one module's AST and lists its mutants (the operators: tools/MUTATION.md)."""

    def __init__(self, module: str, source: bytes) -> None:
        self.module = module
        self.source = source
        self.tree = ast.parse(source)
        self.lines = source.splitlines(keepends=True)
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.pragma_lines = {n for n, line in enumerate(self.lines, 1) if PRAGMA.encode() in line}
        self.mutants: list[Mutant] = []
        self.rejected: list[str] = []

    def find(self) -> list[Mutant]:
        self._visit(self.tree, (), (), MODULE_SCOPE)
        self.mutants.sort(key=lambda m: (m.start, -m.end))
        seen: dict[str, int] = {}
        for mutant in self.mutants:
            seen[mutant.id] = seen.get(mutant.id, 0) + 1
            if seen[mutant.id] > 1:
                mutant.id += f"/{seen[mutant.id]}"
        return self.mutants

    # -- traversal

    def _visit(
        self,
        node: ast.AST,
        path: NodePath,
        cover: tuple[int, ...],
        scope: tuple[int, int] | None,
    ) -> None:
        if isinstance(node, ast.stmt):
            cover = _own_lines(node)
        self._mutate(node, path, cover, scope)
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "type_comment"):
                continue  # type annotations
            if isinstance(node, ast.If) and name == "test" and _is_main_guard(node.test):
                continue
            child_scope = scope
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_header = name in ("decorator_list", "args") and scope is not None
                body_lines = (node.body[0].lineno, node.end_lineno or node.lineno)
                child_scope = body_lines if in_header else None
            elif isinstance(node, ast.Lambda) and name == "body":
                child_scope = None
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST) or self._skipped(child):
                    continue
                step = (name, index if isinstance(value, list) else None)
                self._visit(child, (*path, step), cover, child_scope)

    @staticmethod
    def _skipped(node: ast.AST) -> bool:
        return (
            isinstance(node, (ast.JoinedStr, ast.Assert))
            or _is_logging_call(node)
            or (isinstance(node, ast.Expr) and _is_logging_call(node.value))
            or _assigns_all(node)
        )

    # -- operators

    def _mutate(
        self, node: ast.AST, path: NodePath, cover: tuple[int, ...], scope: tuple[int, int] | None
    ) -> None:
        def add(
            target: ast.AST,
            target_path: NodePath,
            replacement: ast.AST,
            operator: str,
            show: Callable[[str, str], tuple[str, str]] = lambda a, b: (a, b),
        ) -> None:
            self._add(target, target_path, replacement, operator, cover, scope, show)

        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in COMPARE_SWAPS:
                    new_op, name = COMPARE_SWAPS[type(op)]
                    mutant = copy.deepcopy(node)
                    mutant.ops[k] = new_op()
                    add(node, path, mutant, name)
        elif isinstance(node, ast.BoolOp):
            other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            name = "and-to-or" if isinstance(node.op, ast.And) else "or-to-and"
            for k in range(len(node.values) - 1):  # flip the k-th operator only
                left, right = node.values[: k + 1], node.values[k + 1 :]
                mutant_bool = ast.BoolOp(
                    op=other, values=[self._group(node.op, left), self._group(node.op, right)]
                )
                add(node, path, mutant_bool, name)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(node, path, copy.deepcopy(node.operand), "not-removed")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                flipped = ast.Constant(value=not node.value)
                add(node, path, flipped, "true-to-false" if node.value else "false-to-true")
            elif type(node.value) is int:
                add(node, path, ast.Constant(value=node.value + 1), "int-plus-one")
                if node.value != 0:
                    add(node, path, ast.Constant(value=0), "int-to-zero")
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
            if not (_is_text(node.left) or _is_text(node.right)):
                new_binop, name = BINOP_SWAPS[type(node.op)]
                add(node, path, ast.BinOp(left=node.left, op=new_binop(), right=node.right), name)
        elif isinstance(node, ast.AugAssign) and type(node.op) in BINOP_SWAPS:
            if not _is_text(node.value):
                new_augop, name = BINOP_SWAPS[type(node.op)]
                mutant_aug = ast.AugAssign(target=node.target, op=new_augop(), value=node.value)
                add(node, path, mutant_aug, name)
        elif isinstance(node, ast.Expr):
            call = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(call, ast.Call):
                add(node, path, ast.Pass(), "call-removed")
        elif isinstance(node, ast.Return):
            value = node.value
            if value is not None and not (isinstance(value, ast.Constant) and value.value is None):

                def show(old: str, new: str) -> tuple[str, str]:
                    return f"return {old}", f"return {new}"

                add(value, (*path, ("value", None)), ast.Constant(value=None), "return-none", show)
        elif isinstance(node, ast.Break):
            add(node, path, ast.Continue(), "break-to-continue")
        elif isinstance(node, ast.Continue):
            add(node, path, ast.Break(), "continue-to-break")
        # Conditions: negated as a whole (in addition to the mutants of their parts).
        tests: list[tuple[ast.expr, NodePath, str]] = []
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            kind = {ast.If: "negate-if", ast.While: "negate-while", ast.IfExp: "negate-ternary"}
            tests.append((node.test, (*path, ("test", None)), kind[type(node)]))
        elif isinstance(node, ast.comprehension):
            tests += [(t, (*path, ("ifs", i)), "negate-filter") for i, t in enumerate(node.ifs)]
        for test, test_path, name in tests:
            if self._negatable(test):
                negated = ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(test))
                add(test, test_path, negated, name)

    @staticmethod
    def _group(op: ast.boolop, values: list[ast.expr]) -> ast.expr:
        return values[0] if len(values) == 1 else ast.BoolOp(op=op, values=values)

    @staticmethod
    def _negatable(test: ast.expr) -> bool:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return False  # not-removed covers it
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return not isinstance(test.ops[0], NEGATED_BY_SWAP)  # the swap is the negation
        return not (isinstance(test, ast.Constant) or _is_type_checking(test))

    def _add(
        self,
        target: ast.AST,
        path: NodePath,
        replacement: ast.AST,
        operator: str,
        cover: tuple[int, ...],
        scope: tuple[int, int] | None,
        show: Callable[[str, str], tuple[str, str]],
    ) -> None:
        lineno: int = getattr(target, "lineno", 0)
        if lineno in self.pragma_lines:
            return
        start = self.line_starts[lineno - 1] + getattr(target, "col_offset", 0)
        end = self.line_starts[target.end_lineno - 1] + target.end_col_offset  # type: ignore[attr-defined]
        text = ast.unparse(replacement)
        splice = text if isinstance(replacement, ast.stmt) else f"({text})"
        col = len(self.lines[lineno - 1][: getattr(target, "col_offset", 0)].decode()) + 1
        mutant_id = f"{self.module}:{lineno}:{col}:{operator}"
        old, new = show(_short(self.source[start:end].decode()), _short(text))
        mutant = Mutant(
            id=mutant_id,
            module=self.module,
            line=lineno,
            col=col,
            operator=operator,
            description=f"{self.module.replace('.', '/')}.py:{lineno}  {old}  →  {new}",
            line_text=self.lines[lineno - 1].decode().strip(),
            start=start,
            end=end,
            replacement=splice,
            cover_lines=cover,
            import_scope=scope,
        )
        # The splice must parse to exactly the mutated tree: one change, nothing else.
        expected = copy.deepcopy(self.tree)
        _replace_at(expected, path, replacement)
        try:
            ok = ast.dump(ast.parse(mutant.mutated(self.source))) == ast.dump(expected)
        except SyntaxError:
            ok = False
        if ok:
            self.mutants.append(mutant)
        else:
            self.rejected.append(mutant_id)


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def _replace_at(tree: ast.AST, path: NodePath, replacement: ast.AST) -> None:
    node: Any = tree
    for name, index in path[:-1]:
        node = getattr(node, name) if index is None else getattr(node, name)[index]
    name, index = path[-1]
    if index is None:
        setattr(node, name, replacement)
    else:
        getattr(node, name)[index] = replacement


def module_file(module: str) -> str:
    """`files.io` → `jupyter_wopi/files/io.py`."""
    return f"{PACKAGE}/{module.replace('.', '/')}.py"


def module_of_file(path: Path) -> str:
    """A measured file's dotted module name: the inverse of module_file."""
    parts = path.with_suffix("").parts
    return ".".join(parts[len(parts) - 1 - parts[::-1].index(PACKAGE) + 1 :])


def module_source(module: str) -> bytes:
    path = REPO / module_file(module)
    if not path.is_file():
        fail(f"no module {module_file(module)}")
    return path.read_bytes()


def find_mutants(sources: dict[str, bytes]) -> list[Mutant]:
    mutants: list[Mutant] = []
    for module, source in sources.items():
        finder = MutantFinder(module, source)
        mutants += finder.find()
        for rejected in finder.rejected:
            print(f"mutate: warning: {rejected} skipped (its splice does not parse back)")
    return mutants


# --------------------------------------------------------------------------- equivalents


@dataclass
class Equivalent:
    why: str
    id: str = ""
    module: str = ""
    line: str = ""
    operator: str = ""
    nth: int = 0  # 1-based, among mutants with the same module, line text and operator
    matched: list[str] = field(default_factory=list)

    def label(self) -> str:
        return self.id or f"{self.module}: {self.line!r} {self.operator}"

    def module_name(self) -> str:
        return self.id.partition(":")[0] if self.id else self.module


def load_equivalents(path: Path) -> list[Equivalent]:
    if not path.exists():
        return []
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        fail(f"{path}: {err}")
    entries = []
    for n, raw in enumerate(data.get("equivalent", []), 1):
        try:
            entry = Equivalent(**raw)
        except TypeError as err:
            fail(f"{path}: entry {n}: {err}")
        keyed = entry.id or (entry.module and entry.line and entry.operator)
        if not keyed or not entry.why:
            fail(f"{path}: entry {n} needs `why` and either `id` or `module` + `line` + `operator`")
        entries.append(entry)
    return entries


def match_equivalents(entries: list[Equivalent], mutants: list[Mutant]) -> dict[str, Equivalent]:
    """Mutant id → its entry. Every entry records which mutants it matched."""
    by_key: dict[tuple[str, str, str], list[Mutant]] = {}
    for mutant in mutants:
        by_key.setdefault((mutant.module, mutant.line_text, mutant.operator), []).append(mutant)
    found: dict[str, Equivalent] = {}
    for entry in entries:
        if entry.id:
            hits = [m for m in mutants if m.id == entry.id]
        else:
            hits = by_key.get((entry.module, entry.line.strip(), entry.operator), [])
            if entry.nth:
                hits = hits[entry.nth - 1 : entry.nth]
        entry.matched = [m.id for m in hits]
        for mutant in hits:
            found[mutant.id] = entry
    return found


# --------------------------------------------------------------------------- workers

SITECUSTOMIZE = '''"""Written by tools/mutate.py. Pins jupyter_wopi to this worker's copy, also in
`jupyter server` subprocesses whose PYTHONPATH or working directory puts the checkout first."""

import sys

sys.path.insert(0, {worker!r})
import jupyter_wopi  # noqa: E402, F401  (later sys.path changes cannot swap it any more)
'''


def make_worker(workdir: Path, n: int, sources: dict[str, bytes]) -> Path:
    worker = workdir / f"w{n}"
    shutil.rmtree(worker, ignore_errors=True)
    shutil.copytree(
        REPO / PACKAGE,
        worker / PACKAGE,
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", "labextension"),
    )
    if (REPO / PACKAGE / "labextension").exists():
        (worker / PACKAGE / "labextension").symlink_to(REPO / PACKAGE / "labextension")
    for module, source in sources.items():
        (worker / module_file(module)).write_bytes(source)
    (worker / "sitecustomize.py").write_text(SITECUSTOMIZE.format(worker=str(worker)))
    shutil.copy(PLUGIN_FILE, worker / "mutate_plugin.py")
    return worker


def child_env(worker: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "MUTATE_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(worker), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no stale .pyc of a same-size mutant, no __pycache__
    env["MUTATE_WORKER"] = str(worker)
    env.update(extra)
    return env


def check_worker_imports(worker: Path) -> None:
    """The copy must win in pytest (cwd = the checkout) and in `jupyter server` subprocesses
    (tests/support/server_process.py puts the checkout first on PYTHONPATH)."""
    code = f"import {PACKAGE}.wopi.lock_rules as m; print(m.__file__)"
    for python_path in (str(worker), os.pathsep.join([str(REPO), str(worker)])):
        env = child_env(worker, PYTHONPATH=python_path)
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
        )
        where = Path(out.stdout.strip() or "?").resolve()
        if out.returncode or not where.is_relative_to(worker.resolve()):
            fail(
                f"with PYTHONPATH={python_path} {PACKAGE} is imported from "
                f"{where}, not from the worker copy {worker}:\n{out.stderr}"
            )


# --------------------------------------------------------------------------- running tests


@dataclass
class RunResult:
    returncode: int | None  # None: the wall-clock timeout ended it
    tests: dict[str, dict[str, Any]]
    seconds: float
    log: Path


_running: dict[int, subprocess.Popen[bytes]] = {}
_running_lock = threading.Lock()


def run_pytest(
    worker: Path,
    args: Sequence[str],
    wall_timeout: float | None,
    extra_env: dict[str, str] | None = None,
) -> RunResult:
    result_path = worker / "result.json"
    result_path.unlink(missing_ok=True)
    log_path = worker / "pytest.log"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "mutate_plugin",
        *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
        f"--basetemp={worker / 'tmp'}",
        *args,
    ]
    env = child_env(worker, MUTATE_RESULT=str(result_path), **(extra_env or {}))
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        with _running_lock:
            _running[proc.pid] = proc
        try:
            returncode: int | None = proc.wait(wall_timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            returncode = None
        except BaseException:  # interrupted: take the servers the tests started along
            _kill_group(proc)
            raise
        finally:
            with _running_lock:
                _running.pop(proc.pid, None)
    seconds = time.monotonic() - started
    tests: dict[str, dict[str, Any]] = {}
    if result_path.exists():
        tests = json.loads(result_path.read_text())["tests"]
    return RunResult(returncode, tests, seconds, log_path)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """The test run and every server it started (one process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def kill_all_running() -> None:
    with _running_lock:
        procs = list(_running.values())
    for proc in procs:
        _kill_group(proc)


def _log_tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------- baseline


@dataclass
class Baseline:
    key: str
    seconds: float
    durations: dict[str, float]  # node id → seconds (setup + call + teardown)
    lines: dict[str, dict[int, list[str]]]  # module → line → node ids ("" = import time)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": BASELINE_FORMAT,
            "key": self.key,
            "seconds": self.seconds,
            "durations": self.durations,
            "lines": {m: {str(n): t for n, t in lines.items()} for m, lines in self.lines.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Baseline:
        lines = {m: {int(n): ids for n, ids in v.items()} for m, v in data["lines"].items()}
        return cls(data["key"], data["seconds"], data["durations"], lines)


def _files_under(root: Path, skip: Iterable[Path]) -> Iterator[Path]:
    skipped = [p.resolve() for p in skip]
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if any(path.resolve().is_relative_to(s) for s in skipped):
            continue
        yield path


def baseline_key(modules: Sequence[str]) -> str:
    """Changes with the package, the tests, the pytest config and the plugin."""
    digest = hashlib.sha256(f"{BASELINE_FORMAT} {sorted(modules)}".encode())
    package = _files_under(REPO / PACKAGE, [REPO / PACKAGE / "labextension"])
    tests = _files_under(
        REPO / "tests", [REPO / p for p in EXCLUDED_TESTS] + [REPO / "tests" / "ui"]
    )
    for path in [*package, *tests, REPO / "pyproject.toml", PLUGIN_FILE]:
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


COVERAGE_RC = """\
# Written by tools/mutate.py for its baseline run.
[run]
data_file = {data_file}
parallel = true
# The running test's node id (set by mutate_plugin); static context of server subprocesses.
context = ${{MUTATE_TEST_ID}}
include =
{include}
disable_warnings = no-data-collected, module-not-measured, module-not-imported
"""


def run_baseline(worker: Path, workdir: Path, modules: Sequence[str], key: str) -> Baseline:
    import coverage

    cov_dir = workdir / "coverage"
    shutil.rmtree(cov_dir, ignore_errors=True)
    cov_dir.mkdir(parents=True)
    rcfile = cov_dir / "coveragerc"
    # Every copy of the modules, so that a process that imported the checkout shows up.
    include = "\n".join(f"    */{module_file(m)}" for m in modules)
    rcfile.write_text(COVERAGE_RC.format(data_file=cov_dir / ".coverage", include=include))
    print(f"mutate: baseline: the test suite under coverage (minus {', '.join(EXCLUDED_TESTS)})…")
    ignores = [f"--ignore={p}" for p in EXCLUDED_TESTS]
    run = run_pytest(worker, [*ignores, "tests"], None, {"COVERAGE_PROCESS_START": str(rcfile)})
    failed = [t for t, r in run.tests.items() if r["outcome"] == "failed"]
    if run.returncode != 0 or failed:
        fail(
            f"the unmutated test suite does not pass (pytest exit {run.returncode}; "
            f"failed: {', '.join(failed) or 'none reported'}); fix that first.\n"
            f"{_log_tail(run.log)}\n(log: {run.log})"
        )
    cov = coverage.Coverage(data_file=str(cov_dir / ".coverage"), config_file=str(rcfile))
    cov.combine([str(cov_dir)])
    data = cov.get_data()
    lines: dict[str, dict[int, list[str]]] = {m: {} for m in modules}
    for filename in data.measured_files():
        path = Path(filename)
        if not path.resolve().is_relative_to(worker.resolve()):
            print(f"mutate: WARNING: a test process ran {path}, not the worker's copy")
            continue
        module = module_of_file(path)
        for lineno, contexts in (data.contexts_by_lineno(filename) or {}).items():
            lines[module][lineno] = sorted(set(contexts))
    durations = {t: r["duration"] for t, r in run.tests.items() if r["outcome"] == "passed"}
    print(f"mutate: baseline: {len(durations)} tests passed in {run.seconds:.0f} s")
    return Baseline(key, run.seconds, durations, lines)


def get_baseline(
    worker: Path, workdir: Path, modules: Sequence[str], reuse: bool
) -> tuple[Baseline, bool]:
    path = workdir / "baseline.json"
    key = baseline_key(modules)
    if reuse and path.exists():
        data = json.loads(path.read_text())
        if data.get("format") == BASELINE_FORMAT and data.get("key") == key:
            print(f"mutate: reusing {path}")
            return Baseline.from_json(data), True
        print("mutate: the saved baseline is stale (package, tests or modules changed)")
    baseline = run_baseline(worker, workdir, modules, key)
    path.write_text(json.dumps(baseline.to_json()))
    return baseline, False


def select_tests(mutant: Mutant, baseline: Baseline) -> list[str]:
    """The tests that executed the mutant's statement, fastest first. Code that runs at import
    time (module constants, class bodies, decorators, default values) is judged by the tests
    of the function whose header it is in, or else of the whole module: its own lines' contexts
    only name whichever test happened to import the module first."""
    lines = baseline.lines.get(mutant.module, {})

    def tests_on(numbers: Iterable[int]) -> set[str]:
        return {t for n in numbers for t in lines.get(n, ()) if t != IMPORT_TIME}

    scope = mutant.import_scope
    if scope is None:
        tests = tests_on(mutant.cover_lines)
    elif scope == MODULE_SCOPE:
        tests = tests_on(lines)
    else:
        tests = tests_on(range(scope[0], scope[1] + 1))
    known = {t: baseline.durations[t] for t in tests if t in baseline.durations}
    return sorted(known, key=lambda t: (known[t], t))


# --------------------------------------------------------------------------- the run


class Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def report(self, mutant: Mutant) -> None:
        with self.lock:
            self.done += 1
            elapsed = time.monotonic() - self.started
            eta = elapsed / self.done * (self.total - self.done)
            width = len(str(self.total))
            detail = f"{len(mutant.tests)} tests, {mutant.seconds:.0f}s"
            if mutant.reason:
                detail = f"{mutant.reason}; {detail}"
            print(
                f"[{self.done:>{width}}/{self.total}] {mutant.status:<9}{mutant.description}"
                f"  ({detail})  ETA {_duration(eta)}",
                flush=True,
            )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def run_mutant(
    mutant: Mutant, worker: Path, sources: dict[str, bytes], durations: dict[str, float]
) -> None:
    if not mutant.tests:
        mutant.status, mutant.reason = "survived", "no coverage"
        return
    expected = sum(durations.get(t, 5.0) for t in mutant.tests)
    slowest = max(durations.get(t, 5.0) for t in mutant.tests)
    per_test = max(30, int(5 * slowest + 10))
    target = worker / module_file(mutant.module)
    target.write_bytes(mutant.mutated(sources[mutant.module]))
    try:
        run = run_pytest(worker, ["-x", f"--timeout={per_test}", *mutant.tests], 5 * expected + 30)
    finally:
        target.write_bytes(sources[mutant.module])
    mutant.seconds = run.seconds
    failed = [t for t, r in run.tests.items() if r["outcome"] == "failed"]
    if failed:
        mutant.killed_by = failed[0]
    if run.returncode is None:
        mutant.status, mutant.reason = "timeout", "wall-clock timeout"
    elif failed and run.tests[failed[0]].get("timeout"):
        mutant.status, mutant.reason = "timeout", f"{failed[0]} timed out"
    elif run.returncode == 0:
        mutant.status = "survived"
    elif run.returncode in (1, 2, 3):  # tests failed, or collection / import broke
        mutant.status = "killed"
        if not failed:
            mutant.reason = f"pytest exit {run.returncode}: collection or import failed"
    else:
        mutant.status = "error"
        mutant.reason = f"pytest exit {run.returncode}: {_log_tail(run.log, 3)}"


def run_all(
    mutants: list[Mutant], workers: list[Path], sources: dict[str, bytes], baseline: Baseline
) -> None:
    todo: queue.Queue[Mutant] = queue.Queue()
    for mutant in mutants:
        todo.put(mutant)
    progress = Progress(len(mutants))
    stop = threading.Event()

    def loop(worker: Path) -> None:
        while not stop.is_set():
            try:
                mutant = todo.get_nowait()
            except queue.Empty:
                return
            run_mutant(mutant, worker, sources, baseline.durations)
            if not stop.is_set():
                progress.report(mutant)

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        stop.set()
        raise


# --------------------------------------------------------------------------- reporting

COUNTED = ("killed", "timeout", "survived", "equivalent", "error")


def summarize(mutants: list[Mutant]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Mutant]] = {}
    for mutant in mutants:
        groups.setdefault(mutant.module, []).append(mutant)
    groups["total"] = mutants
    summary: dict[str, dict[str, Any]] = {}
    for name, group in groups.items():
        row: dict[str, Any] = {"mutants": len(group)}
        for status in COUNTED:
            row[status] = sum(m.status == status for m in group)
        caught = row["killed"] + row["timeout"]
        scored = len(group) - row["equivalent"]
        row["score"] = round(100 * caught / scored, 1) if scored else 100.0
        row["raw_score"] = round(100 * caught / len(group), 1) if group else 100.0
        summary[name] = row
    return summary


def print_report(
    mutants: list[Mutant], summary: dict[str, dict[str, Any]], entries: list[Equivalent]
) -> None:
    header = ["module", "mutants", "killed", "timeout", "survived", "equiv", "score", "raw"]
    if any(row["error"] for row in summary.values()):
        header.insert(6, "error")
    print("\n" + "  ".join(f"{h:>8}" if i else f"{h:<10}" for i, h in enumerate(header)))
    for name, row in summary.items():
        cells = [row["mutants"], row["killed"], row["timeout"], row["survived"], row["equivalent"]]
        if "error" in header:
            cells.append(row["error"])
        cells += [f"{row['score']:.1f}%", f"{row['raw_score']:.1f}%"]
        print(f"{name:<10}  " + "  ".join(f"{c:>8}" for c in cells))
    survivors = [m for m in mutants if m.status in ("survived", "error")]
    if survivors:
        print(f"\nSurvivors ({len(survivors)}):")
        for m in survivors:
            why = f"; {m.reason}" if m.reason else ""
            print(f"  {m.id}  [{len(m.tests)} tests{why}]\n      {m.description}")
    equivalents = [m for m in mutants if m.status == "equivalent"]
    if equivalents:
        print(f"\nEquivalent ({len(equivalents)}):")
        for m in equivalents:
            print(f"  {m.id}  {m.description}\n      {m.reason}")
    for entry in entries:
        if not entry.matched:
            print(f"mutate: warning: stale equivalent (matches no mutant): {entry.label()}")


def write_json(
    path: Path,
    mutants: list[Mutant],
    summary: dict[str, dict[str, Any]],
    entries: list[Equivalent],
    info: dict[str, Any],
) -> None:
    skip = {"start", "end", "replacement", "cover_lines", "import_scope"}
    report = {
        **info,
        "summary": summary,
        "mutants": [
            {k: v for k, v in vars(m).items() if k not in skip} | {"tests": len(m.tests)}
            for m in mutants
        ],
        "stale_equivalents": [e.label() for e in entries if not e.matched],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tools/mutate.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="NAME",
        help=f"also mutate this module of {PACKAGE}, dotted, e.g. files.index "
        f"(default: {' '.join(DEFAULT_MODULES)})",
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--show", metavar="ID", help="print one mutant as a unified diff")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ID",
        help="run only these mutants (ids or shell patterns such as 'locks:*')",
    )
    parser.add_argument(
        "--tests",
        action="append",
        default=[],
        metavar="NODEID",
        help="run mutants against these pytest node ids or paths instead of the tests the "
        "baseline selects (no baseline run; e.g. a new test meant to kill a mutant)",
    )
    parser.add_argument(
        "--reuse-baseline",
        action="store_true",
        help="reuse the saved baseline when the package, tests and modules are unchanged",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO / ".cache" / "mutation",
        help="worker copies, baseline and report (default .cache/mutation)",
    )
    parser.add_argument(
        "--equivalents", type=Path, default=EQUIVALENTS_FILE, metavar="TOML", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--min-score", type=float, default=90.0, help="per module, in %% (default 90)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    modules = list(dict.fromkeys([*DEFAULT_MODULES, *args.module]))
    sources = {m: module_source(m) for m in modules}
    mutants = find_mutants(sources)

    if args.list:
        for m in mutants:
            print(f"{m.id:<44} {m.description}")
        counts = {mod: sum(m.module == mod for m in mutants) for mod in modules}
        print(f"{len(mutants)} mutants: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    if args.show:
        shown = [m for m in mutants if m.id == args.show]
        if not shown:
            print(f"mutate: no mutant {args.show} (see --list)", file=sys.stderr)
            return 2
        m = shown[0]
        name = module_file(m.module)
        before = sources[m.module].decode().splitlines(keepends=True)
        after = m.mutated(sources[m.module]).decode().splitlines(keepends=True)
        print(m.description)
        sys.stdout.writelines(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
        return 0

    try:
        import coverage  # noqa: F401
    except ImportError:
        print("mutate: coverage is not installed: pip install coverage", file=sys.stderr)
        return 2
    # Entries of modules this run does not mutate (--module ones) are neither used nor stale.
    entries = [e for e in load_equivalents(args.equivalents) if e.module_name() in modules]
    equivalents = match_equivalents(entries, mutants)
    selected = mutants
    if args.only:
        selected = [m for m in mutants if any(fnmatch.fnmatchcase(m.id, p) for p in args.only)]
        if not selected:
            print(f"mutate: no mutant matches {' '.join(args.only)}", file=sys.stderr)
            return 2

    started = time.monotonic()
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    workers = [make_worker(workdir, n, sources) for n in range(1, max(1, args.jobs) + 1)]
    check_worker_imports(workers[0])
    if args.tests:
        check = run_pytest(workers[0], args.tests, None)
        if check.returncode != 0:
            print(f"mutate: --tests fail unmutated:\n{_log_tail(check.log)}", file=sys.stderr)
            return 2
        durations = {t: r["duration"] for t, r in check.tests.items()}
        baseline = Baseline("", check.seconds, durations, {})
        reused = False
        for m in selected:
            m.tests = sorted(durations, key=lambda t: durations[t])
    else:
        baseline, reused = get_baseline(workers[0], workdir, modules, args.reuse_baseline)
        for m in selected:
            m.tests = select_tests(m, baseline)
    print(f"mutate: {len(selected)} mutants, {args.jobs} jobs")
    run_all(selected, workers, sources, baseline)

    for m in selected:
        entry = equivalents.get(m.id)
        if entry and m.status == "survived":
            m.status, m.reason = "equivalent", entry.why
        elif entry and m.status in ("killed", "timeout"):
            print(f"mutate: warning: {m.id} is listed as equivalent but was {m.status}")
    summary = summarize(selected)
    print_report(selected, summary, entries)
    wall = time.monotonic() - started
    info = {
        "modules": modules,
        "only": args.only,
        "tests": args.tests,
        "jobs": args.jobs,
        "wall_seconds": round(wall, 1),
        "baseline_seconds": round(baseline.seconds, 1),
        "baseline_reused": reused,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    for path in {workdir / "report.json", *([args.json] if args.json else [])}:
        write_json(path, selected, summary, entries, info)
    first = "unmutated run of --tests" if args.tests else "baseline"
    print(
        f"\nmutate: {_duration(wall)} in all ({first} {_duration(baseline.seconds)}"
        f"{', reused' if reused else ''}); report: {workdir / 'report.json'}"
    )
    if args.only or args.tests:
        return 0 if all(m.status in ("killed", "timeout", "equivalent") for m in selected) else 1
    modules_ok = all(row["score"] >= args.min_score for row in summary.values())
    return 0 if modules_ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all_running()
        sys.exit("mutate: interrupted (the checkout was never written to)")
