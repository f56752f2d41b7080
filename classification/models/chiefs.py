"""Each facility's chief HIM position by its positions' latest titles, kept by the database
(docs/decisions/0028-facility-chief.md): the drift report reads these 2,000 rows instead of
ranking every active position's title again for each request.

"Latest" is the title of a position's latest change, pending ones included (LatestTitleChange),
else its stored title. On a day when none of a facility's active positions has a change still
to come, that is the title each holds that day, so this row is the facility's chief that day
(the rule of `selectors.chief_position`: the highest Administrator title, then the item
number). The report works out the other facilities from the history, as before.

Statement triggers on the positions, their latest changes and the titles recompute the chiefs
of the facilities a statement touched, in the same transaction, whatever wrote it (the
services, the admin, the seeder's COPY, SQL by hand). `tests/ops/invariants.py` checks the
table against a ranking of the positions."""

import pgtrigger
from django.db import models

from classification.standard import ADMINISTRATOR_CODES

from .positions import LatestTitleChange, Position, Title


class FacilityChief(models.Model):
    """`position` (its `item_number` and `title` copied) is `facility`'s chief HIM position by
    the latest titles; a facility without an active Administrator position has no row."""

    facility = models.OneToOneField(
        "facilities.Facility", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    position = models.OneToOneField(Position, on_delete=models.CASCADE, related_name="+")
    item_number = models.CharField(max_length=20)
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.item_number}"


_ADMINISTRATOR_CODES = ", ".join(f"'{code}'" for code in ADMINISTRATOR_CODES)

# The chiefs, one per facility (DISTINCT ON keeps the first row of each in this order).
# Callers add "AND <which facilities>" and then _CHIEFS_ORDER.
_CHIEFS_SQL = f"""
    SELECT DISTINCT ON (p.facility_id) p.facility_id, p.id, p.item_number, t.id
    FROM classification_position p
    LEFT JOIN classification_latesttitlechange l ON l.position_id = p.id
    JOIN classification_title t ON t.id = COALESCE(l.to_title_id, p.title_id)
    WHERE p.active AND t.code IN ({_ADMINISTRATOR_CODES})"""  # noqa: S608 (fixed fragments)
_CHIEFS_ORDER = "ORDER BY p.facility_id, t.rank DESC, p.item_number"

# Two transactions changing positions of one facility would each rank them without the
# other's change, and the later would write a chief missing the earlier's (or trip on the
# row the earlier wrote). So a recompute first takes the facility's advisory lock (its id
# folded into the lock's 32-bit key, 1 and up), and ranks in its next statement, which sees
# what the other committed. The facilities a statement touched are read again once the locks
# are held (a latest change's facility is its position's, which another transaction may have
# moved meanwhile), until no new one turns up. One statement takes its locks in the keys'
# order; two transactions writing two facilities in opposite orders, a statement each, can
# still deadlock, and PostgreSQL then refuses one of them.
# Key 0 is every facility's: shared by these, and taken alone by a change of titles and by a
# statement touching more than _MANY facilities (the seeder's COPY), so that one transaction
# does not fill PostgreSQL's lock table. Once a transaction holds it alone (him.chiefs_all),
# its later statements need no other lock.
_LOCK = "hashtext('classification_facilitychief')"
_MANY = 500
_ALL_LOCKED = "current_setting('him.chiefs_all', true) = 'on'"
_LOCK_ALL = f"""PERFORM pg_advisory_xact_lock({_LOCK}, 0);
        PERFORM set_config('him.chiefs_all', 'on', true);"""


def _recompute(touched: str) -> str:
    """plpgsql that recomputes the chiefs of the facilities whose ids `touched` selects
    (the variables `ids` and `again` are the trigger's)."""
    ids = (
        f"ARRAY(SELECT DISTINCT t.id FROM ({touched}) t"  # noqa: S608 (fixed fragments)
        " WHERE t.id IS NOT NULL ORDER BY 1)"
    )
    return f"""
    ids := {ids};
    IF cardinality(ids) = 0 THEN
        RETURN NULL;
    END IF;
    LOOP
        IF {_ALL_LOCKED} THEN
            EXIT;
        ELSIF cardinality(ids) > {_MANY} THEN
            {_LOCK_ALL}
            EXIT;
        END IF;
        PERFORM pg_advisory_xact_lock_shared({_LOCK}, 0);
        PERFORM pg_advisory_xact_lock({_LOCK}, k.key)
        FROM (SELECT DISTINCT ((f.id - 1) % 2147483646 + 1)::integer AS key
              FROM unnest(ids) f(id) ORDER BY 1) k;
        again := {ids};
        EXIT WHEN again <@ ids;
        ids := ARRAY(SELECT DISTINCT f.id FROM unnest(ids || again) f(id) ORDER BY 1);
    END LOOP;
    DELETE FROM classification_facilitychief WHERE facility_id = ANY(ids);
    INSERT INTO classification_facilitychief (facility_id, position_id, item_number, title_id)
    {_CHIEFS_SQL} AND p.facility_id = ANY(ids)
    {_CHIEFS_ORDER};
    RETURN NULL;"""  # noqa: S608 (fixed fragments)


_RECOMPUTE_ALL = f"""
    {_LOCK_ALL}
    DELETE FROM classification_facilitychief;
    INSERT INTO classification_facilitychief (facility_id, position_id, item_number, title_id)
    {_CHIEFS_SQL}
    {_CHIEFS_ORDER};"""  # noqa: S608 (fixed fragments)


def _statement(name: str, operation: pgtrigger.Operation, func: str, **referencing: str):
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(**referencing) if referencing else None,
        declare=[("ids", "bigint[]"), ("again", "bigint[]")] if referencing else None,
        func=func,
    )


# A position's facility before and after, where what ranks the positions changed: an update of
# an incumbent or a supervisor recomputes nothing.
_POSITION_MOVED = """
    SELECT unnest(ARRAY[o.facility_id, n.facility_id]) AS id
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.facility_id, o.active, o.title_id, o.item_number)
          IS DISTINCT FROM (n.facility_id, n.active, n.title_id, n.item_number)"""

pgtrigger.register(
    _statement(
        "chief_position_insert",
        pgtrigger.Insert,
        _recompute("SELECT facility_id AS id FROM new_rows"),
        new="new_rows",
    ),
    _statement(
        "chief_position_update",
        pgtrigger.Update,
        _recompute(_POSITION_MOVED),
        old="old_rows",
        new="new_rows",
    ),
    _statement(
        "chief_position_delete",
        pgtrigger.Delete,
        _recompute("SELECT facility_id AS id FROM old_rows"),
        old="old_rows",
    ),
)(Position)


def _changed_positions(rows: str) -> str:
    return f"""
    SELECT p.facility_id AS id FROM {rows} r
    JOIN classification_position p ON p.id = r.position_id"""  # noqa: S608 (fixed fragments)


pgtrigger.register(
    _statement(
        "chief_latest_insert",
        pgtrigger.Insert,
        _recompute(_changed_positions("new_rows")),
        new="new_rows",
    ),
    _statement(
        "chief_latest_update",
        pgtrigger.Update,
        _recompute(_changed_positions("old_rows") + " UNION ALL " + _changed_positions("new_rows")),
        old="old_rows",
        new="new_rows",
    ),
    _statement(
        "chief_latest_delete",
        pgtrigger.Delete,
        _recompute(_changed_positions("old_rows")),
        old="old_rows",
    ),
    # TRUNCATE fires no row trigger and has no transition table: every chief is worked out
    # again, from the stored titles.
    _statement("chief_latest_truncate", pgtrigger.Truncate, _RECOMPUTE_ALL + " RETURN NULL;"),
)(LatestTitleChange)

# Which title outranks which decides every chief: a title's new rank or code recomputes all.
pgtrigger.register(
    _statement(
        "chief_title_update",
        pgtrigger.Update,
        f"""
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
               WHERE (o.code, o.rank) IS DISTINCT FROM (n.code, n.rank)) THEN
        {_RECOMPUTE_ALL}
    END IF;
    RETURN NULL;""",  # noqa: S608 (fixed fragments)
        old="old_rows",
        new="new_rows",
    ),
)(Title)
