"""Display helpers: FTE days never rounded up; hours without trailing zeros. No database."""

from decimal import Decimal
from fractions import Fraction

import pytest

from candidates.templatetags.candidates_tags import fte, hours


@pytest.mark.parametrize(
    ("days", "shown"),
    [(Fraction(3649, 10), "364.9"), (Fraction(36499, 100), "364.9"), (365, "365.0"),
     (Fraction(1, 3), "0.3"), (None, "—"), (1234.56, "1,234.5")],
)  # fmt: skip
def test_fte(days, shown):
    assert fte(days) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("37.50"), "37.5"), (Decimal("20.00"), "20"), (Decimal("12.25"), "12.25"),
     (80, "80"), (None, "")],
)  # fmt: skip
def test_hours(value, shown):
    assert hours(value) == shown
