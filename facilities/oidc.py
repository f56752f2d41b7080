"""Sign-in with NY.gov ID: OpenID Connect through mozilla-django-oidc (decision 0017).

The library runs the authorization code flow (state, nonce and a PKCE verifier kept in the
session, each used once). This module adds what it leaves to the site: the ID token is checked
against the provider's keys *and* its issuer, audience and times; the user is found by the
identity's (issuer, subject) only (facilities.services.identities); failures go back to the
sign-in page with a message instead of a 400 or 500; and signing out also ends the session at
the provider when it has an end-session endpoint. Everything is off until OIDC_RP_CLIENT_ID is
set, and then checked by `manage.py check` (him.E010-E013, him.W010).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core import checks
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .backends import UserBackend
from .services.identities import sign_in_identity

if TYPE_CHECKING:
    from .models import User

logger = logging.getLogger(__name__)

LOCAL_SIGN_IN_CHOICES = ("all", "staff-only")
REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
ENDPOINT_SETTINGS = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_LOGOUT_ENDPOINT",
)


def oidc_enabled() -> bool:
    """Sign-in with NY.gov ID is offered once the site has a client id at the provider."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def local_sign_in_allowed(user: User) -> bool:
    """Whether `user` may sign in with a user name and password (HIM_LOCAL_SIGN_IN)."""
    if settings.HIM_LOCAL_SIGN_IN == "staff-only":
        return bool(user.is_staff or user.is_superuser)
    return True


class NyGovIdBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the checks it leaves out and identity matching."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Without a client id the backend stays in the list but never authenticates anyone
        # (the library's own constructor would refuse the missing settings).
        self.enabled = oidc_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any):
        if not self.enabled or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: str, key: Any) -> dict:
        """The signature (with the JWKS key for the token's kid), then the issuer, audience,
        expiry and issue time, which the library does not check (it decodes with
        verify_aud off)."""
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token unreadable: {exc}") from exc
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {alg!r}, not {self.OIDC_RP_SIGN_ALGO}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=settings.HIM_OIDC_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        # With more than one audience, the token must be meant for this site (OIDC Core 3.1.3.7).
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token has several audiences and is not for this site")
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict:
        if "nonce" in kwargs and not kwargs["nonce"]:
            raise SuspiciousOperation("No nonce was kept for this sign-in")
        return super().verify_token(token, **kwargs)

    def get_userinfo(self, access_token: str, id_token: str, payload: Mapping) -> dict:
        """The user info endpoint's claims over the ID token's; both must be the same person."""
        info = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload["sub"]:
            raise SuspiciousOperation("The user info is for another subject than the ID token")
        return {**payload, **info, "iss": payload["iss"], "sub": payload["sub"]}

    def get_or_create_user(self, access_token: str, id_token: str, payload: Mapping):
        claims = self.get_userinfo(access_token, id_token, payload)
        user = sign_in_identity(issuer=payload["iss"], subject=payload["sub"], claims=claims)
        return user if self.user_can_authenticate(user) else None

    def get_user(self, user_id: Any):
        # The signed-in user on every request: with agency and role names in one query.
        return UserBackend().get_user(user_id)


class AuthenticateView(OIDCAuthenticationRequestView):
    """GET /oidc/authenticate/: off to the provider with a new state, nonce and PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)
        if oidc_enabled():
            self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
            self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """GET /oidc/callback/: the provider's answer. A refused one (unknown or reused state,
    wrong token, the provider unreachable) is a message on the sign-in page, never a 500."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("NY.gov ID sign-in refused: %s", exc)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "Signing in with NY.gov ID did not work. Try again; if it keeps failing, "
                "ask your administrator."
            ),
        )
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def provider_sign_out_url(request: HttpRequest) -> str | None:
    """Where to send a signed-out browser so the provider ends its session too: its
    end-session endpoint (RP-initiated logout) with the ID token of this sign-in, and back to
    the sign-in page afterwards. None for local sign-ins or a provider without one."""
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    id_token = request.session.get("oidc_id_token")
    if not (oidc_enabled() and endpoint and id_token):
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": back,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}?{query}"


@checks.register(checks.Tags.security)
def check_oidc_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if settings.HIM_LOCAL_SIGN_IN not in LOCAL_SIGN_IN_CHOICES:
        found.append(
            checks.Error(
                f"HIM_LOCAL_SIGN_IN is {settings.HIM_LOCAL_SIGN_IN!r}.",
                hint="Set it to 'all' or 'staff-only'.",
                id="him.E010",
            )
        )
    if not oidc_enabled():
        if settings.HIM_LOCAL_SIGN_IN == "staff-only":
            found.append(
                checks.Error(
                    "HIM_LOCAL_SIGN_IN is 'staff-only' but sign-in with NY.gov ID is not set "
                    "up: nobody but administrators could sign in.",
                    hint="Set the OIDC_* variables (docs/operations.md) or HIM_LOCAL_SIGN_IN=all.",
                    id="him.E011",
                )
            )
        return found
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]
    if missing:
        found.append(
            checks.Error(
                f"OIDC_RP_CLIENT_ID is set but {', '.join(missing)} is not.",
                hint="Copy them from the provider's discovery document (docs/operations.md).",
                id="him.E012",
            )
        )
    if settings.OIDC_RP_SIGN_ALGO != "RS256":
        found.append(
            checks.Error(
                f"OIDC_RP_SIGN_ALGO is {settings.OIDC_RP_SIGN_ALGO!r}.",
                hint="ID tokens are checked against the provider's published keys: RS256.",
                id="him.E013",
            )
        )
    return found


@checks.register(checks.Tags.security, deploy=True)
def check_oidc_https(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not oidc_enabled():
        return []
    plain = [
        name
        for name in ENDPOINT_SETTINGS
        if getattr(settings, name, "") and not getattr(settings, name).startswith("https://")
    ]
    if not plain:
        return []
    return [
        checks.Warning(
            f"{', '.join(plain)} not on HTTPS: tokens and codes would cross the network in clear.",
            hint="Use the provider's https:// addresses.",
            id="him.W010",
        )
    ]
