"""The apps import in one direction: facilities ← candidates ← classification.

The pure rules (`classification.allocation`, `classification.effective_dates`, `classification.standard`,
`candidates.qualifications`) are leaves anyone may import, and they import no app and no
Django. `common` (shared plumbing) may be imported by every app and imports none. Every import counts, at the top of a module or inside a function (docs/architecture.md).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("facilities", "candidates", "classification")
PACKAGES = ("common", *APPS)
RULES = (
    "classification.allocation",
    "classification.effective_dates",
    "classification.standard",
    "candidates.qualifications",
)
# What each app may import besides itself and the rules.
MAY_IMPORT = {
    "common": set(),
    "facilities": {"common"},
    "candidates": {"common", "facilities"},
    "classification": {"common", *APPS},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name not in PACKAGES:  # `from classification import standard` is about `standard`
                found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def is_rule(module: str) -> bool:
    return any(module == rule or module.startswith(rule + ".") for rule in RULES)


def app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def source_files():
    for app in PACKAGES:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def forbidden(module: str, name: str) -> bool:
    """Whether `module` (dotted) may not import `name`."""
    own, target = app_of(module), app_of(name)
    if target is None:
        return False
    if is_rule(module):  # the rules import only each other
        return not is_rule(name)
    if own == "common":  # plumbing knows no app, not even the rules
        return target != own
    return target != own and not is_rule(name) and target not in MAY_IMPORT[own]


def violations(path: Path) -> list[str]:
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    first_per_line: dict[int, str] = {}
    for line, name in imported_modules(path):
        if forbidden(module, name):
            first_per_line.setdefault(line, name)
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}" for line, name in first_per_line.items()
    ]


def test_no_app_imports_upward():
    found = [v for path in source_files() for v in violations(path)]
    assert found == [], "upward imports (docs/architecture.md):\n" + "\n".join(found)


def test_rules_import_no_django():
    for rule in RULES:
        base = ROOT / rule.replace(".", "/")  # a module, or a package of them
        paths = sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
        for path in paths:
            names = [name for _, name in imported_modules(path)]
            assert not [n for n in names if n.split(".")[0] == "django"], path


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("facilities/x.py", "from classification.models import Position", True),
        ("facilities/x.py", "def f():\n    from candidates import models", True),
        ("facilities/x.py", "from classification import standard", False),
        ("facilities/x.py", "from classification.allocation import sfy_label", False),
        ("candidates/x.py", "from facilities.models import Facility", False),
        ("candidates/x.py", "import classification.services", True),
        ("classification/x.py", "from candidates.models import Person", False),
        ("classification/standard.py", "from classification.models import Title", True),
        ("candidates/qualifications.py", "from classification.standard import TITLES", False),
        ("candidates/qualifications.py", "from . import models", True),
        ("common/x.py", "from classification.standard import TITLES", True),
        ("common/x.py", "from .search import as_id", False),
        ("facilities/x.py", "from common.audit import AuditChained", False),
    ],
)
def test_the_check_sees_each_kind_of_import(tmp_path, monkeypatch, module, source, expected):
    path = ROOT / module
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: source)
    assert bool(violations(path)) is expected
