"""Pure helpers: fiscal years, spreadsheet escaping, chart geometry. No database."""

from datetime import date

import pytest

from common.exports import spreadsheet_safe
from facilities.charts import count_panels
from facilities.models import current_fiscal_year


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2026, 12, 31), 2026)],
)
def test_current_fiscal_year_starts_april_1(today, year):
    assert current_fiscal_year(today) == year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Kirby", "Kirby"),
        (250_000, 250_000),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_chart_bars_sit_on_the_baseline_and_thresholds_are_ordered():
    individuals, activities = count_panels(
        [("SFY 2023-24", 2_900, 240_000, True), ("SFY 2024-25", 3_100, 260_000, False)]
    )
    for bar in individuals.bars + activities.bars:
        assert bar.y + bar.height == pytest.approx(individuals.baseline, abs=0.2)
    low, high = individuals.thresholds
    assert (low.label, high.label) == ("3,000", "7,000")
    assert high.y < low.y  # higher values are drawn higher up
    assert individuals.bars[1].height > individuals.bars[0].height
    assert [b.accepted for b in activities.bars] == [True, False]
    assert [t.label for t in activities.thresholds] == ["250,000"]
