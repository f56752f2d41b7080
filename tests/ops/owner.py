"""The tables' owner, straight through psycopg: for tests that do what only the owner may
(tamper with an audit table past its triggers, empty the tables), outside the Django test
case's allowed databases and its transaction."""

import contextlib

import psycopg
from django.db import connections

from common.dbroles import APP_ALIAS, OWNER_ALIAS


def _params(alias: str) -> dict:
    s = connections[alias].settings_dict
    params = {"dbname": s["NAME"], "user": s["USER"], "autocommit": True}
    # The site's statement and lock timeouts: a test waiting on a lock fails, never hangs.
    if s["OPTIONS"].get("options"):
        params["options"] = s["OPTIONS"]["options"]
    for key, name in (("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if s[key]:
            params[name] = s[key]
    return params


@contextlib.contextmanager
def owner_connection():
    with psycopg.connect(**_params(OWNER_ALIAS)) as connection:
        yield connection


@contextlib.contextmanager
def app_connection():
    """The site's role, in a session of its own (autocommit)."""
    with psycopg.connect(**_params(APP_ALIAS)) as connection:
        yield connection
