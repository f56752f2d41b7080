"""What a user holds through delegations (docs/decisions/0018-delegation.md): plain values.

`facilities.selectors.authority_of` reads them from the delegations in effect; the workflow
(`classification.workflow`) reads them to give delegated roles. They live here, below both,
because the apps import in one direction (facilities ← classification).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Grant:
    """One delegation in effect today: the user may act for `delegator_id` through it."""

    delegation_id: int
    delegator_id: int
    delegator_name: str = ""


@dataclass(frozen=True, slots=True)
class Authority:
    """What a user holds today through delegations (facilities.selectors.authority_of)."""

    acting_for: tuple[Grant, ...] = ()  # supervisors this user is acting supervisor for
    covering_for: tuple[Grant, ...] = ()  # analysts whose assigned requests this user covers


NO_AUTHORITY = Authority()
