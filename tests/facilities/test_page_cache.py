"""The page cache (facilities.page_cache): a page is built once per user and data generation,
and any committed write, whatever makes it, has the next visit build it again.

Transactional tests: the generation moves when a write commits, which a test wrapped in one
transaction never does.
"""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classification.models import ReclassificationRequest
from facilities import roles
from facilities.models import Agency, Facility, User
from tests.classification.factories import PositionFactory, reclassification_in
from tests.factories import FacilityFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db(transaction=True)

FACILITIES = reverse("facilities:facility_list")
QUEUE = reverse("classification:reclassification_list") + "?tab=all"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    caches["pages"].clear()


def signed_in(user, **client_options) -> Client:
    client = Client(**client_options)
    # The CSRF cookie every browser holds once signed in (the sign-in form sets it).
    client.get(reverse("login"))
    client.force_login(user)
    return client


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM him_data_generation WHERE id = 1")
        return cursor.fetchone()[0]


def test_a_page_is_built_once_then_served_with_only_the_session_and_user_queries(
    django_assert_num_queries,
):
    FacilityFactory(name="Kingsboro Psychiatric Center")
    client = signed_in(analyst_user())
    first = client.get(FACILITIES)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(2):
        second = client.get(FACILITIES)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Kingsboro Psychiatric Center" in second.content.decode()
    # The middleware still runs around a stored page.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_write_made_behind_the_models_back_shows_on_the_next_visit():
    facility = FacilityFactory(name="Kingsboro Psychiatric Center")
    client = signed_in(analyst_user())
    client.get(FACILITIES)
    before = generation()
    # No model, no signal, no service: the database itself notices.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE facilities_facility SET name = %s WHERE id = %s",
            ["Manhattan Psychiatric Center", facility.pk],
        )
    assert generation() == before + 1
    page = client.get(FACILITIES)
    assert page["X-Page-Cache"] == "miss"
    assert "Manhattan Psychiatric Center" in page.content.decode()


def test_a_workflow_action_shows_in_the_queue_at_once():
    hr = hr_user("OMH")
    analyst = analyst_user()
    r = reclassification_in("submitted", hr=hr)
    client = signed_in(analyst)
    unassigned = reverse("classification:reclassification_list") + "?tab=unassigned"
    assert r.position.item_number in client.get(unassigned).content.decode()
    assert client.get(unassigned)["X-Page-Cache"] == "hit"
    taken = client.post(
        reverse("classification:reclassification_transition", args=[r.pk, "take"]),
        {"version": r.version},
    )
    assert taken.status_code == 302
    assert ReclassificationRequest.objects.get(pk=r.pk).assigned_to == analyst
    client.get(taken["Location"])  # the request's page shows "Done: take."
    page = client.get(unassigned)
    assert page["X-Page-Cache"] == "miss"
    assert r.position.item_number not in page.content.decode()


def test_a_write_that_is_rolled_back_leaves_the_pages_cached():
    facility = FacilityFactory()
    client = signed_in(analyst_user())
    client.get(FACILITIES)
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Facility.objects.filter(pk=facility.pk).update(name="Never committed")
        raise RuntimeError
    assert generation() == before
    assert client.get(FACILITIES)["X-Page-Cache"] == "hit"


@pytest.mark.postgres  # SQLite's triggers add one per row written: as safe, if less thrifty
def test_one_transaction_moves_the_generation_once():
    first, second = FacilityFactory(), FacilityFactory()
    before = generation()
    with transaction.atomic():
        Facility.objects.filter(pk=first.pk).update(name="One")
        Facility.objects.filter(pk=second.pk).update(name="Two")
    assert generation() == before + 1


def test_users_never_share_a_page():
    omh = reclassification_in("submitted", hr=hr_user("OMH", username="hr-omh-cache"))
    doccs = reclassification_in("submitted", hr=hr_user("DOCCS", username="hr-doccs-cache"))
    omh_client, doccs_client = signed_in(omh.created_by), signed_in(doccs.created_by)
    # Even from one browser (the same CSRF secret), the user keys the page.
    doccs_client.cookies["csrftoken"] = omh_client.cookies["csrftoken"].value
    omh_page = omh_client.get(QUEUE)
    doccs_page = doccs_client.get(QUEUE)
    assert doccs_page["X-Page-Cache"] == "miss"
    assert omh.position.item_number in omh_page.content.decode()
    assert omh.position.item_number not in doccs_page.content.decode()
    assert doccs.position.item_number in doccs_page.content.decode()


def test_a_user_who_loses_a_role_loses_the_page_too():
    analyst = analyst_user()
    client = signed_in(analyst)
    drift = reverse("classification:drift_report")
    assert client.get(drift).status_code == 200
    assert client.get(drift)["X-Page-Cache"] == "hit"
    analyst.groups.remove(Group.objects.get(name=roles.ANALYST))
    assert client.get(drift).status_code == 403


def test_another_browser_gets_its_own_page_and_its_forms_work():
    analyst = analyst_user()
    signed_in(analyst).get(FACILITIES)
    browser = signed_in(analyst, enforce_csrf_checks=True)
    page = browser.get(FACILITIES)
    assert page["X-Page-Cache"] == "miss"
    again = browser.get(FACILITIES)
    assert again["X-Page-Cache"] == "hit"
    # The stored page's sign-out form carries a token this browser's cookie accepts.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again.content.decode())[1]
    signed_out = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert browser.get(FACILITIES).status_code == 302  # back to the sign-in page


def test_a_message_is_shown_once_and_its_page_is_not_kept():
    client = signed_in(analyst_user())
    saved = client.post(
        reverse("classification:saved_filter_create"), {"name": "Mine", "query": "tab=all"}
    )
    assert saved.status_code == 302
    shown = client.get(saved["Location"])
    assert "X-Page-Cache" not in shown
    assert "Filter “Mine” saved." in shown.content.decode()
    again = client.get(saved["Location"])
    assert again["X-Page-Cache"] == "miss"
    assert "Filter “Mine” saved." not in again.content.decode()


def test_a_download_is_never_kept():
    reclassification_in("submitted", hr=hr_user("OMH"))
    client = signed_in(analyst_user())
    for _ in range(2):
        export = client.get(QUEUE + "&_export=csv")
        assert export.streaming
        assert "X-Page-Cache" not in export


def test_every_table_of_the_site_has_the_generation_trigger():
    tables = {
        model._meta.db_table
        for label in ("facilities", "classification", "candidates")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    } | {"auth_group", "auth_group_permissions", "auth_permission"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # One trigger per table for each of INSERT, UPDATE and DELETE.
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name IN ("
                "'him_data_generation_' || tbl_name || '_insert', "
                "'him_data_generation_' || tbl_name || '_update', "
                "'him_data_generation_' || tbl_name || '_delete') "
                "GROUP BY tbl_name HAVING COUNT(*) = 3"
            )
        else:
            # The deferred row trigger for INSERT, UPDATE and DELETE, and one for TRUNCATE.
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE (t.tgname = 'him_data_generation' AND t.tgdeferrable AND t.tgtype & 28 = 28)"
                " OR t.tgname = 'him_data_generation_truncate' "
                "GROUP BY c.relname HAVING COUNT(*) = 2"
            )
        watched = {row[0] for row in cursor.fetchall()}
    assert tables <= watched, sorted(tables - watched)


@pytest.mark.postgres
def test_the_generation_moves_when_the_write_commits_not_before():
    import psycopg

    facility = FacilityFactory()
    before = generation()
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute(
            "UPDATE facilities_facility SET name = 'Renamed' WHERE id = %s", [facility.pk]
        )
        # Written, not committed: a page built now reads the old data and the old number.
        assert generation() == before
        other.commit()
    assert generation() == before + 1


@pytest.mark.postgres
def test_writers_do_not_wait_for_each_other_on_the_generation_before_commit():
    """Each transaction moves the number at its commit, as its last lock: a writer never holds
    it while waiting for another lock, so two writers cannot deadlock on it."""
    import psycopg

    first, second = FacilityFactory(), FacilityFactory()
    before = generation()
    params = connection.get_connection_params()
    with psycopg.connect(**params) as one, psycopg.connect(**params) as two:
        two.execute("SET lock_timeout = '1s'")
        one.execute("UPDATE facilities_facility SET name = 'One' WHERE id = %s", [first.pk])
        # Would wait for `one`'s commit (and time out) if the number were locked at each write.
        two.execute("UPDATE facilities_facility SET name = 'Two' WHERE id = %s", [second.pk])
        two.commit()
        one.execute("UPDATE facilities_facility SET name = 'One' WHERE id = %s", [second.pk])
        one.commit()
    assert generation() == before + 2


@pytest.mark.postgres
def test_a_commit_waiting_on_a_key_check_does_not_deadlock_on_the_number():
    """PostgreSQL checks foreign keys at commit, in the order the rows were written. The number
    moves after those checks: a commit that waits on one holds nothing another commit needs."""
    import threading
    import time

    import psycopg

    agency = Agency.objects.get(code="OMH")
    target, start = FacilityFactory(agency=agency), FacilityFactory(agency=agency)
    position = PositionFactory(facility=start)
    before = generation()
    params = connection.get_connection_params()
    errors = []
    with psycopg.connect(**params) as locker, psycopg.connect(**params) as mover:
        # A service's lock on a facility, and its write.
        locker.execute("SELECT id FROM facilities_facility WHERE id = %s FOR UPDATE", [target.pk])
        locker.execute("UPDATE facilities_facility SET name = 'Locked' WHERE id = %s", [target.pk])
        # Another transaction writes a row, then points a position at that facility: the key
        # check, run at commit, waits for the lock above.
        mover.execute("UPDATE facilities_agency SET name = name WHERE id = %s", [agency.pk])
        mover.execute(
            "UPDATE classification_position SET facility_id = %s WHERE id = %s",
            [target.pk, position.pk],
        )

        def commit(conn):
            try:
                conn.commit()
            except psycopg.Error as error:
                errors.append(error)

        waiting = threading.Thread(target=commit, args=(mover,))
        waiting.start()
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [mover.info.backend_pid],
                )
                if cursor.fetchone()[0] == "Lock":
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the mover's commit never waited for the facility's lock")
        commit(locker)
        waiting.join(timeout=15)
    assert errors == []
    assert generation() == before + 2


def test_an_htmx_request_gets_a_page_of_its_own():
    client = signed_in(analyst_user())
    client.get(FACILITIES)
    assert client.get(FACILITIES)["X-Page-Cache"] == "hit"
    assert client.get(FACILITIES, headers={"HX-Request": "true"})["X-Page-Cache"] == "miss"


@pytest.mark.postgres  # SQLite's triggers count every column
def test_a_sign_in_alone_leaves_the_number_where_it_was():
    user = analyst_user()
    before = generation()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    assert generation() == before
    User.objects.filter(pk=user.pk).update(first_name="Renamed")
    assert generation() == before + 1
