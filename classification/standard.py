"""The HIM classification standard (occ. code 3616110, 9/2021) as constants.

One source for the rules (`classification.allocation`, `candidates.qualifications`), the
`Title` reference data and the `/standard/` page, so the words the product quotes and the
words the page shows never drift apart. Texts are copied verbatim from
`shared/standard/him-3616110-standard-2021-09.md`; a test checks every one of them against
that file. Pure Python: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

STANDARD_CODE = "3616110"
STANDARD_DATE = "9/2021"
# Every rule result and every stored determination carries this, so a later revision of the
# standard never rewrites a past decision.
STANDARD_ID = f"{STANDARD_CODE}, {STANDARD_DATE}"


@dataclass(frozen=True, slots=True)
class Title:
    """One title of the series: occupational code, full name, salary grade, short name."""

    code: str
    name: str
    grade: int
    short_name: str

    @property
    def is_technician(self) -> bool:
        """True for the two Technician titles (they ask for an RHIT, not an RHIA)."""
        return self.short_name.startswith("Technician")


TECHNICIAN_1 = "3616110"
TECHNICIAN_2 = "3616120"
ADMINISTRATOR_1 = "3616510"
ADMINISTRATOR_2 = "3616520"
ADMINISTRATOR_3 = "3616530"
# The Administrator titles: a facility's chief HIM position holds one of them.
ADMINISTRATOR_CODES = (ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3)

# Ordered from the lowest to the highest level; `title_rank` relies on this order.
TITLES: tuple[Title, ...] = (
    Title(TECHNICIAN_1, "Health Information Management Technician 1", 13, "Technician 1"),
    Title(TECHNICIAN_2, "Health Information Management Technician 2", 15, "Technician 2"),
    Title(ADMINISTRATOR_1, "Health Information Management Administrator 1", 17, "Administrator 1"),
    Title(ADMINISTRATOR_2, "Health Information Management Administrator 2", 19, "Administrator 2"),
    Title(ADMINISTRATOR_3, "Health Information Management Administrator 3", 22, "Administrator 3"),
)
TITLES_BY_CODE: MappingProxyType[str, Title] = MappingProxyType({t.code: t for t in TITLES})
# Each code's place in TITLES: a dict lookup, where TITLES.index compared titles field by field
# (the drift report ranks two titles for each of 2,000 facilities).
_RANKS: MappingProxyType[str, int] = MappingProxyType({t.code: i for i, t in enumerate(TITLES)})

# Facility type keys are part of the public rules API (DOMAIN.md); labels are for people.
FACILITY_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "doccs_rmu": "DOCCS Regional Medical Unit",
        "childrens_pc_colocated": "co-located children's psychiatric center",
        "childrens_pc_freestanding": "free-standing children's psychiatric center",
        "adult_pc_freestanding": "free-standing adult psychiatric center",
        "forensic_pc_freestanding": "free-standing forensic psychiatric center",
        "rehabilitation_hospital": "rehabilitation hospital",
        "ddsoo": "Developmental Disabilities State Operations Office",
        "other": "any other setting (e.g. an OASAS addiction treatment center)",
    }
)


class Clause(NamedTuple):
    """A paragraph of the standard: its heading and its exact words."""

    heading: str
    text: str


_DC = "Distinguishing Characteristics"
_MQ = "Minimum Qualifications"

# Anchor id -> clause. Anchors are stable: reasons link to `/standard/#<anchor>`.
CLAUSES: MappingProxyType[str, Clause] = MappingProxyType(
    {
        "dc-tech-1": Clause(
            f"{_DC}: Health Information Management Technician 1",
            "full performance level; typically under the direction of a Health Information "
            "Management Technician 2, performs a variety of activities related to the "
            "collection, review, data-entry, maintenance, storage, transfer, disclosure, "
            "quality, preservation, and disposal of health records at State facilities; and "
            "may supervise and/or provide technical expertise to lower-level clerical support "
            "staff engaged in health records maintenance activities.",
        ),
        "dc-tech-2": Clause(
            f"{_DC}: Health Information Management Technician 2",
            "first supervisory level; under the direction of a Health Information Management "
            "Administrator, supervises Health Information Management Technicians 1 and "
            "clerical support staff engaged in health information management activities; and "
            "may serve as an overall assistant to a higher-level Health Information Management "
            "Administrator.",
        ),
        "dc-admin-1": Clause(
            f"{_DC}: Health Information Management Administrator 1",
            "managerial level; oversees the health information management program of a DOCCS "
            "Regional Medical Unit; a co-located children's psychiatric center; or a "
            "Developmental Disabilities State Operations Office (DDSOO) that serves less than "
            "3,000 individuals and performs fewer than 250,000 records activities annually; "
            "supervises, directs, and evaluates the activities of Health Information Management "
            "Technicians 1 and 2 and clerical support staff; and may serve as assistant to a "
            "Health Information Management Administrator 3 in the largest facilities.",
        ),
        "dc-admin-2": Clause(
            f"{_DC}: Health Information Management Administrator 2",
            "managerial level; oversees the health information management program of a "
            "free-standing children's psychiatric center; or a DDSOO that either serves between "
            "3,000 and 6,999 individuals or performs more than 250,000 health records activities "
            "annually; and supervises, directs, and evaluates the activities of Health "
            "Information Management Technicians 1 and 2 and clerical support staff.",
        ),
        "dc-admin-3": Clause(
            f"{_DC}: Health Information Management Administrator 3",
            "managerial level; oversees the health information management program of a "
            "free-standing adult or forensic psychiatric center or rehabilitation hospital; or "
            "a DDSOO that serves 3,000 or more individuals and performs more than 250,000 health "
            "records activities annually, or serves 7,000 or more individuals; and supervises, "
            "directs, and evaluates the activities of Health Information Management "
            "Technicians 1 and 2 and clerical support staff.",
        ),
        "mq-tech-1": Clause(
            f"{_MQ}: Health Information Management Technician 1",
            "Open Competitive: current certification by the American Health Information "
            "Management Association (AHIMA) as a Registered Health Information Technician "
            "(RHIT).",
        ),
        "mq-tech-2": Clause(
            f"{_MQ}: Health Information Management Technician 2",
            "Open Competitive: current certification by AHIMA as an RHIT and one year of "
            "post-RHIT health information management experience.",
        ),
        "mq-admin-1": Clause(
            f"{_MQ}: Health Information Management Administrator 1",
            "Open Competitive: current certification by AHIMA as a Registered Health "
            "Information Administrator (RHIA) or Registered Health Information Management "
            "Technician with two years of post-college experience.",
        ),
        "mq-admin-2": Clause(
            f"{_MQ}: Health Information Management Administrator 2",
            "Open Competitive: current certification by AHIMA as an RHIA and one year of "
            "post-RHIA health information management experience.",
        ),
        "mq-admin-3": Clause(
            f"{_MQ}: Health Information Management Administrator 3",
            "Open Competitive: current certification by AHIMA as an RHIA and two years of "
            "post-RHIA health information management experience.",
        ),
    }
)

# Which clause anchors belong to which title (the page and the letters link by title).
DC_CLAUSE_FOR_TITLE: MappingProxyType[str, str] = MappingProxyType(
    {
        TECHNICIAN_1: "dc-tech-1",
        TECHNICIAN_2: "dc-tech-2",
        ADMINISTRATOR_1: "dc-admin-1",
        ADMINISTRATOR_2: "dc-admin-2",
        ADMINISTRATOR_3: "dc-admin-3",
    }
)
MQ_CLAUSE_FOR_TITLE: MappingProxyType[str, str] = MappingProxyType(
    {code: anchor.replace("dc-", "mq-") for code, anchor in DC_CLAUSE_FOR_TITLE.items()}
)


class Phrase(NamedTuple):
    """Words inside a clause that a reason quotes (always a verbatim part of the clause)."""

    clause: str
    text: str


PHRASES: MappingProxyType[str, Phrase] = MappingProxyType(
    {
        "a1-rmu": Phrase("dc-admin-1", "a DOCCS Regional Medical Unit"),
        "a1-colocated": Phrase("dc-admin-1", "a co-located children's psychiatric center"),
        "a1-ddsoo": Phrase(
            "dc-admin-1",
            "serves less than 3,000 individuals and performs fewer than 250,000 records "
            "activities annually",
        ),
        "a1-assistant": Phrase(
            "dc-admin-1",
            "may serve as assistant to a Health Information Management Administrator 3 in the "
            "largest facilities",
        ),
        "a2-freestanding-children": Phrase(
            "dc-admin-2", "a free-standing children's psychiatric center"
        ),
        "a2-either-or": Phrase(
            "dc-admin-2",
            "either serves between 3,000 and 6,999 individuals or performs more than 250,000 "
            "health records activities annually",
        ),
        "a2-between": Phrase("dc-admin-2", "serves between 3,000 and 6,999 individuals"),
        "a2-more": Phrase(
            "dc-admin-2", "performs more than 250,000 health records activities annually"
        ),
        "a3-adult-forensic-rehab": Phrase(
            "dc-admin-3",
            "a free-standing adult or forensic psychiatric center or rehabilitation hospital",
        ),
        "a3-and": Phrase(
            "dc-admin-3",
            "serves 3,000 or more individuals and performs more than 250,000 health records "
            "activities annually",
        ),
        "a3-7000": Phrase("dc-admin-3", "serves 7,000 or more individuals"),
    }
)

# DOMAIN.md's Interpretations (and the product rules stated beside them) that the rules cite
# by id, so an analyst can see where the standard's text ends and policy begins.
INTERPRETATIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        "overlap": (
            'Where the Administrator 2 "either/or" and the Administrator 3 "and" both '
            "match, the highest level met wins; otherwise the Administrator 3 clause could "
            "never apply. Explanations name both clauses."
        ),
        "gap": (
            'Administrator 1 says "fewer than 250,000", Administrators 2 and 3 say "more '
            'than 250,000": exactly 250,000 with fewer than 3,000 individuals matches nothing. '
            "The product proposes Administrator 1 and marks the determination needs review."
        ),
        "between-inclusive": '"between 3,000 and 6,999" is inclusive of 3,000 and 6,999.',
        "counts-only-ddsoo": (
            "Counts decide only DDSOOs; for other facility types they are shown as "
            "information, not used."
        ),
        "ddsoo-without-counts": (
            "A DDSOO without counts gets no automatic level: it needs review."
        ),
        "other-type": (
            "A facility of any other type (e.g. an OASAS addiction treatment center) gets no "
            "automatic level: an analyst decides."
        ),
        "rhit-names": (
            '"Registered Health Information Management Technician" in the Administrator 1 '
            "text means RHIT. AHIMA's former names count as the same credential: ART = RHIT, "
            "RRA = RHIA."
        ),
        "admin1-experience": (
            "The Administrator 1 experience attaches to the RHIT path only, and counts HIM "
            "experience after the date of the college degree."
        ),
        "rhia-not-rhit": (
            "The standard asks for RHIT literally where it says RHIT: an RHIA alone does not "
            "meet a Technician requirement unless the setting that accepts RHIA for RHIT is "
            "turned on (off by default)."
        ),
        "fte-days": (
            "Experience is counted in full-time-equivalent days: each calendar day in the "
            "counting window (from the award or degree date to the as-of date, both included) "
            "adds min(1, hours per week of all HIM spells covering it / 37.5); overlapping "
            "spells never count a day twice; 1 year = 365 FTE days, 2 years = 730."
        ),
        "two-year-confirmation": (
            "A level change suggested by the counts is confirmed only when two consecutive "
            "accepted years agree; one year alone puts the facility on watch. Downgrades open "
            "a review, never an automatic action."
        ),
    }
)


# The readable name of each Interpretation: what a person reads where a reason cites one by id
# (the id stays in the rules' reasons and the page's anchors, never in the text shown).
INTERPRETATION_TITLES: MappingProxyType[str, str] = MappingProxyType(
    {
        "overlap": "When two levels' clauses both match",
        "gap": "Exactly 250,000 records activities",
        "between-inclusive": "Both ends of 3,000 to 6,999 count",
        "counts-only-ddsoo": "Counts decide only DDSOOs",
        "ddsoo-without-counts": "A DDSOO without counts",
        "other-type": "Facilities of any other type",
        "rhit-names": "RHIT and AHIMA's former credential names",
        "admin1-experience": "Administrator 1 experience counts from the college degree",
        "rhia-not-rhit": "An RHIA does not stand in for an RHIT",
        "fte-days": "How experience is counted",
        "two-year-confirmation": "Two consecutive years confirm a level",
    }
)


def title_for(code: str) -> Title:
    """Return the Title for an occupational code; ValueError names the valid codes."""
    try:
        return TITLES_BY_CODE[code]
    except (KeyError, TypeError):
        valid = ", ".join(f"{t.code} ({t.short_name})" for t in TITLES)
        raise ValueError(f"Unknown title code {code!r}: use one of {valid}.") from None


def title_rank(code: str) -> int:
    """Rank of a title in the series, 0 (Technician 1) to 4 (Administrator 3)."""
    try:
        return _RANKS[code]
    except (KeyError, TypeError):
        title_for(code)  # raises the ValueError that names the valid codes
        raise


def compare_levels(a: str | None, b: str | None) -> int:
    """-1, 0 or 1 as level `a` is below, equal to or above level `b`; None ranks lowest."""
    rank_a = -1 if a is None else title_rank(a)
    rank_b = -1 if b is None else title_rank(b)
    return (rank_a > rank_b) - (rank_a < rank_b)
