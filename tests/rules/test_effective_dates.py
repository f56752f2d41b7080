"""The bounds of an effective date (classification.effective_dates). Pure: no database."""

from datetime import date

import pytest

from classification.effective_dates import effective_date_problems, latest_allowed, long_date

TODAY = date(2026, 12, 3)
SUBMITTED = date(2026, 11, 20)
LATEST = date(2020, 4, 1)


def problems(day, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("latest_change_on", LATEST)
    kwargs.setdefault("submitted_on", SUBMITTED)
    return " ".join(effective_date_problems(day, **kwargs))


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 1, 1), date(2020, 3, 31)])
def test_never_before_the_latest_title_change(day):
    text = problems(day, retroactive_reason="Worked in the title since then.")
    assert "last changed on Apr 1, 2020" in text and "on or after that day" in text


def test_before_the_submission_needs_a_reason():
    assert "Reason for a retroactive date" in problems(date(2026, 10, 1))
    assert problems(date(2026, 10, 1), retroactive_reason="Duties assigned in October.") == ""
    assert problems(date(2026, 10, 1), retroactive_reason="   ") != ""
    assert problems(SUBMITTED) == ""


def test_a_draft_may_ask_for_an_earlier_date():
    assert problems(date(2026, 10, 1), submitted_on=None) == ""


@pytest.mark.parametrize(
    ("day", "ok"),
    [(date(2027, 12, 3), True), (date(2027, 12, 4), False), (date(9999, 12, 31), False)],
)
def test_at_most_a_year_ahead(day, ok):
    text = problems(day)
    assert (text == "") is ok
    if not ok:
        assert "at most a year ahead: Dec 3, 2027 or earlier" in text


def test_a_year_from_february_29():
    assert latest_allowed(date(2028, 2, 29)) == date(2029, 2, 28)


def test_no_history_no_lower_bound_but_the_submission():
    assert problems(date(2026, 11, 20), latest_change_on=None) == ""


def test_long_date():
    assert long_date(date(2027, 1, 7)) == "Jan 7, 2027"
