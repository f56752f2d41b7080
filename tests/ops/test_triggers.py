"""The database triggers, all declared with django-pgtrigger in the models' `Meta.triggers`
(docs/decisions/0012): the list is written out here, so adding or dropping one is a decision
someone makes on purpose, and each one is installed, current and enabled."""

import pgtrigger
import pytest

# (model, trigger): what each one is for.
DECLARED = {
    # Audit rows are append-only (common.audit.append_only_triggers).
    ("facilities.AnnualActivityRevision", "append_only"),
    ("candidates.Verification", "append_only"),
    ("classification.PositionTitleChange", "append_only"),
    ("classification.ReclassificationEvent", "append_only"),
    ("facilities.DelegationEvent", "append_only"),
    ("classification.DelegatedAct", "append_only"),
    ("classification.AppealEvent", "append_only"),
    # ... and cannot be emptied at once (TRUNCATE fires no row trigger).
    ("facilities.AnnualActivityRevision", "no_truncate"),
    ("candidates.Verification", "no_truncate"),
    ("classification.PositionTitleChange", "no_truncate"),
    ("classification.ReclassificationEvent", "no_truncate"),
    ("facilities.DelegationEvent", "no_truncate"),
    ("classification.DelegatedAct", "no_truncate"),
    ("classification.AppealEvent", "no_truncate"),
    # A request's stored agency is its position's facility's agency, whatever moves.
    ("classification.ReclassificationRequest", "agency_of_position"),
    ("classification.Position", "requests_follow_position"),
    ("facilities.Facility", "requests_follow_facility"),
    # The dashboard's counts of requests by agency, status and days (decision 0024).
    ("classification.ReclassificationRequest", "request_tally"),
    ("classification.ReclassificationRequest", "request_tally_truncate"),
    # Each position's latest title change, for reports of every position (decision 0026).
    ("classification.PositionTitleChange", "latest_title_change"),
    # The time in each status, by day started and status (decision 0027).
    ("classification.StatusSpell", "spell_tally"),
    ("classification.StatusSpell", "spell_tally_truncate"),
    # Each facility's chief position by the latest titles (decision 0028).
    ("classification.Position", "chief_position_insert"),
    ("classification.Position", "chief_position_update"),
    ("classification.Position", "chief_position_delete"),
    ("classification.LatestTitleChange", "chief_latest_insert"),
    ("classification.LatestTitleChange", "chief_latest_update"),
    ("classification.LatestTitleChange", "chief_latest_delete"),
    ("classification.LatestTitleChange", "chief_latest_truncate"),
    ("classification.Title", "chief_title_update"),
}


def test_the_declared_triggers_are_the_listed_ones():
    declared = {(model._meta.label, trigger.name) for model, trigger in pgtrigger.registered()}
    assert declared == DECLARED


@pytest.mark.django_db
def test_every_declared_trigger_is_installed_current_and_enabled():
    status = {
        (model._meta.label, trigger.name): trigger.get_installation_status(model)
        for model, trigger in pgtrigger.registered()
    }
    assert status == dict.fromkeys(DECLARED, ("INSTALLED", True))
