"""Two database roles: the owner of the tables, who migrates, and the application role the site
connects as, which owns nothing (docs/decisions/0016-audit-anchoring.md).

The owner grants the application role what the site needs and nothing more:

- SELECT, INSERT, UPDATE, DELETE on the site's tables;
- only SELECT and INSERT on the append-only audit tables (`common.audit.AuditChained`), so
  neither the triggers' bypass (`pgtrigger.ignore` is a setting any session may set) nor a
  mistake can change or delete a row there;
- only SELECT on `django_migrations`;
- USAGE, SELECT, UPDATE on the sequences (nextval, and setval after the bulk seeder's COPY).

No TRUNCATE, REFERENCES or TRIGGER anywhere; it owns no table, so it cannot ALTER one (to
disable a trigger) or drop it. `grant_app_role` (run by `migrate` on the owner's connection,
and as a command) is idempotent: it first takes back whatever the role had on the tables, so a
table that becomes append-only loses UPDATE and DELETE on the next run.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connections, transaction
from psycopg import sql

from common.audit import chained_models

APP_ALIAS = "default"
OWNER_ALIAS = "owner"


def app_role() -> str:
    return settings.DATABASES[APP_ALIAS]["USER"]


def owner_is_app_role(using: str = OWNER_ALIAS) -> bool:
    """True where the site connects as the role that migrates (no DATABASE_OWNER_URL)."""
    return settings.DATABASES[using]["USER"] == app_role()


def grant_app_role(using: str = OWNER_ALIAS) -> list[str]:
    """Give the application role its rights on `using`'s database (the owner's connection);
    returns the statements run. Nothing to do where the two are the same role."""
    if owner_is_app_role(using):
        return []
    role = sql.Identifier(app_role())
    append_only = [sql.Identifier(m._meta.db_table) for m in chained_models()]
    statements = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(connections[using].settings_dict["NAME"]), role
        ),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(role),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            role
        ),
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(
            sql.SQL(", ").join(append_only), role
        ),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(role),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
    ]
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
    with connection.cursor() as cursor:
        return [s.as_string(cursor.connection) for s in statements]


def grant_after_migrate(sender, using: str = OWNER_ALIAS, **kwargs) -> None:
    """post_migrate (once, from this app): the owner hands the application role its rights."""
    if using != APP_ALIAS:
        grant_app_role(using)


@register(Tags.security, deploy=True)
def check_roles(app_configs, **kwargs) -> list[Warning]:
    """`check --deploy`: the site does not own its tables, and the audit anchor has a key of its
    own. Settings only: deployment checks never connect to the database."""
    warnings = []
    if OWNER_ALIAS not in settings.DATABASES or owner_is_app_role():
        warnings.append(
            Warning(
                "The site connects as the role that owns its tables: it could empty or cut the "
                "audit trail.",
                hint="Set DATABASE_OWNER_URL to the owner role and DATABASE_URL to a role that "
                "owns nothing (docs/operations.md, 'Two database roles').",
                id="him.W010",
            )
        )
    key = settings.HIM_AUDIT_CHECKPOINT_KEY
    if not key or key == settings.SECRET_KEY:
        warnings.append(
            Warning(
                "No key of its own signs the audit trail's checkpoints.",
                hint="Set HIM_AUDIT_CHECKPOINT_KEY to a new random key, not DJANGO_SECRET_KEY "
                "(docs/operations.md, 'Anchoring the audit trail').",
                id="him.W011",
            )
        )
    return warnings
