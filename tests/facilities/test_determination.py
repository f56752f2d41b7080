"""The determination: which year decides, which level, confirmed or watch. No database."""

import pytest

from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3
from facilities.selectors import determine, drift_direction


def test_ddsoo_uses_the_latest_accepted_year_and_says_so():
    d = determine("ddsoo", [(2023, 2_500, 200_000), (2024, 4_000, 200_000)])
    assert d.title_code == ADMINISTRATOR_2
    assert d.year == 2024
    assert d.basis == "counts"
    assert "SFY 2024-25" in d.basis_text
    assert d.trend_state == "watch"  # 2023 gave Administrator 1


def test_two_consecutive_years_agreeing_confirm():
    d = determine("ddsoo", [(2023, 7_100, 1), (2024, 7_200, 1)])
    assert (d.title_code, d.trend_state) == (ADMINISTRATOR_3, "confirmed")


def test_exactly_250000_with_fewer_than_3000_needs_review():
    d = determine("ddsoo", [(2024, 2_000, 250_000)])
    assert d.title_code == ADMINISTRATOR_1
    assert d.needs_review is True


def test_ddsoo_without_accepted_counts_gets_no_level():
    d = determine("ddsoo", [])
    assert d.title_code is None
    assert d.needs_review is True
    assert d.trend_state == "no_data"


@pytest.mark.parametrize(
    ("facility_type", "code"),
    [
        ("doccs_rmu", ADMINISTRATOR_1),
        ("childrens_pc_colocated", ADMINISTRATOR_1),
        ("childrens_pc_freestanding", ADMINISTRATOR_2),
        ("adult_pc_freestanding", ADMINISTRATOR_3),
        ("forensic_pc_freestanding", ADMINISTRATOR_3),
        ("rehabilitation_hospital", ADMINISTRATOR_3),
        ("other", None),
    ],
)
def test_other_types_are_decided_by_type_not_counts(facility_type, code):
    d = determine(facility_type, [(2024, 9_999, 999_999)])
    assert d.title_code == code
    assert d.year is None
    assert d.trend is None


@pytest.mark.parametrize(
    ("warranted", "chief", "expected"),
    [
        (ADMINISTRATOR_3, ADMINISTRATOR_2, "up"),
        (ADMINISTRATOR_1, ADMINISTRATOR_2, "down"),
        (ADMINISTRATOR_2, ADMINISTRATOR_2, None),
        (None, ADMINISTRATOR_2, None),
        (ADMINISTRATOR_2, None, None),
    ],
)
def test_drift_direction(warranted, chief, expected):
    assert drift_direction(warranted, chief) == expected
