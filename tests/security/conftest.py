"""Fixtures for the security tests: the two-agency scene, with a fast stand-in letter."""

import pytest

from .scene import build_scene


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


@pytest.fixture
def scene(db, fast_letter):
    return build_scene()
