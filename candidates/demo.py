"""Demo data for `seed_demo` (idempotent)."""


def seed(stdout) -> None:
    """Nothing yet: later features add their demo data here."""
