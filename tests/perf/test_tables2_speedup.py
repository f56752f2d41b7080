"""The cached django-tables2 signature gives the same answer as the original."""

import functools

import django_tables2.utils as tables2_utils

from common import tables2_speedup


class Example:
    def render_x(self, value, record):
        return value

    def render_kw(self, value, **kwargs):
        return value


def plain(a, *args, b=1, **rest):
    return a


def test_installed():
    assert tables2_utils.signature is tables2_speedup.signature


def test_same_answers_as_the_original_twice():
    callables = [
        Example().render_x,
        Example().render_kw,
        Example.render_x,
        plain,
        functools.partial(plain, 1),
        lambda record: record,
    ]
    for fn in callables * 2:
        assert tables2_speedup.signature(fn) == tables2_speedup._original(fn)
    assert tables2_speedup.signature(Example().render_x) == (("value", "record"), None)
