"""What the provider's claims say about agency and role (facilities.claims): no database."""

import pytest

from facilities import roles
from facilities.claims import assignment_from_claims

AGENCIES = ["DOCCS", "OASAS", "OMH", "OPWDD"]


def claimed(claims, agency_claim="him_agency", role_claim="him_role"):
    return assignment_from_claims(
        claims, agency_claim=agency_claim, role_claim=role_claim, agency_codes=AGENCIES
    )


def test_absent_claims_leave_the_administrators_assignment():
    result = claimed({"sub": "x", "email": "a@example.ny.gov"})
    assert not result.agency_claimed and not result.roles_claimed


def test_unconfigured_claims_are_not_read():
    result = claimed({"him_agency": "OMH", "him_role": "supervisor"}, "", "")
    assert not result.agency_claimed and not result.roles_claimed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("agency_hr", {roles.AGENCY_HR}),
        ("Analyst", {roles.ANALYST}),
        (["supervisor"], {roles.SUPERVISOR}),
        ("analyst supervisor", {roles.ANALYST, roles.SUPERVISOR}),
        ("analyst,supervisor", {roles.ANALYST, roles.SUPERVISOR}),
        ([], set()),
        ("administrator", set()),
        (7, set()),
    ],
)
def test_role_claim_values(value, expected):
    result = claimed({"him_role": value})
    assert result.roles_claimed
    assert result.roles == frozenset(expected)


def test_an_unknown_role_is_named_in_the_reasons_and_gives_nothing():
    result = claimed({"him_role": ["superuser", "analyst"]})
    assert result.roles == {roles.ANALYST}
    assert any("superuser" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("OMH", "OMH"),
        ("omh", "OMH"),
        (" DOCCS ", "DOCCS"),
        ("DOH", None),
        ("", None),
        (["OMH", "OASAS"], None),
    ],
)
def test_agency_claim_values(value, expected):
    result = claimed({"him_agency": value, "him_role": "agency_hr"})
    assert result.agency_claimed
    assert result.agency_code == expected


def test_classification_staff_belong_to_no_agency():
    result = claimed({"him_agency": "OMH", "him_role": "analyst"})
    assert result.agency_claimed and result.agency_code is None
    assert any("no agency" in r for r in result.reasons)
