"""No module of the apps or of `common` passes 400 lines (migrations aside): past that, split it
into a package by the thing its parts change or hold (docs/architecture.md, "Inside an app")."""

from pathlib import Path

from .test_direction import PACKAGES, ROOT

LIMIT = 400


def oversized(root: Path) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > LIMIT:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_no_module_passes_the_limit():
    assert oversized(ROOT) == [], f"modules over {LIMIT} lines (split them):"


def test_the_check_counts_lines_and_skips_migrations(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "big.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "common" / "small.py").write_text("x = 1\n" * LIMIT)
    (tmp_path / "facilities" / "migrations").mkdir(parents=True)
    (tmp_path / "facilities" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    assert oversized(tmp_path) == [f"common/big.py: {LIMIT + 1} lines"]
