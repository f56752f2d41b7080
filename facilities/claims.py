"""What a NY.gov ID sign-in's claims say about a person's agency and role (pure: no Django).

The provider may send an agency claim (an agency's code, e.g. "OMH") and a role claim (one of
`roles.ROLE_CLAIM_VALUES`, or a list of them); the settings HIM_OIDC_AGENCY_CLAIM and
HIM_OIDC_ROLE_CLAIM name them (docs/operations.md). A claim that is configured and present is
the truth for that sign-in and replaces what the user had; a claim that is absent (or not
configured) leaves the administrator's assignment in the admin as it is.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .roles import DCC_ROLES, ROLE_CLAIM_VALUES


@dataclass(frozen=True)
class ClaimedAssignment:
    """`agency_claimed`/`roles_claimed` say whether the claims decide that part at all."""

    agency_claimed: bool = False
    agency_code: str | None = None  # None: the claims say no agency (or one the site lacks)
    roles_claimed: bool = False
    roles: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()


def _values(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [part for part in raw.replace(",", " ").split() if part]
    if isinstance(raw, list | tuple):
        return [item.strip() for item in raw if isinstance(item, str) and item.strip()]
    return []


def assignment_from_claims(
    claims: Mapping[str, Any],
    *,
    agency_claim: str,
    role_claim: str,
    agency_codes: Collection[str],
) -> ClaimedAssignment:
    """The agency and roles the claims give, with the reasons for what was ignored."""
    reasons: list[str] = []
    roles_claimed = bool(role_claim) and role_claim in claims
    found: set[str] = set()
    if roles_claimed:
        for value in _values(claims[role_claim]):
            role = ROLE_CLAIM_VALUES.get(value.lower())
            if role is None:
                reasons.append(f"role claim value {value!r} is not one of the site's roles")
            else:
                found.add(role)

    agency_claimed = bool(agency_claim) and agency_claim in claims
    agency_code = None
    if agency_claimed:
        values = _values(claims[agency_claim])
        code = values[0].upper() if len(values) == 1 else None
        known = {c.upper(): c for c in agency_codes}
        if code in known:
            agency_code = known[code]
        elif values:
            reasons.append(f"agency claim {claims[agency_claim]!r} names no agency of the site")
    if agency_code and found & DCC_ROLES:
        # DCC analysts and supervisors belong to no agency (as the admin's user form insists).
        reasons.append("classification staff belong to no agency: the agency claim is ignored")
        agency_code = None
    return ClaimedAssignment(
        agency_claimed=agency_claimed,
        agency_code=agency_code,
        roles_claimed=roles_claimed,
        roles=frozenset(found),
        reasons=tuple(reasons),
    )
