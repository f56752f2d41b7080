"""Minimum-qualification rules (candidates.qualifications).

Pure tests: no database, no Django. Expectations follow DOMAIN.md's "Minimum qualifications"
table, its Interpretations and its FTE-day arithmetic; worked numbers are computed by hand in
comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candidates.qualifications import (
    REQUIREMENTS,
    Credential,
    Evaluation,
    Experience,
    Projection,
    evaluate,
    first_qualifying_date,
    fte_days,
)
from classification.standard import CLAUSES, INTERPRETATIONS, STANDARD_ID, TITLES

T1, T2, AD1, AD2, AD3 = (t.code for t in TITLES)
AS_OF = date(2025, 6, 1)
FRESH = AS_OF - timedelta(days=10)  # a verification well inside 120 days


def cred(
    kind: str = "RHIT",
    awarded: date = date(2020, 1, 1),
    status: str = "active",
    valid_through: date | None = None,
    verified: date | None = FRESH,
) -> Credential:
    return Credential(
        kind=kind,
        awarded_on=awarded,
        status=status,
        valid_through=valid_through,
        verified_on=verified,
    )


def full_time(start: date, end: date | None = None, hours: float = 37.5) -> Experience:
    return Experience(start=start, end=end, hours_per_week=hours)


def run(
    title: str,
    creds: list[Credential],
    spells: Sequence[Experience] = (),
    degree: date | None = None,
    as_of: date = AS_OF,
    **kw: Any,
) -> Evaluation:
    return evaluate(
        title, credentials=creds, experience=spells, degree_date=degree, as_of=as_of, **kw
    )


def text(result: Evaluation) -> str:
    return " ".join(result.reasons)


# --- DOMAIN.md's worked example ---------------------------------------------------------------


def test_domain_worked_example_technician_2() -> None:
    """The public API example: qualified for Technician 2.

    Window starts at the RHIT award, 2023-01-10; the one full-time spell 2023-02-01..2024-06-30
    lies inside it. Days, both ends included: 2023-02-01..2024-01-31 = 365 (2023 not leap),
    then Feb 2024 (29, leap) + Mar 31 + Apr 30 + May 31 + Jun 30 = 151, so 516 FTE days >= 365.
    Verified 2025-05-01, 31 days before 2025-06-01 (<= 120): verified, so "qualified".
    """
    r = evaluate(
        "3616120",
        credentials=[
            Credential(
                kind="RHIT",
                awarded_on=date(2023, 1, 10),
                status="active",
                valid_through=None,
                verified_on=date(2025, 5, 1),
            )
        ],
        experience=[
            Experience(start=date(2023, 2, 1), end=date(2024, 6, 30), hours_per_week=37.5, him=True)
        ],
        degree_date=None,
        as_of=date(2025, 6, 1),
        verification_max_age_days=120,
        rhia_satisfies_rhit=False,
    )
    assert r.outcome == "qualified"
    assert r.fte_days == 516 and r.days_needed == 365 and r.path == "RHIT"
    assert "516.0 FTE days of the 365 needed" in text(r)
    assert "31 days before 2025-06-01" in text(r)
    assert r.reasons[0].startswith("Health Information Management Technician 2 requires:")
    assert CLAUSES["mq-tech-2"].text in r.reasons[0]
    assert r.clauses == ("mq-tech-2",) and r.standard == STANDARD_ID
    assert r.reasons[-1].startswith("Qualified for Health Information Management Technician 2")


# --- The minimum-qualifications table, row by row ---------------------------------------------

ONE_YEAR = [full_time(date(2020, 1, 1), date(2020, 12, 30))]  # 2020 is leap: 365 days
ALMOST = [full_time(date(2020, 1, 1), date(2020, 12, 29))]  # 364 days
TWO_YEARS = [full_time(date(2020, 1, 1), date(2021, 12, 30))]  # 366 + 364 = 730 days
RHIT, RHIA = cred("RHIT"), cred("RHIA")


@pytest.mark.parametrize(
    ("title", "creds", "spells", "outcome"),
    [
        (T1, [RHIT], [], "qualified"),
        (T1, [], [], "not_qualified"),
        (T2, [RHIT], ONE_YEAR, "qualified"),
        (T2, [RHIT], ALMOST, "not_qualified"),
        (T2, [RHIT], [], "not_qualified"),
        (AD1, [RHIA], [], "qualified"),
        (AD2, [RHIA], ONE_YEAR, "qualified"),
        (AD2, [RHIA], ALMOST, "not_qualified"),
        (AD2, [RHIT], ONE_YEAR, "not_qualified"),
        (AD3, [RHIA], TWO_YEARS, "qualified"),
        (AD3, [RHIA], [full_time(date(2020, 1, 1), date(2021, 12, 29))], "not_qualified"),
        (AD3, [RHIA], ONE_YEAR, "not_qualified"),
    ],
)
def test_table_rows(
    title: str, creds: list[Credential], spells: list[Experience], outcome: str
) -> None:
    """Each row of DOMAIN.md's table, met and not met by one day."""
    r = run(title, creds, spells)
    assert r.outcome == outcome
    assert r.reasons and r.clauses and r.interpretations is not None


def test_administrator_1_by_rhit_and_two_years_after_degree() -> None:
    """Admin 1's RHIT path: 730 FTE days counted from the college degree, not the award."""
    degree = date(2020, 1, 1)
    rhit = cred("RHIT", awarded=date(2021, 6, 1))  # awarded after most of the experience
    r = run(AD1, [rhit], TWO_YEARS, degree=degree)
    assert r.outcome == "qualified" and r.path == "RHIT" and r.fte_days == 730
    assert {"rhit-names", "admin1-experience", "fte-days"} <= set(r.interpretations)
    assert "Interpretation admin1-experience" in text(r)
    assert "Registered Health Information Management Technician" in text(r)
    assert "no RHIA (or RRA) credential on record" in text(r)
    # Experience before the degree does not count (window starts at the degree date).
    late = run(AD1, [rhit], TWO_YEARS, degree=date(2020, 1, 2))
    assert late.outcome == "not_qualified" and late.fte_days == 729


def test_administrator_1_rhit_path_without_degree_date_fails_clearly() -> None:
    """No degree date: the RHIT path cannot count its post-college experience."""
    r = run(AD1, [RHIT], TWO_YEARS, degree=None)
    assert r.outcome == "not_qualified"
    assert "no college degree date is recorded" in text(r)
    assert r.attempts[-1].window_start is None and r.attempts[-1].fte_days is None


def test_administrator_1_picks_the_best_path() -> None:
    """Unverified RHIA and fully qualified RHIT path: qualified by the RHIT path."""
    rhia = cred("RHIA", verified=None)
    r = run(AD1, [rhia, RHIT], TWO_YEARS, degree=date(2020, 1, 1))
    assert (r.outcome, r.path) == ("qualified", "RHIT")
    assert [a.outcome for a in r.attempts] == ["unverified", "qualified"]
    only_rhia = run(AD1, [rhia], [], degree=None)
    assert (only_rhia.outcome, only_rhia.path) == ("unverified", "RHIA")


def test_administrator_1_does_not_use_rhia_for_its_rhit_path() -> None:
    """The RHIA-for-RHIT setting is for Technicians; Admin 1 RHIA meets the RHIA path itself."""
    r = run(AD1, [RHIA], [], rhia_satisfies_rhit=True)
    assert [(a.path, a.credential) for a in r.attempts] == [("RHIA", RHIA), ("RHIT", None)]


# --- Current certification --------------------------------------------------------------------


@pytest.mark.parametrize("status", ["inactive", "revoked"])
def test_inactive_and_revoked_are_not_current(status: str) -> None:
    """Only AHIMA status `active` is current."""
    r = run(T1, [cred(status=status)])
    assert r.outcome == "not_qualified"
    assert f"status {status}" in text(r)
    assert not r.attempts[0].current


def test_awarded_after_as_of_is_not_current() -> None:
    """A credential awarded after the as-of date is not current on it; on the day it is."""
    assert run(T1, [cred(awarded=AS_OF + timedelta(days=1))]).outcome == "not_qualified"
    assert "awarded after 2025-06-01" in text(run(T1, [cred(awarded=AS_OF + timedelta(1))]))
    assert run(T1, [cred(awarded=AS_OF)]).outcome == "qualified"


def test_valid_through_boundary() -> None:
    """valid_through on the as-of date is current; the day before is not."""
    assert run(T1, [cred(valid_through=AS_OF)]).outcome == "qualified"
    assert "valid through 2025-06-01" in text(run(T1, [cred(valid_through=AS_OF)]))
    expired = run(T1, [cred(valid_through=AS_OF - timedelta(days=1))])
    assert expired.outcome == "not_qualified"
    assert "was valid through 2025-05-31" in text(expired)
    assert not cred(valid_through=AS_OF - timedelta(days=1)).is_current(AS_OF)


# --- Verification -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "outcome", "words"),
    [
        (AS_OF, "qualified", "0 days before"),
        (AS_OF - timedelta(days=120), "qualified", "within the 120 days allowed"),
        (AS_OF - timedelta(days=121), "unverified", "older than the 120 days allowed"),
        (AS_OF + timedelta(days=1), "unverified", "after 2025-06-01"),
        (None, "unverified", "never been verified"),
    ],
)
def test_verification_age(verified: date | None, outcome: str, words: str) -> None:
    """Exactly 120 days old is fine, 121 is stale; a verification after as-of cannot vouch."""
    r = run(T1, [cred(verified=verified)])
    assert r.outcome == outcome
    assert words in text(r)
    if outcome == "unverified":
        assert r.reasons[-1].startswith("Unverified: meets")


def test_verification_age_is_a_setting() -> None:
    """Callers pass the verification age in."""
    old = cred(verified=AS_OF - timedelta(days=200))
    assert run(T1, [old], verification_max_age_days=200).outcome == "qualified"
    assert run(T1, [old], verification_max_age_days=199).outcome == "unverified"


def test_unverified_but_short_of_experience_is_not_qualified() -> None:
    """Unverified applies only to someone who meets the rule on paper."""
    r = run(T2, [cred(verified=None)], ALMOST)
    assert r.outcome == "not_qualified"
    assert "never been verified" in text(r) and "short by 1.0" in text(r)


def test_qualified_credential_beats_an_unverified_one() -> None:
    """Two RHITs: the verified one qualifies."""
    r = run(T1, [cred(verified=None), cred(awarded=date(2019, 1, 1))])
    assert r.outcome == "qualified" and r.credential == cred(awarded=date(2019, 1, 1))


# --- Former names and the RHIA-for-RHIT setting -----------------------------------------------


@pytest.mark.parametrize(
    ("title", "old", "new", "spells"),
    [
        (T1, "ART", "RHIT", []),
        (T2, "ART", "RHIT", ONE_YEAR),
        (AD1, "RRA", "RHIA", []),
        (AD2, "RRA", "RHIA", ONE_YEAR),
        (AD3, "RRA", "RHIA", TWO_YEARS),
    ],
)
def test_former_names_count_as_the_same_credential(
    title: str, old: str, new: str, spells: list[Experience]
) -> None:
    """ART = RHIT and RRA = RHIA (Interpretation rhit-names)."""
    r = run(title, [cred(old)], spells)
    assert r.outcome == run(title, [cred(new)], spells).outcome == "qualified"
    assert "rhit-names" in r.interpretations
    assert f"{old} is AHIMA's former name for {new}" in text(r)
    assert cred(old).family == new


@pytest.mark.parametrize("title", [T1, T2])
def test_rhia_alone_for_a_technician(title: str) -> None:
    """Off by default: an RHIA alone does not meet a Technician title; on: it does."""
    rhia = cred("RRA") if title == T1 else RHIA
    off = run(title, [rhia], ONE_YEAR)
    assert off.outcome == "not_qualified"
    assert "rhia-not-rhit" in off.interpretations
    assert "setting that accepts RHIA for RHIT is off" in text(off)
    on = run(title, [rhia], ONE_YEAR, rhia_satisfies_rhit=True)
    assert on.outcome == "qualified"
    assert "rhia-not-rhit" in on.interpretations
    assert "setting that accepts RHIA for RHIT is on" in text(on)


def test_technician_2_with_rhia_counts_from_the_rhia_award() -> None:
    """With the setting on, Technician 2's window starts at the RHIA award date."""
    rhia = cred("RHIA", awarded=date(2020, 1, 2))
    r = run(T2, [rhia], ONE_YEAR, rhia_satisfies_rhit=True)  # 2020-01-01 is before the award
    assert r.outcome == "not_qualified" and r.fte_days == 364
    assert r.attempts[0].window_start == date(2020, 1, 2)


def test_rhit_alone_never_mentions_the_rhia_setting() -> None:
    """No RHIA on record, nothing to say about the RHIA setting."""
    assert "rhia-not-rhit" not in run(T1, [RHIT]).interpretations


# --- FTE arithmetic ---------------------------------------------------------------------------


def fte(spells: list[Experience], start: date, end: date) -> Fraction:
    return fte_days(spells, window_start=start, as_of=end)


JAN1, DEC31 = date(2023, 1, 1), date(2023, 12, 31)


@pytest.mark.parametrize(
    ("spells", "expected"),
    [
        ([full_time(date(2023, 3, 1), date(2023, 3, 1))], 1),  # both ends included
        ([full_time(date(2023, 3, 1), date(2023, 3, 31))], 31),
        (
            [
                full_time(date(2023, 3, 1), date(2023, 3, 31)),
                full_time(date(2023, 3, 15), date(2023, 4, 10)),
            ],
            41,
        ),  # overlap counted once
        ([full_time(date(2023, 3, 1), date(2023, 3, 10), 18.75)], 5),  # half time
        (
            [
                full_time(date(2023, 3, 1), date(2023, 3, 10), 30),
                full_time(date(2023, 3, 1), date(2023, 3, 10), 30),
            ],
            10,
        ),  # 60 h capped at 1/day
        (
            [
                full_time(date(2023, 3, 1), date(2023, 3, 10), 20),
                full_time(date(2023, 3, 1), date(2023, 3, 10), 10),
            ],
            8,
        ),  # 30/37.5 = 0.8
        ([Experience(date(2023, 3, 1), date(2023, 3, 10), 37.5, him=False)], 0),  # not HIM
        (
            [
                full_time(date(2023, 3, 1), date(2023, 3, 10), 20),
                Experience(date(2023, 3, 1), date(2023, 3, 10), 37.5, him=False),
            ],
            Fraction(160, 30),
        ),  # non-HIM hours never top up HIM hours
        ([full_time(date(2022, 12, 1), date(2023, 1, 10))], 10),  # before the window
        ([full_time(date(2022, 1, 1), date(2022, 12, 31))], 0),  # wholly before it
        ([full_time(date(2023, 12, 20), date(2024, 1, 10))], 12),  # past as-of
        ([full_time(date(2024, 1, 1))], 0),  # starts after as-of
        ([full_time(date(2023, 12, 30))], 2),  # open spell ends at as-of
        ([full_time(date(2021, 1, 1))], 365),
        ([Experience(date(2023, 1, 1), None, Decimal("7.5"))], 73),
        ([Experience(date(2023, 1, 1), None, Fraction(75, 4))], Fraction(365, 2)),
        ([Experience(date(2023, 1, 1), None, 15)], 146),
        ([Experience(date(2023, 1, 1), date(2023, 1, 3), 12.3)], Fraction(369, 375)),
        ([], 0),
    ],
)
def test_fte_arithmetic(spells: list[Experience], expected: Fraction) -> None:
    """Per day min(1, HIM hours / 37.5), window 2023-01-01..2023-12-31 inclusive."""
    assert fte(spells, JAN1, DEC31) == expected


def test_fte_leap_year_and_window_after_as_of() -> None:
    """2024 has 366 days; a window starting after as-of counts nothing."""
    assert (
        fte([full_time(date(2024, 1, 1), date(2024, 12, 31))], date(2024, 1, 1), date(2024, 12, 31))
        == 366
    )
    assert fte([full_time(date(2024, 2, 28), date(2024, 3, 1))], JAN1, date(2025, 1, 1)) == 3
    assert fte([full_time(JAN1)], date(2024, 1, 1), DEC31) == 0


def test_window_starts_at_award_date_inclusive() -> None:
    """The award date itself counts; the day before does not."""
    r = run(
        T2, [cred(awarded=date(2020, 1, 1))], [full_time(date(2019, 12, 31), date(2020, 12, 30))]
    )
    assert r.fte_days == 365 and r.outcome == "qualified"


def test_reasons_never_round_up_to_met() -> None:
    """364.96 FTE days shows as 364.9 and short by 0.1, never as 365.0."""
    spells = [
        full_time(date(2020, 1, 1), date(2020, 12, 29)),  # 364 days (2020 is leap)
        Experience(date(2020, 12, 30), date(2020, 12, 30), 36),
    ]
    r = run(T2, [RHIT], spells)
    assert r.fte_days == 364 + Fraction(24, 25)  # 36 / 37.5 = 0.96
    assert r.outcome == "not_qualified"
    assert "364.9 FTE days" in text(r) and "short by 0.1" in text(r)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Experience(date(2023, 2, 1), date(2023, 1, 31)), "ends .* before it starts"),
        (lambda: Experience(JAN1, None, 0), "more than 0 and at most 80"),
        (lambda: Experience(JAN1, None, -5), "more than 0 and at most 80"),
        (lambda: Experience(JAN1, None, 80.01), "more than 0 and at most 80"),
        (lambda: Experience(JAN1, None, float("nan")), "more than 0 and at most 80"),
        (lambda: Experience(JAN1, None, Decimal("NaN")), "more than 0 and at most 80"),
        (lambda: Experience(JAN1, None, True), "must be a number"),
        (lambda: Experience(JAN1, None, "37.5"), "must be a number"),
        (lambda: Experience(JAN1, None, 37.5, him="yes"), "him must be True or False"),
        (lambda: Experience(datetime(2023, 1, 1), None), "Experience.start must be a date"),
        (lambda: Experience(JAN1, "2023-02-01"), "Experience.end must be a date or None"),
        (lambda: cred("CCS"), "Unknown credential kind 'CCS'.*RHIT, ART, RHIA, RRA"),
        (lambda: cred("rhit"), "Unknown credential kind"),
        (lambda: cred(status="expired"), "Unknown credential status 'expired'"),
        (lambda: Credential("RHIT", "2020-01-01", "active"), "awarded_on must be a date"),
        (lambda: cred(verified=datetime(2025, 1, 1)), "verified_on must be a date or None"),
        (lambda: run("3616999", [RHIT]), "Unknown title code '3616999'"),
        (lambda: run(T1, [RHIT], as_of=None), "as_of must be a date"),
        (lambda: run(T1, [RHIT], degree="2020"), "degree_date must be a date or None"),
        (lambda: run(T1, ["RHIT"]), "credentials must be Credential"),
        (lambda: run(T1, [RHIT], [(JAN1, None)]), "experience must be Experience"),
        (lambda: run(T1, [RHIT], verification_max_age_days=-1), "whole number >= 0"),
        (lambda: run(T1, [RHIT], verification_max_age_days=True), "whole number >= 0"),
    ],
)
def test_bad_input_is_refused_with_an_actionable_message(make: object, message: str) -> None:
    """Every mistake raises ValueError naming the field and what to do."""
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_edge_values_are_accepted() -> None:
    """80 hours, a one-day spell and an int are fine; floats read as the decimal shown."""
    assert Experience(JAN1, JAN1, 80).hours == 80
    assert Experience(JAN1, None, 0.1).hours == Fraction(1, 10)


# --- First qualifying date --------------------------------------------------------------------


def project(
    title: str,
    creds: list[Credential],
    spells: Sequence[Experience] = (),
    degree: date | None = None,
    as_of: date = AS_OF,
    **kw: Any,
) -> Projection:
    return first_qualifying_date(
        title, credentials=creds, experience=spells, degree_date=degree, as_of=as_of, **kw
    )


def test_first_date_when_already_met() -> None:
    """Already met on paper: the as-of date itself."""
    p = project(T1, [RHIT])
    assert p.first_date == AS_OF and p.path == "RHIT" and p.credential == RHIT
    assert p.reasons[0].startswith("Already meets Technician 1 on paper on 2025-06-01")


def test_first_date_projects_open_spells() -> None:
    """RHIT awarded 2025-01-01, full time since then, open: 365th FTE day is 2025-12-31."""
    rhit = cred(awarded=date(2025, 1, 1))
    p = project(T2, [rhit], [full_time(date(2025, 1, 1))])
    assert p.first_date == date(2025, 12, 31)
    assert "Meets Technician 2 on 2025-12-31 if the open spells continue" in p.reasons[0]
    assert run(T2, [rhit], [full_time(date(2025, 1, 1))], as_of=date(2025, 12, 30)).outcome == (
        "not_qualified"
    )
    half = project(T2, [rhit], [full_time(date(2025, 1, 1), hours=18.75)])
    assert half.first_date == date(2025, 1, 1) + timedelta(days=729)


def test_first_date_counts_closed_spells_to_their_end_only() -> None:
    """A closed spell ending after as-of counts to its end; then the open part-time one carries."""
    rhit = cred(awarded=date(2025, 1, 1))
    spells = [
        full_time(date(2025, 1, 1), date(2025, 6, 30)),  # 181 days
        full_time(date(2025, 7, 1), None, 18.75),
    ]
    # 184 more FTE days needed at 0.5 a day: 368 days from 2025-07-01 -> 2026-07-03.
    p = project(T2, [rhit], spells, as_of=date(2025, 3, 1))
    assert p.first_date == date(2026, 7, 3)


def test_first_date_award_after_as_of() -> None:
    """A credential awarded later is current from its award date."""
    p = project(T1, [cred(awarded=date(2025, 9, 1))])
    assert p.first_date == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("creds", "spells", "degree", "title", "words"),
    [
        ([], [], None, T1, "no RHIT credential on record"),
        ([cred(status="revoked")], [], None, T1, "status revoked"),
        ([RHIT], [full_time(date(2020, 1, 1), date(2020, 6, 1))], None, T2, "no open HIM spell"),
        ([RHIT], [full_time(date(2024, 1, 1))], None, AD1, "no college degree date"),
        (
            [cred(valid_through=date(2025, 12, 31))],
            [full_time(date(2025, 6, 1))],
            None,
            T2,
            "valid only through 2025-12-31",
        ),
        ([cred(valid_through=date(2025, 5, 31))], [], None, T1, "valid only through"),
    ],
)
def test_first_date_none_when_experience_alone_cannot(
    creds: list[Credential], spells: list[Experience], degree: date | None, title: str, words: str
) -> None:
    """None, with the reason for each path."""
    p = project(title, creds, spells, degree=degree, as_of=AS_OF)
    assert p.first_date is None and p.path is None
    assert p.reasons[0].startswith("Cannot meet")
    assert words in " ".join(p.reasons)


def test_first_date_takes_the_earliest_path() -> None:
    """Admin 1: RHIA path today beats the RHIT path later; and beyond the calendar is None."""
    p = project(AD1, [RHIT, RHIA], [full_time(date(2025, 1, 1))], degree=date(2025, 1, 1))
    assert (p.first_date, p.path) == (AS_OF, "RHIA")
    later = project(
        AD1,
        [RHIT, cred("RHIA", awarded=date(2030, 1, 1))],
        [full_time(date(2025, 1, 1))],
        degree=date(2025, 1, 1),
    )
    assert (later.first_date, later.path) == (date(2026, 12, 31), "RHIT")
    end = date(9999, 12, 1)
    edge = project(T2, [cred(awarded=end)], [full_time(end)], as_of=end)
    assert edge.first_date is None and "last date of the calendar" in edge.reasons[-1]


# --- Properties -------------------------------------------------------------------------------

BASE = date(2020, 1, 1)
days = st.integers(min_value=0, max_value=1_500)
hours = st.sampled_from([37.5, 18.75, 20, 10, 40, 80, 0.5, 12.3])


@st.composite
def spells_strategy(draw: st.DrawFn) -> list[Experience]:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        start = BASE + timedelta(days=draw(days))
        length = draw(st.none() | st.integers(0, 800))
        end = None if length is None else start + timedelta(days=length)
        out.append(Experience(start, end, draw(hours), draw(st.booleans() | st.just(True))))
    return out


@st.composite
def creds_strategy(draw: st.DrawFn) -> list[Credential]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        awarded = BASE + timedelta(days=draw(st.integers(-400, 1_500)))
        through = draw(st.none() | st.integers(-100, 2_500))
        verified = draw(st.none() | st.integers(-100, 2_500))
        out.append(
            Credential(
                draw(st.sampled_from(["RHIT", "RHIA", "ART", "RRA"])),
                awarded,
                draw(st.sampled_from(["active", "active", "inactive", "revoked"])),
                None if through is None else BASE + timedelta(days=through),
                None if verified is None else BASE + timedelta(days=verified),
            )
        )
    return out


inputs = {
    "title": st.sampled_from([t.code for t in TITLES]),
    "creds": creds_strategy(),
    "spells": spells_strategy(),
    "degree": st.none() | days.map(lambda d: BASE + timedelta(days=d - 500)),
    "as_of": days.map(lambda d: BASE + timedelta(days=d)),
    "rhia_ok": st.booleans(),
}


@settings(max_examples=300)
@given(**inputs)
def test_every_input_gives_one_outcome_with_reasons(
    title: str,
    creds: list[Credential],
    spells: list[Experience],
    degree: date | None,
    as_of: date,
    rhia_ok: bool,
) -> None:
    """Exactly one outcome, at least one reason, known interpretations, consistent attempts."""
    r = run(title, creds, spells, degree=degree, as_of=as_of, rhia_satisfies_rhit=rhia_ok)
    assert r.outcome in {"qualified", "unverified", "not_qualified"}
    assert len(r.reasons) >= 2 and all(r.reasons)
    assert set(r.interpretations) <= set(INTERPRETATIONS)
    best = max({"not_qualified": 0, "unverified": 1, "qualified": 2}[a.outcome] for a in r.attempts)
    assert ["not_qualified", "unverified", "qualified"][best] == r.outcome
    assert len(r.attempts) >= len(REQUIREMENTS[title])


@given(spells=spells_strategy(), start=days, span=st.integers(-10, 1_200))
def test_fte_total_never_exceeds_days_in_window(
    spells: list[Experience], start: int, span: int
) -> None:
    """0 <= FTE <= days in the window, and equal to a day-by-day count."""
    ws = BASE + timedelta(days=start)
    as_of = ws + timedelta(days=span)
    total = fte(spells, ws, as_of)
    assert 0 <= total <= max(0, span + 1)
    brute = Fraction(0)
    day = ws
    while day <= as_of:
        h = sum(
            (
                s.hours
                for s in spells
                if s.him and s.start <= day and (s.end is None or day <= s.end)
            ),
            Fraction(0),
        )
        brute += min(Fraction(1), h / Fraction(75, 2))
        day += timedelta(days=1)
    assert total == brute


@settings(max_examples=300)
@given(**inputs)
def test_first_qualifying_date_is_really_the_first(
    title: str,
    creds: list[Credential],
    spells: list[Experience],
    degree: date | None,
    as_of: date,
    rhia_ok: bool,
) -> None:
    """On the date the title is met on paper; the day before (if after as-of) it is not."""
    kw = {"rhia_satisfies_rhit": rhia_ok}
    p = project(title, creds, spells, degree=degree, as_of=as_of, **kw)
    assert p.reasons
    if p.first_date is None:
        for later in (as_of, as_of + timedelta(days=400), as_of + timedelta(days=3_000)):
            assert run(title, creds, spells, degree=degree, as_of=later, **kw).outcome == (
                "not_qualified"
            )
        return
    assert p.first_date >= as_of
    assert run(title, creds, spells, degree=degree, as_of=p.first_date, **kw).outcome != (
        "not_qualified"
    )
    if p.first_date > as_of:
        before = p.first_date - timedelta(days=1)
        assert run(title, creds, spells, degree=degree, as_of=before, **kw).outcome == (
            "not_qualified"
        )
