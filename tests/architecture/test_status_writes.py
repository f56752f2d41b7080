"""A request's `status` is written in one place, the transition function, and an appeal's in
its own (docs/conventions.md).

Every assignment to an attribute named `status`, and every `status=` handed to a create,
update or model constructor, in the classification app is found by reading the code; each must
be one of the places below. A new one fails this test with its file, function and line.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (file, function): why it may write a status.
ALLOWED = {
    ("classification/services/transitions.py", "_transition"): "the one transition path",
    (
        "classification/services/drafts.py",
        "create_reclassification",
    ): "a new request starts as a draft",
    ("classification/services/transitions.py", "record_event"): "a status spell row (derived data)",
    ("classification/appeal_services.py", "_appeal_transition"): "an appeal's one transition path",
    ("classification/bulk/plan.py", "_as_employee_request"): "bulk rows planned as services would",
    ("classification/management/commands/benchmark_reports.py", "_seed"): "benchmark rows",
}
WRITING_CALLS = {"create", "update", "update_or_create", "get_or_create", "ReclassificationRequest"}


def status_writes(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every status write in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if isinstance(child, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Attribute) and part.attr == "status":
                            found.append((name, child.lineno))
            if isinstance(child, ast.Call):
                callee = child.func
                called = (
                    callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
                )
                if called in WRITING_CALLS and any(k.arg == "status" for k in child.keywords):
                    found.append((name, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def offending(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "classification").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = str(path.relative_to(root))
        for function, line in status_writes(path):
            if (relative, function) in ALLOWED or (relative, "*") in ALLOWED:
                continue
            problems.append(f"{relative}:{line} in {function}()")
    return problems


def test_status_is_written_only_by_the_transition_function():
    assert offending(ROOT) == [], "status written outside the transition function"


def test_the_check_finds_each_kind_of_write(tmp_path):
    app = tmp_path / "classification"
    app.mkdir()
    (app / "views.py").write_text(
        "def a(r):\n    r.status = 'approved'\n"
        "def b(qs):\n    qs.update(status='denied')\n"
        "def c():\n    ReclassificationRequest(status='new')\n"
        "def d(r):\n    r.title = 'x'\n"
    )
    assert offending(tmp_path) == [
        "classification/views.py:2 in a()",
        "classification/views.py:4 in b()",
        "classification/views.py:6 in c()",
    ]
