"""Remember django-tables2's per-function signatures instead of recomputing them per cell.

django-tables2 (3.0) calls `inspect.signature` for every cell it renders through a
`render_*` method or a callable (25 rows × 9 columns: about 30 ms a page on this machine). A
function's signature never changes, so it is computed once per function. Bound methods are
keyed by their function (and the fact that they are bound: `self` is then left out).
"""

from collections.abc import Callable
from typing import Any

import django_tables2.utils as tables2_utils

_original = tables2_utils.signature
_cache: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}
_LIMIT = 4096  # partials and lambdas made per request are new objects: keep the cache bounded


def signature(fn: Callable) -> tuple[tuple[str, ...], str | None]:
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _cache[key]
    except (KeyError, TypeError):  # TypeError: an unhashable callable
        result = _original(fn)
    try:
        if len(_cache) >= _LIMIT:
            _cache.clear()
        _cache[key] = result
    except TypeError:
        pass
    return result


def install() -> None:
    tables2_utils.signature = signature
