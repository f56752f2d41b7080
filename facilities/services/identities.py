"""Sign-in through NY.gov ID: the one place a verified identity becomes a user.

A user is found by their identity at the provider, (issuer, subject), and never by email: an
address can be reused or change owners, a subject id cannot. The first sign-in of an identity
creates a user with no role and no password; an administrator then gives them a role in the
admin, unless the provider's claims already do (facilities.claims).
"""

import logging
import re
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from facilities.claims import assignment_from_claims
from facilities.models import Agency, OidcIdentity, User

logger = logging.getLogger(__name__)

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def _free_username(claims: Mapping[str, Any]) -> str:
    """`nygov-<preferred name>`, with a number added when taken: readable in the admin, and
    never equal to a local account's name (those have no prefix)."""
    wanted = str(claims.get("preferred_username") or claims.get("email") or "user")
    base = "nygov-" + (_NOT_IN_USERNAME.sub("", wanted.split("@")[0]) or "user")[:100]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _details(claims: Mapping[str, Any]) -> dict[str, str]:
    """Name and address from the claims, trimmed to the columns; absent ones are left alone."""
    fields = {"first_name": "given_name", "last_name": "family_name", "email": "email"}
    # Plain columns: get_field's type also allows a reverse relation, which has no max_length.
    limits = {f: cast(models.Field, User._meta.get_field(f)).max_length for f in fields}
    return {
        field: str(claims[claim])[: limits[field]]
        for field, claim in fields.items()
        if isinstance(claims.get(claim), str)
    }


def sign_in_identity(*, issuer: str, subject: str, claims: Mapping[str, Any]) -> User:
    """The user for a verified identity at the provider: found by (issuer, subject), or
    created with no role on its first sign-in. Their name and address follow the claims; their
    agency and roles follow the agency and role claims where those are configured and present
    (never the admin flags). Returns the user, who may be inactive: the caller refuses them."""
    if not issuer or not subject:
        raise ValueError("an identity needs an issuer and a subject")
    with transaction.atomic():
        identity = (
            OidcIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        for _attempt in range(3):
            if identity is not None:
                break
            try:
                with transaction.atomic():
                    user = User.objects.create_user(_free_username(claims), **_details(claims))
                    identity = OidcIdentity.objects.create(
                        user=user, issuer=issuer, subject=subject
                    )
                logger.info("NY.gov ID: first sign-in of %s, user %s created", subject, user)
            except IntegrityError:
                # The same person's first sign-in in another tab got there first (then their
                # identity is there now), or someone else took the user name meanwhile (then
                # the next attempt picks another).
                identity = (
                    OidcIdentity.objects.select_for_update()
                    .select_related("user")
                    .filter(issuer=issuer, subject=subject)
                    .first()
                )
        if identity is None:
            raise ValueError("no user could be made for this identity")
        user = identity.user
        details = _details(claims)
        changed = [f for f, v in details.items() if getattr(user, f) != v]
        for field in changed:
            setattr(user, field, details[field])
        _apply_claimed_assignment(user, claims, changed)
        if changed:
            user.save(update_fields=changed)
        identity.last_signed_in = timezone.now()
        identity.save(update_fields=["last_signed_in"])
    return user


def _apply_claimed_assignment(user: User, claims: Mapping[str, Any], changed: list[str]) -> None:
    claimed = assignment_from_claims(
        claims,
        agency_claim=settings.HIM_OIDC_AGENCY_CLAIM,
        role_claim=settings.HIM_OIDC_ROLE_CLAIM,
        agency_codes=list(Agency.objects.values_list("code", flat=True)),
    )
    for reason in claimed.reasons:
        logger.warning("NY.gov ID sign-in of %s: %s", user, reason)
    if claimed.agency_claimed:
        agency = Agency.objects.filter(code=claimed.agency_code).first()
        if user.agency_id != (agency.pk if agency else None):
            logger.info("NY.gov ID: %s's agency set to %s by the claims", user, agency)
            user.agency = agency
            changed.append("agency")
    if claimed.roles_claimed:
        current = set(user.groups.values_list("name", flat=True))
        if current != set(claimed.roles):
            logger.info(
                "NY.gov ID: %s's roles set to %s by the claims", user, sorted(claimed.roles)
            )
            user.groups.set(Group.objects.filter(name__in=claimed.roles))
            user.__dict__.pop("role_names", None)
