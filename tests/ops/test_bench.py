"""`make bench` (scripts/bench.py): its page table names real pages, and its report replaces only
its own section of docs/benchmarks.md. (The load run itself needs wrk and minutes: `make bench`.)"""

import pytest
from django.urls import Resolver404, resolve

from scripts import bench
from scripts.bench_pages import CEILING, PAGES, PARAMS, Page
from scripts.harness import SIGN_IN_USERS


def test_every_bench_page_is_a_page_of_the_site():
    for page in PAGES:
        path = page.path.format(**dict.fromkeys(PARAMS, "1")).split("?")[0]
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{page.name}: {path} is not a URL of the site")
        assert page.role == "anonymous" or page.role in SIGN_IN_USERS, page


def test_the_ceiling_is_measured_first_and_needs_sign_in():
    assert PAGES[0].name == CEILING and PAGES[0].role != "anonymous"
    assert len({page.name for page in PAGES}) == len(PAGES)


def test_the_report_replaces_only_its_own_section(tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\n## Pages\n\nold figures\n\n## Bulk data\n\nkept\n")
    result = bench.Result(
        Page(CEILING, "/bench/ping", "analyst"), "/bench/ping", 3, 1.0, 2.0, 500, 0, 1.0
    )
    bench.write_section(
        output, bench.report([result], seconds=1, connections=8, server="PostgreSQL")
    )
    text = output.read_text()
    assert "old figures" not in text
    assert "## Bulk data\n\nkept" in text
    assert "### Every page built by its view" in text
    assert (
        "| trivial signed-in view | analyst | `/bench/ping` | 3 | 1.0 | 2.0 | 500 | 1.00 | 0 |"
        in text
    )
    assert "`nproc`" in text and "free -h" in text


def test_bench_refuses_without_postgresql(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "mysql://him:him@127.0.0.1/him")
    assert bench.main() == 1
    assert "not PostgreSQL" in capsys.readouterr().err
