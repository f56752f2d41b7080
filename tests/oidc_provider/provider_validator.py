"""The provider's claims: each user's from the seed. Two clients are broken on purpose, to see
the site refuse what a faulty or hostile provider might send: `him-expired` gets ID tokens
that expired an hour ago, `him-wrong-audience` ID tokens meant for another site."""

import time

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator

EXPIRED_CLIENT = "him-expired"
WRONG_AUDIENCE_CLIENT = "him-wrong-audience"


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim the seed gives, whatever the scopes

    def get_additional_claims(self, request):
        claims = dict(settings.SEED["users"].get(request.user.username, {}))
        claims.setdefault("sub", f"nygov-{request.user.pk:06d}")
        claims.setdefault("preferred_username", request.user.username)
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        client_id = request.client.client_id
        if client_id == EXPIRED_CLIENT:
            now = int(time.time())
            claims.update(iat=now - 7200, exp=now - 3600)
        elif client_id == WRONG_AUDIENCE_CLIENT:
            claims["aud"] = "another-site"
        return claims, expiration_time
