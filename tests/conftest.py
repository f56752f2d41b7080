"""Project-wide test set-up.

Every test runs on PostgreSQL: DATABASE_URL's server, or the local one the test settings start
(config/settings/database.py); with pytest-xdist each worker has its own test database. As in
production the site's connection (`default`) is the application role, which owns nothing: the
test database is created and migrated by the owner role (`owner`), which grants the application
role its rights (common.dbroles), and emptied by the owner between transactional tests. Tests
marked `browser` need Debian's Chromium: without it they are skipped with a reason, except in
CI (HIM_REQUIRE_ALL=1), where a missing Chromium stops the run and any skipped test fails it.
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from scripts.chromium import CHROMIUM, LAUNCH_ARGS

# Playwright's sync API runs an event loop in the test thread; Django's live server is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# No per-example deadline: speed is measured in benchmarks, not in timed tests, and on a loaded
# machine (parallel workers, CI) a deadline fails correct code at random.
# In CI (HIM_REQUIRE_ALL=1) the examples are derived from each test's name, so a landing is
# judged on the same inputs every time; `make test` elsewhere explores new ones on each run,
# which is how the hostile-input tests keep finding bugs (and the example database replays them).
hypothesis_settings.register_profile("him", deadline=None)
hypothesis_settings.register_profile("him-ci", deadline=None, derandomize=True, database=None)

REQUIRE_ALL = os.environ.get("HIM_REQUIRE_ALL") == "1"
hypothesis_settings.load_profile("him-ci" if REQUIRE_ALL else "him")


def _have_chromium() -> bool:
    return os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items) -> None:
    wants_browser = any(item.get_closest_marker("browser") for item in items)
    if _have_chromium() or not wants_browser:
        return
    if REQUIRE_ALL:
        raise pytest.UsageError(f"HIM_REQUIRE_ALL=1 but Chromium is missing at {CHROMIUM}")
    skip_browser = pytest.mark.skip(
        reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip_browser)


def pytest_sessionfinish(session, exitstatus) -> None:
    if not REQUIRE_ALL:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"HIM_REQUIRE_ALL=1: {len(skipped)} test(s) skipped; CI skips none.")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's set-up, with the test database created and migrated by the owner role
    and the site's connection (the application role) pointed at it afterwards."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from common.dbroles import APP_ALIAS, OWNER_ALIAS

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={OWNER_ALIAS},
            serialized_aliases=set(),
            keepdb=keepdb,
        )
        connections[APP_ALIAS].close()
        connections[APP_ALIAS].creation.set_as_test_mirror(connections[OWNER_ALIAS].settings_dict)
        _flush_as_owner()
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            _end_leftover_sessions(APP_ALIAS, OWNER_ALIAS)
            connections.close_all()
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


def _end_leftover_sessions(*aliases: str) -> None:
    """A session a test left open on the test database (a thread still winding down, a worker
    process being stopped) would make DROP DATABASE fail after every test has passed. Give such
    sessions a few seconds to end, then end them, each through a connection of its own role
    (which may end its role's sessions), and name them so the test that left one can be found."""
    import time
    import warnings

    from django.db import connections

    query = (
        "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
        "WHERE datname = current_database() AND usename = current_user AND NOT pid = ANY(%s)"
    )
    for alias in aliases:
        with connections[alias].cursor() as cursor:
            # This process's own sessions are not leftovers (where the site and the owner are
            # one role, a developer's own server, each alias sees the other's).
            ours = [
                connections[a].connection.info.backend_pid
                for a in aliases
                if connections[a].connection is not None
            ]
            for _ in range(50):
                cursor.execute(query, [ours])
                leftovers = cursor.fetchall()
                if not leftovers:
                    break
                time.sleep(0.2)
            for pid, application, state, text in leftovers:
                warnings.warn(
                    f"a test left a database session open ({alias}: {application or 'no name'}, "
                    f"{state}, {text!r}); ended it before dropping the test database",
                    stacklevel=1,
                )
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def _flush_as_owner() -> None:
    """Transactional tests empty the tables between tests with TRUNCATE, which the application
    role may not do and the audit tables' guard refuses anyone: the owner does it instead, past
    the guard (pgtrigger's ignore setting, which only a role with TRUNCATE can make use of)."""
    import pgtrigger
    from django.db.backends.postgresql.operations import DatabaseOperations

    from tests.ops.owner import owner_connection

    guards = [
        pgid
        for model, trigger in pgtrigger.registered()
        if trigger.name == "no_truncate"
        for pgid in (trigger.get_pgid(model), f"{model._meta.db_table}:{trigger.get_pgid(model)}")
    ]

    def execute_sql_flush(self, sql_list):
        with owner_connection() as owner, owner.transaction():
            owner.execute(
                "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(guards) + "}"]
            )
            for statement in sql_list:
                owner.execute(statement)

    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with no calls to the outside network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": LAUNCH_ARGS,
    }


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush the database, data migrations' rows included, and tests that
    run after them would find no titles, agencies or groups: put them back where missing."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps
    from django.contrib.auth.models import Group

    from classification.models import Title
    from classification.standard import TITLES
    from classification.titles import ensure_titles
    from facilities import roles
    from facilities.models import Agency
    from facilities.roles import ensure_reference_data

    if Agency.objects.count() < len(roles.AGENCIES) or Group.objects.count() < len(
        roles.ROLE_PERMISSIONS
    ):
        ensure_reference_data(apps)
    if Title.objects.count() < len(TITLES):
        ensure_titles(apps)
