"""Run the tests' OpenID Connect provider: migrate its database, create the seed's users and
clients, and serve on 127.0.0.1:<port> (threaded) until stopped.

    python tests/oidc_provider/serve.py PORT   (environment: see settings.py)
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"


def seed() -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for username in settings.SEED["users"]:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(settings.USER_PASSWORD)
        user.save()
    for client in settings.SEED["clients"]:
        Application.objects.update_or_create(
            client_id=client["client_id"],
            defaults={
                "name": client["client_id"],
                "client_secret": client["secret"],
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "redirect_uris": " ".join(client["redirect_uris"]),
                "post_logout_redirect_uris": " ".join(client["post_logout_redirect_uris"]),
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            },
        )


def main() -> None:
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed()
    run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
