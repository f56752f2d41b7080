"""Plumbing every app shares and that knows no app's data: the append-only hash-chained audit
base, search helpers and widgets, spreadsheet exports, checks of uploaded archives, the
trusted-proxy client address, and the table-rendering speed-up. Nothing here imports an app
(tests/architecture/test_direction.py)."""
