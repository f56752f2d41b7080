"""Fixtures for the classification tests: one cast of users around one agency's request."""

from types import SimpleNamespace

import pytest

from tests.factories import analyst_user, employee_user, hr_user, supervisor_user


@pytest.fixture
def cast(db):
    """HR of OMH and of DOCCS, two analysts, two supervisors and two employees."""
    return SimpleNamespace(
        hr=hr_user("OMH", username="hr-omh-t"),
        hr_other=hr_user("DOCCS", username="hr-doccs-t"),
        analyst=analyst_user(username="analyst-t"),
        assigned=analyst_user(username="assigned-t"),
        supervisor=supervisor_user(username="supervisor-t"),
        supervisor2=supervisor_user(username="supervisor2-t"),
        employee=employee_user(username="employee-t"),
        employee_other=employee_user(username="employee-other-t"),
    )


@pytest.fixture
def fast_letter(monkeypatch):
    """A stand-in PDF where the letter's content is not the point (WeasyPrint is slow)."""
    monkeypatch.setattr(
        "classification.services.decisions.render_decision_letter",
        lambda r: b"%PDF-1.7 test letter",
    )
    monkeypatch.setattr(
        "classification.appeal_services.render_appeal_packet", lambda a: b"%PDF-1.7 test packet"
    )
