"""The JSON shapes the server sends the lab are declared twice: as TypedDicts
(jupyter_wopi/wire.py) and as TypeScript interfaces (labextension/src/wire.ts). Their field
names must match, so neither side adds, drops or renames a field alone."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from jupyter_wopi import wire

WIRE_TS = Path(__file__).resolve().parents[2] / "labextension" / "src" / "wire.ts"

# TypedDict → the TypeScript interface declaring the same shape
COUNTERPARTS = {
    "SessionResponse": "ISessionResponse",
    "LockJson": "ILockInfo",
    "LockedFileJson": "ILockedFile",
    "SaveJson": "ISaveRecord",
    "ConflictJson": "IConflictEvent",
    "CopyJson": "ISavedCopy",
    "FileStatusJson": "IFileStatus",
    "ConnectionCheck": "IConnectionCheck",
    "ConnectionReport": "IConnectionReport",
    "AddressJson": "IAddress",
    "ConnectionSettings": "IConnectionSettings",
    "VersionJson": "IVersion",
    "VersionListJson": "IVersionList",
    "RestoreJson": "IRestoreResult",
    "ImageUrlJson": "IImageUrl",
    "WorkspaceImageJson": "IWorkspaceImage",
    "ImageListJson": "IImageList",
}
INTERFACE = re.compile(r"^export interface (\w+)(?: extends ([\w, ]+))? \{$")
FIELD = re.compile(r"^\s*(?:readonly\s+)?(\w+)\??:")


def interfaces(source: str) -> dict[str, set[str]]:
    """Each exported interface's field names, inherited ones included (top level only)."""
    found: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    current, depth = "", 0
    for line in source.splitlines():
        if not current:
            match = INTERFACE.match(line)
            if match:
                current, depth = match.group(1), 1
                found[current] = set()
                bases[current] = [b.strip() for b in (match.group(2) or "").split(",") if b]
            continue
        if depth == 1 and (field := FIELD.match(line)):
            found[current].add(field.group(1))
        depth += line.count("{") - line.count("}")
        if depth == 0:
            current = ""

    def with_bases(name: str) -> set[str]:
        return found[name].union(*(with_bases(base) for base in bases[name] if base in found))

    return {name: with_bases(name) for name in found}


def typed_dicts() -> dict[str, set[str]]:
    return {
        name: set(value.__annotations__)
        | set().union(*(getattr(base, "__annotations__", {}) for base in value.__mro__[1:]))
        for name, value in vars(wire).items()
        if typing.is_typeddict(value) and not name.startswith("_") and name != "StoredLockJson"
    }


@pytest.fixture(scope="module")
def declared() -> dict[str, set[str]]:
    if not WIRE_TS.exists():
        pytest.fail(f"{WIRE_TS} is missing: the lab's declarations of the wire shapes")
    return interfaces(WIRE_TS.read_text(encoding="utf-8"))


def test_every_shape_the_server_sends_has_its_typescript_counterpart() -> None:
    assert set(typed_dicts()) == set(COUNTERPARTS)


@pytest.mark.parametrize("python_name", sorted(COUNTERPARTS))
def test_both_sides_name_the_same_fields(python_name: str, declared: dict[str, set[str]]) -> None:
    ts_name = COUNTERPARTS[python_name]
    assert ts_name in declared, f"labextension/src/wire.ts declares no {ts_name}"
    server = typed_dicts()[python_name]
    lab = declared[ts_name]
    assert (sorted(server - lab), sorted(lab - server)) == ([], []), (
        f"{python_name} (server) and {ts_name} (lab) differ: "
        f"only the server sends {sorted(server - lab)}, only the lab reads {sorted(lab - server)}"
    )


def test_the_parser_reads_inherited_and_optional_fields_but_not_nested_ones() -> None:
    source = """export interface IBase {
  readonly a: string;
  readonly b?: number | null;
}
export interface IChild extends IBase {
  readonly c: readonly {
    readonly nested: string;
  }[];
  d: boolean;
}
"""
    assert interfaces(source) == {"IBase": {"a", "b"}, "IChild": {"a", "b", "c", "d"}}
