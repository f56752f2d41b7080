"""Services and selectors, and the permission checks and guards they ask, name the types of
the people and records they take (issue 16): a user, a facility or a request is never `Any`
there, and mypy's `disallow_untyped_defs` (pyproject.toml) keeps every function of the
services and selectors annotated."""

import ast
from pathlib import Path

from .test_direction import APPS, ROOT

# Parameters that hold a user, a facility, a position or a request, by the names the code uses.
DOMAIN_PARAMETERS = {
    "user",
    "actor",
    "facility",
    "position",
    "chief",
    "person",
    "reclassification",
    "r",
    "appeal",
}


# Services and selectors, and what they ask before acting: the permission predicates, the
# workflow's guards, the appeal table and the request's analysis.
CHECKED_MODULES = {
    "services",
    "selectors",
    "appeal_services",
    "permissions",
    "guards",
    "appeal_workflow",
    "analysis",
}


def service_and_selector_modules(root: Path) -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            parts = path.relative_to(root / app).with_suffix("").parts
            if any(p in CHECKED_MODULES for p in parts):
                found.append(path)
    return found


def _mentions_any(annotation: ast.expr | None) -> bool:
    """Whether `Any` is the annotation or one of its parts (`Position | Any | None`)."""
    return any(
        (isinstance(n, ast.Name) and n.id == "Any")
        or (isinstance(n, ast.Attribute) and n.attr == "Any")
        for n in ast.walk(annotation or ast.Constant(None))
    )


def untyped_domain_parameters(root: Path) -> list[str]:
    found = []
    for path in service_and_selector_modules(root):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg not in DOMAIN_PARAMETERS:
                    continue
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if not annotation or _mentions_any(arg.annotation):
                    where = f"{path.relative_to(root)}:{node.lineno} {node.name}({arg.arg})"
                    found.append(f"{where}: {annotation or 'no type'}")
    return found


def test_services_and_selectors_type_their_domain_parameters():
    assert untyped_domain_parameters(ROOT) == []


def test_the_check_finds_any_and_missing_types(tmp_path):
    (tmp_path / "facilities" / "services").mkdir(parents=True)
    (tmp_path / "facilities" / "services" / "things.py").write_text(
        "from typing import Any\n"
        "def a(user: Any, n: Any) -> None: ...\n"
        "def b(*, facility) -> None: ...\n"
        "def c(user: 'User', r: ReclassificationRequest) -> None: ...\n"
        "def d(chief: Position | Any | None, position: typing.Any) -> None: ...\n"
    )
    (tmp_path / "facilities" / "views.py").write_text("def v(user): ...\n")
    assert untyped_domain_parameters(tmp_path) == [
        "facilities/services/things.py:2 a(user): Any",
        "facilities/services/things.py:3 b(facility): no type",
        "facilities/services/things.py:5 d(chief): Position | Any | None",
        "facilities/services/things.py:5 d(position): typing.Any",
    ]
