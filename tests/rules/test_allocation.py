"""Allocation rules (classification.allocation) and the standard's constants.

Pure tests: no database, no Django. Every expectation comes from DOMAIN.md's tables and
Interpretations, and every quoted word is checked against the standard's own text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classification import standard
from classification.allocation import (
    Allocation,
    allocate,
    compare_levels,
    confirm_trend,
    sfy_label,
    threshold_distances,
    title_rank,
)
from classification.standard import (
    ADMINISTRATOR_1 as A1,
)
from classification.standard import (
    ADMINISTRATOR_2 as A2,
)
from classification.standard import (
    ADMINISTRATOR_3 as A3,
)
from classification.standard import (
    CLAUSES,
    FACILITY_TYPES,
    INTERPRETATIONS,
    PHRASES,
    STANDARD_ID,
    TITLES,
)

# The repository keeps a verbatim copy of the published standard; shared/ beside the checkout,
# where present, holds the product owner's copy, which the repository's must equal.
STANDARD_NAME = "him-3616110-standard-2021-09.md"
REPO = Path(__file__).resolve().parents[2]
STANDARD_FILE = REPO / "docs" / "standard" / STANDARD_NAME
SHARED_STANDARD_FILE = REPO.parent / "shared" / "standard" / STANDARD_NAME


def ddsoo(i: int | None, a: int | None) -> Allocation:
    return allocate("ddsoo", individuals_served=i, records_activities=a)


def quoted(phrase_id: str) -> str:
    return f'"{PHRASES[phrase_id].text}"'


# --- The standard as constants ----------------------------------------------------------------


def test_every_clause_is_the_standards_own_words() -> None:
    """Each clause text is copied verbatim from the standard file."""
    text = STANDARD_FILE.read_text()
    if SHARED_STANDARD_FILE.exists():
        assert SHARED_STANDARD_FILE.read_text() == text, "docs/standard differs from shared/"
    for anchor, clause in CLAUSES.items():
        assert clause.text in text, anchor


def test_every_phrase_lies_inside_its_clause() -> None:
    """Phrases that reasons quote are verbatim parts of the clause they cite."""
    for phrase_id, phrase in PHRASES.items():
        assert phrase.text in CLAUSES[phrase.clause].text, phrase_id


def test_clauses_cover_every_dc_and_mq_paragraph() -> None:
    """Five Distinguishing Characteristics and five Minimum Qualifications paragraphs."""
    assert [a for a in CLAUSES if a.startswith("dc-")] == [
        "dc-tech-1",
        "dc-tech-2",
        "dc-admin-1",
        "dc-admin-2",
        "dc-admin-3",
    ]
    assert [a for a in CLAUSES if a.startswith("mq-")] == [
        "mq-tech-1",
        "mq-tech-2",
        "mq-admin-1",
        "mq-admin-2",
        "mq-admin-3",
    ]
    for code, anchor in standard.MQ_CLAUSE_FOR_TITLE.items():
        assert standard.title_for(code).name in CLAUSES[anchor].heading


def test_title_series_matches_domain() -> None:
    """The five titles, codes and grades of DOMAIN.md, lowest first."""
    assert [(t.code, t.name, t.grade, t.short_name) for t in TITLES] == [
        ("3616110", "Health Information Management Technician 1", 13, "Technician 1"),
        ("3616120", "Health Information Management Technician 2", 15, "Technician 2"),
        ("3616510", "Health Information Management Administrator 1", 17, "Administrator 1"),
        ("3616520", "Health Information Management Administrator 2", 19, "Administrator 2"),
        ("3616530", "Health Information Management Administrator 3", 22, "Administrator 3"),
    ]
    assert standard.STANDARD_ID == "3616110, 9/2021"
    assert (standard.STANDARD_CODE, standard.STANDARD_DATE) == ("3616110", "9/2021")
    assert [t.is_technician for t in TITLES] == [True, True, False, False, False]


def test_facility_type_keys_match_domain() -> None:
    """The eight keys of the public rules API, in DOMAIN.md's order."""
    assert list(FACILITY_TYPES) == [
        "doccs_rmu",
        "childrens_pc_colocated",
        "childrens_pc_freestanding",
        "adult_pc_freestanding",
        "forensic_pc_freestanding",
        "rehabilitation_hospital",
        "ddsoo",
        "other",
    ]


def test_title_helpers() -> None:
    """Ranks follow the series; compare_levels puts None lowest; unknown codes fail clearly."""
    assert [title_rank(t.code) for t in TITLES] == [0, 1, 2, 3, 4]
    assert compare_levels(A3, A2) == 1
    assert compare_levels(A1, A2) == -1
    assert compare_levels(A2, A2) == 0
    assert compare_levels(None, A1) == -1
    assert compare_levels(None, None) == 0
    for bad in ("9999999", "", None, 3616110):
        with pytest.raises(ValueError, match="Unknown title code"):
            standard.title_for(bad)  # type: ignore[arg-type]


# --- DOMAIN.md's DDSOO table, row by row ------------------------------------------------------

DDSOO_ROWS = [
    # (I, A, level, needs review, phrase the first reason quotes)
    (7_000, 0, A3, False, "a3-7000"),
    (7_000, 250_000, A3, False, "a3-7000"),
    (12_345, 9_999_999, A3, False, "a3-7000"),
    (3_000, 250_001, A3, False, "a3-and"),
    (6_999, 250_001, A3, False, "a3-and"),
    (4_200, 260_000, A3, False, "a3-and"),
    (3_000, 250_000, A2, False, "a2-between"),
    (6_999, 0, A2, False, "a2-between"),
    (5_000, 249_999, A2, False, "a2-between"),
    (2_999, 250_001, A2, False, "a2-more"),
    (0, 1_000_000, A2, False, "a2-more"),
    (2_999, 249_999, A1, False, "a1-ddsoo"),
    (0, 0, A1, False, "a1-ddsoo"),
    (2_999, 250_000, A1, True, "a1-ddsoo"),
    (0, 250_000, A1, True, "a1-ddsoo"),
]


@pytest.mark.parametrize(("i", "a", "level", "review", "phrase"), DDSOO_ROWS)
def test_ddsoo_rows(i: int, a: int, level: str, review: bool, phrase: str) -> None:
    """Every row of the DDSOO table gives its level and quotes its clause."""
    result = ddsoo(i, a)
    assert (result.title_code, result.needs_review) == (level, review)
    assert quoted(phrase) in result.reasons[0]
    assert f"{i:,} individuals" in result.reasons[0]
    assert result.standard == STANDARD_ID
    assert result.title is not None and result.title.code == level
    assert (result.individuals_served, result.records_activities) == (i, a)


@pytest.mark.parametrize(
    ("i", "a", "level", "review"),
    [
        (2_999, 100_000, A1, False),
        (3_000, 100_000, A2, False),
        (6_999, 100_000, A2, False),
        (7_000, 100_000, A3, False),
        (1_000, 249_999, A1, False),
        (1_000, 250_000, A1, True),
        (1_000, 250_001, A2, False),
        (5_000, 249_999, A2, False),
        (5_000, 250_000, A2, False),
        (5_000, 250_001, A3, False),
        (8_000, 249_999, A3, False),
        (8_000, 250_000, A3, False),
        (8_000, 250_001, A3, False),
    ],
)
def test_ddsoo_boundaries(i: int, a: int, level: str, review: bool) -> None:
    """2,999/3,000, 6,999/7,000 and 249,999/250,000/250,001 on each side."""
    result = ddsoo(i, a)
    assert (result.title_code, result.needs_review) == (level, review)


def test_overlap_names_both_clauses() -> None:
    """Interpretation overlap: A2 either/or and A3 "and" both match; A3 wins, both named."""
    result = ddsoo(4_200, 260_000)
    assert result.title_code == A3
    assert result.clauses == ("dc-admin-3", "dc-admin-2")
    assert "overlap" in result.interpretations
    text = " ".join(result.reasons)
    assert quoted("a3-and") in text
    assert quoted("a2-between") in text and quoted("a2-more") in text
    assert "Interpretation overlap" in text


def test_overlap_with_7000_quotes_both_a3_alternatives() -> None:
    """7,000+ individuals and >250,000 activities: both A3 alternatives and A2's "more"."""
    result = ddsoo(7_500, 300_000)
    assert quoted("a3-and") in result.reasons[0] and quoted("a3-7000") in result.reasons[0]
    assert result.interpretations == ("overlap",)
    assert quoted("a2-more") in result.reasons[1]


def test_no_overlap_when_only_a3_matches() -> None:
    """7,000+ individuals with 250,000 or fewer activities: A2 does not match at all."""
    result = ddsoo(7_000, 250_000)
    assert result.clauses == ("dc-admin-3",)
    assert result.interpretations == ()


def test_gap_proposes_administrator_1_and_needs_review() -> None:
    """Interpretation gap: exactly 250,000 with fewer than 3,000 individuals matches nothing."""
    result = ddsoo(2_999, 250_000)
    assert (result.title_code, result.needs_review) == (A1, True)
    assert result.interpretations == ("gap",)
    assert result.clauses == ("dc-admin-1", "dc-admin-2", "dc-admin-3")
    text = result.reasons[0]
    assert "no clause of the standard matches" in text
    assert "Interpretation gap" in text
    for phrase in ("a1-ddsoo", "a2-more", "a3-and"):
        assert quoted(phrase) in text


@pytest.mark.parametrize(("i", "level"), [(3_000, A2), (6_999, A2), (4_000, A2)])
def test_between_is_inclusive(i: int, level: str) -> None:
    """Interpretation between-inclusive: 3,000 and 6,999 are "between 3,000 and 6,999"."""
    result = ddsoo(i, 1)
    assert result.title_code == level
    assert "between-inclusive" in result.interpretations
    assert any("Interpretation between-inclusive" in r for r in result.reasons)


def test_between_not_cited_outside_the_range() -> None:
    """2,999 and 7,000 individuals do not use the "between" reading."""
    assert "between-inclusive" not in ddsoo(2_999, 1).interpretations
    assert "between-inclusive" not in ddsoo(7_000, 1).interpretations


@pytest.mark.parametrize(("i", "a"), [(None, None), (None, 100), (100, None)])
def test_ddsoo_without_counts_needs_review(i: int | None, a: int | None) -> None:
    """A DDSOO without (both) counts gets no automatic level and says so."""
    result = ddsoo(i, a)
    assert (result.title_code, result.needs_review) == (None, True)
    assert result.interpretations == ("ddsoo-without-counts",)
    assert "not reported" in result.reasons[0]
    assert result.title is None
    assert result.clauses == ()


FIXED = [
    ("doccs_rmu", A1, "a1-rmu"),
    ("childrens_pc_colocated", A1, "a1-colocated"),
    ("childrens_pc_freestanding", A2, "a2-freestanding-children"),
    ("adult_pc_freestanding", A3, "a3-adult-forensic-rehab"),
    ("forensic_pc_freestanding", A3, "a3-adult-forensic-rehab"),
    ("rehabilitation_hospital", A3, "a3-adult-forensic-rehab"),
]


@pytest.mark.parametrize(("kind", "level", "phrase"), FIXED)
def test_fixed_types_get_their_level_whatever_the_counts(
    kind: str, level: str, phrase: str
) -> None:
    """Counts decide only DDSOOs: other types keep their level and show counts as information."""
    plain = allocate(kind, individuals_served=None, records_activities=None)
    assert (plain.title_code, plain.needs_review) == (level, False)
    assert quoted(phrase) in plain.reasons[0]
    assert plain.clauses == (PHRASES[phrase].clause,)
    assert plain.interpretations == ()
    for i, a in [(0, 0), (50_000, 5_000_000), (None, 1), (2_999, 250_000)]:
        counted = allocate(kind, individuals_served=i, records_activities=a)
        assert (counted.title_code, counted.needs_review) == (level, False)
        assert counted.interpretations == ("counts-only-ddsoo",)
        assert "information only" in counted.reasons[-1]


def test_other_type_gets_no_level() -> None:
    """A facility of type `other` needs review and an analyst decides."""
    result = allocate("other", individuals_served=None, records_activities=None)
    assert (result.title_code, result.needs_review) == (None, True)
    assert result.interpretations == ("other-type",)
    counted = allocate("other", individuals_served=9_000, records_activities=300_000)
    assert (counted.title_code, counted.needs_review) == (None, True)
    assert counted.interpretations == ("other-type", "counts-only-ddsoo")


@pytest.mark.parametrize("kind", list(FACILITY_TYPES))
def test_every_facility_type_answers(kind: str) -> None:
    """Each of the eight keys gives one determination with reasons and known ids."""
    result = allocate(kind, individuals_served=1_000, records_activities=1_000)
    assert result.reasons
    assert set(result.interpretations) <= set(INTERPRETATIONS)
    assert set(result.clauses) <= set(CLAUSES)


@pytest.mark.parametrize("bad", ["DDSOO", "", "hospital", None, 3])
def test_unknown_facility_type_is_refused(bad: object) -> None:
    """The message names the valid keys."""
    with pytest.raises(ValueError, match=r"Unknown facility type.*ddsoo"):
        allocate(bad, individuals_served=1, records_activities=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("i", "a", "message"),
    [
        (-1, 0, "individuals_served cannot be negative"),
        (0, -5, "records_activities cannot be negative"),
        (True, 0, "individuals_served must be a whole number"),
        (0, False, "records_activities must be a whole number"),
        (3000.0, 0, "individuals_served must be a whole number"),
        ("3000", 0, "individuals_served must be a whole number"),
    ],
)
def test_bad_counts_are_refused(i: object, a: object, message: str) -> None:
    """Negative, boolean and non-integer counts raise ValueError for every type."""
    for kind in ("ddsoo", "doccs_rmu", "other"):
        with pytest.raises(ValueError, match=message):
            allocate(kind, individuals_served=i, records_activities=a)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        threshold_distances(i, a)  # type: ignore[arg-type]


# --- Distance to thresholds -------------------------------------------------------------------


def test_threshold_sentence_example() -> None:
    """The what-if page's sentence: "1,240 individuals below 3,000 → Administrator 2"."""
    found = threshold_distances(1_760, 100_000)
    assert found[0].sentence == "1,240 individuals below 3,000 → Administrator 2"
    assert (found[0].measure, found[0].distance, found[0].direction) == (
        "individuals_served",
        1_240,
        "up",
    )
    assert [d.sentence for d in found[1:]] == [
        "5,240 individuals below 7,000 → Administrator 3",
        "150,001 records activities below 250,001 → Administrator 2",
    ]


def test_threshold_downward_and_singular() -> None:
    """Crossing down names the count just below; one unit is singular; review is shown."""
    found = threshold_distances(3_000, 250_000)
    assert [d.sentence for d in found] == [
        "1 fewer individual (2,999) → Administrator 1 (needs review)",
        "4,000 individuals below 7,000 → Administrator 3",
        "1 records activity below 250,001 → Administrator 3",
    ]
    assert found[0].needs_review and found[0].direction == "down"
    assert threshold_distances(5_000, 250_001)[-1].sentence == (
        "1 fewer records activity (250,000) → Administrator 2"
    )


def test_threshold_only_lists_crossings_that_change_the_level() -> None:
    """At 8,000 and 300,000 only dropping below 3,000 individuals changes the level."""
    found = threshold_distances(8_000, 300_000)
    assert [d.sentence for d in found] == ["5,001 fewer individuals (2,999) → Administrator 2"]
    assert [d.sentence for d in threshold_distances(5_000, 300_000)] == [
        "2,001 fewer individuals (2,999) → Administrator 2",
        "50,000 fewer records activities (250,000) → Administrator 2",
    ]


@pytest.mark.parametrize(("i", "a"), [(None, 5), (5, None), (None, None)])
def test_threshold_without_counts_is_empty(i: int | None, a: int | None) -> None:
    """No counts, no distances."""
    assert threshold_distances(i, a) == ()


counts = st.integers(min_value=0, max_value=20_000)
activities = st.one_of(st.integers(min_value=0, max_value=600_000), st.integers(249_990, 250_010))


@given(i=counts, a=activities)
def test_threshold_distances_are_real_crossings(i: int, a: int) -> None:
    """Each distance, applied, gives the level it names; unlisted thresholds change nothing."""
    now = ddsoo(i, a).title_code
    listed = {(d.measure, d.crossed_value) for d in threshold_distances(i, a)}
    for d in threshold_distances(i, a):
        moved = i + (d.distance if d.direction == "up" else -d.distance), a
        if d.measure == "records_activities":
            moved = i, a + (d.distance if d.direction == "up" else -d.distance)
        assert moved[0] >= 0 and moved[1] >= 0
        assert ddsoo(*moved).title_code == d.title_code != now
    for measure, first_above in (
        ("individuals_served", 3_000),
        ("individuals_served", 7_000),
        ("records_activities", 250_001),
    ):
        value = i if measure == "individuals_served" else a
        crossed = first_above if value < first_above else first_above - 1
        if (measure, crossed) not in listed:
            args = (crossed, a) if measure == "individuals_served" else (i, crossed)
            assert ddsoo(*args).title_code == now


# --- Properties -------------------------------------------------------------------------------


@given(i=counts, a=activities, di=counts, da=activities)
def test_more_never_lowers_a_ddsoo(i: int, a: int, di: int, da: int) -> None:
    """More individuals or more activities never lower a DDSOO's level."""
    low, high = ddsoo(i, a), ddsoo(i + di, a + da)
    assert low.title_code is not None and high.title_code is not None
    assert title_rank(high.title_code) >= title_rank(low.title_code)


@given(kind=st.sampled_from(list(FACILITY_TYPES)), i=st.none() | counts, a=st.none() | activities)
def test_every_input_gives_one_explained_determination(
    kind: str, i: int | None, a: int | None
) -> None:
    """Review only where DOMAIN.md says; always reasons; ids always known."""
    result = allocate(kind, individuals_served=i, records_activities=a)
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)
    assert set(result.interpretations) <= set(INTERPRETATIONS)
    assert set(result.clauses) <= set(CLAUSES)
    gap = kind == "ddsoo" and i is not None and i < 3_000 and a == 250_000
    missing = kind == "ddsoo" and (i is None or a is None)
    assert result.needs_review == (kind == "other" or missing or gap)
    assert (result.title_code is None) == (kind == "other" or missing)
    for reason in result.reasons:
        # Pair quotes from the left; long quotes are the standard's words, verbatim.
        for quote in re.findall(r'"([^"]*)"', reason):
            if len(quote) >= 25:
                assert any(quote in c.text for c in CLAUSES.values()), quote


# --- Two consecutive accepted years -----------------------------------------------------------


def test_trend_no_years() -> None:
    """No accepted year: no data."""
    trend = confirm_trend([])
    assert (trend.state, trend.latest_level, trend.change) == ("no_data", None, None)
    assert trend.reasons and trend.interpretations == ("two-year-confirmation",)


def test_trend_latest_year_without_level() -> None:
    """The latest accepted year decides; without a level it is no data."""
    trend = confirm_trend([(2024, A2), (2025, None)])
    assert (trend.state, trend.latest_year, trend.previous_level) == ("no_data", 2025, A2)


def test_trend_one_year_alone_is_watch() -> None:
    """One year alone puts the facility on watch."""
    trend = confirm_trend([(2025, A3)])
    assert (trend.state, trend.latest_level, trend.previous_year, trend.change) == (
        "watch",
        A3,
        None,
        None,
    )
    assert "SFY 2025-26 alone" in trend.reasons[0]


def test_trend_two_consecutive_agreeing_years_confirm() -> None:
    """Two consecutive accepted years that agree confirm the level (input order is free)."""
    trend = confirm_trend([(2025, A3), (2023, A1), (2024, A3)])
    assert (trend.state, trend.latest_level, trend.previous_year, trend.change) == (
        "confirmed",
        A3,
        2024,
        None,
    )
    assert "two-year-confirmation" in trend.reasons[0]


def test_trend_change_up_and_down() -> None:
    """A change from the previous year is on watch; a downgrade opens a review."""
    up = confirm_trend([(2024, A2), (2025, A3)])
    assert (up.state, up.change) == ("watch", "up")
    down = confirm_trend([(2024, A3), (2025, A2)])
    assert (down.state, down.change) == ("watch", "down")
    assert "never an automatic action" in down.reasons[-1]


def test_trend_gap_year_is_not_consecutive() -> None:
    """Years 2023 and 2025 agree but are not consecutive: watch."""
    trend = confirm_trend([(2023, A2), (2025, A2)])
    assert (trend.state, trend.previous_year, trend.change) == ("watch", 2023, None)


def test_trend_previous_year_without_level() -> None:
    """A previous year with no level cannot confirm; no direction is given."""
    trend = confirm_trend([(2024, None), (2025, A1)])
    assert (trend.state, trend.change) == ("watch", None)
    assert "gave no level" in trend.reasons[0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(2024, A1), (2024, A2)], "appears twice"),
        ([("2024", A1)], "SFY start year"),
        ([(True, A1)], "SFY start year"),
        ([(2024, "Administrator 1")], "Unknown title code"),
    ],
)
def test_trend_bad_input(rows: list[tuple[object, object]], message: str) -> None:
    """Duplicate years, non-int years and unknown levels are refused."""
    with pytest.raises(ValueError, match=message):
        confirm_trend(rows)  # type: ignore[arg-type]


def test_sfy_label() -> None:
    """State fiscal years are labelled by their start year."""
    assert sfy_label(2025) == "SFY 2025-26"
    assert sfy_label(1999) == "SFY 1999-00"
