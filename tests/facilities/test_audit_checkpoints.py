"""Each chain's length and last row, anchored outside the database (common.checkpoints): the
tables' owner who deletes the last events, past the triggers, is found by `verify_audit`
against the signed checkpoint, and a forged checkpoint is named."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from classification.models import ReclassificationEvent
from tests.classification.factories import reclassification_in
from tests.factories import hr_user
from tests.ops.owner import owner_connection

# The owner's session must see the rows: they are committed (and emptied after, as the owner).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checkpoint_file(tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    with override_settings(HIM_AUDIT_CHECKPOINT_FILE=path):
        yield path


@pytest.fixture
def events():
    hr = hr_user("OMH")
    for _ in range(3):
        reclassification_in("submitted", hr=hr)
    return list(ReclassificationEvent.objects.order_by("pk"))


def _as_owner_delete_events(*ids: int) -> None:
    """What the tables' owner can do and the site's role cannot (tests/ops/test_db_roles.py)."""
    table = ReclassificationEvent._meta.db_table
    with owner_connection() as owner, owner.transaction():
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")
        owner.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        owner.execute(f'DELETE FROM "{table}" WHERE id = ANY(%s)', [list(ids)])  # noqa: S608
        owner.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')


def _verify(capsys) -> tuple[str, str]:
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    out, err = capsys.readouterr()
    return str(refused.value), out + err


def test_an_untouched_trail_verifies_against_its_checkpoint(checkpoint_file, events, capsys):
    call_command("checkpoint_audit")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "still holds the rows of the latest checkpoint" in out
    assert "Audit chains intact." in out
    line = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert line["chains"]["classification.ReclassificationEvent"] == {
        "rows": len(events),
        "last_id": events[-1].pk,
        "last_hash": events[-1].row_hash,
    }


def test_the_last_events_deleted_by_the_owner_are_reported(checkpoint_file, events, capsys):
    call_command("checkpoint_audit")
    _as_owner_delete_events(events[-1].pk, events[-2].pk)
    # The chain itself still links up: only the checkpoint shows the cut.
    message, output = _verify(capsys)
    assert "ReclassificationEvent: rows were removed from the end" in output
    assert f"counted {len(events)} rows, ending at row {events[-1].pk}" in output
    assert f"the table now has {len(events) - 2}" in output
    assert "not intact" in message
    # Nor will the next scheduled checkpoint sign over the cut.
    with pytest.raises(CommandError, match="No checkpoint written: the audit trail was cut"):
        call_command("checkpoint_audit")


def test_a_tail_cut_and_made_up_again_is_reported(checkpoint_file, events, capsys):
    """The owner deletes the last event and a new one is recorded: as many rows as the
    checkpoint counted, but its last row is gone."""
    call_command("checkpoint_audit")
    _as_owner_delete_events(events[-1].pk)
    reclassification_in("submitted", hr=hr_user("OMH"))
    assert ReclassificationEvent.objects.count() >= len(events)
    _, output = _verify(capsys)
    assert f"(row {events[-1].pk}) is gone or was changed: the chain was cut" in output


def test_a_forged_checkpoint_is_reported(checkpoint_file, events, capsys):
    call_command("checkpoint_audit")
    record = json.loads(checkpoint_file.read_text())
    record["chains"]["classification.ReclassificationEvent"]["rows"] = 1
    checkpoint_file.write_text(json.dumps(record) + "\n")
    _, output = _verify(capsys)
    assert "Checkpoint line 1" in output
    assert "not signed with the checkpoint key: it was forged or altered" in output


def test_a_checkpoint_signed_with_another_key_is_not_trusted(checkpoint_file, events, capsys):
    with override_settings(HIM_AUDIT_CHECKPOINT_KEY="someone-elses-key"):
        call_command("checkpoint_audit")
    _, output = _verify(capsys)
    assert "forged or altered" in output
    # Rotation: the old key in the fallbacks, its lines verify.
    with override_settings(HIM_AUDIT_CHECKPOINT_KEY_FALLBACKS=["someone-elses-key"]):
        call_command("verify_audit")


def test_without_a_checkpoint_verify_says_the_ends_are_not_anchored(checkpoint_file, capsys):
    call_command("verify_audit")
    assert "No signed checkpoint yet" in capsys.readouterr().out


def test_without_a_key_no_checkpoint_is_written(checkpoint_file):
    with (
        override_settings(HIM_AUDIT_CHECKPOINT_KEY=""),
        pytest.raises(CommandError, match="set HIM_AUDIT_CHECKPOINT_KEY"),
    ):
        call_command("checkpoint_audit")
    assert not checkpoint_file.exists()
