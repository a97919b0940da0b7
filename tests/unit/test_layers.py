"""The package's layers (docs/contributor.md, "The map of jupyter_wopi/"): each part imports
only from the parts listed for it, so no import runs back up and nothing but the team
service's own entry point reaches into team/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "jupyter_wopi"

# part → the parts it may import (its own modules always)
BASE = {"errors", "wire"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "wire": set(),
    "document": {"figures"},
    "figures": set(),
    "wopi": {"errors"},
    "state": {"errors", "wopi"},
    "files": {"errors", "wopi", "state"},
    "onlyoffice": BASE | {"wopi"},
    "host": BASE | {"wopi", "state", "files", "onlyoffice"},
    "lab": BASE | {"wopi", "state", "files", "onlyoffice", "host"},
    "handlers": BASE | {"wopi", "state", "files", "onlyoffice", "host", "lab"},
    "team": BASE
    | {"wopi", "state", "files", "onlyoffice", "host", "handlers", "settings"}
    | {"__init__"},  # the version
    "settings": BASE | {"wopi", "state", "files", "onlyoffice", "host"},
    "app": BASE | {"wopi", "state", "files", "onlyoffice", "host", "lab", "handlers", "settings"},
    "cli": {"team", "errors"},
    "__init__": {"document", "app", "_version"},
}


def part_of(module: str) -> str:
    """`jupyter_wopi.files.index` → `files`."""
    return module.split(".")[1] if "." in module else "__init__"


def is_module(package: str, name: str) -> bool:
    """Whether `from package import name` imports a module (else a name defined there)."""
    folder = PACKAGE.joinpath(*package.split(".")[1:], name)
    return folder.with_suffix(".py").exists() or (folder / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """The package's modules `path` imports (absolute names)."""
    module = "jupyter_wopi." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            modules = [
                f"{target}.{alias.name}" for alias in node.names if is_module(target, alias.name)
            ]
            found.update(n for n in [target, *modules] if n.startswith("jupyter_wopi"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("jupyter_wopi."))
    return found


def test_every_part_imports_only_the_parts_beneath_it() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "labextension" in path.parts:
            continue
        part = part_of("jupyter_wopi." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        for target in imports_of(path):
            other = part_of(target)
            if other != part and other not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert wrong == [], "imports that run against the layers:\n" + "\n".join(wrong)


def test_every_part_of_the_package_has_its_layer() -> None:
    parts = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.name != "_version.py"
    }
    assert parts - ALLOWED.keys() == set()
