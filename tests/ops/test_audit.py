"""`make audit` (scripts/audit.py): vulnerabilities fail it, packages it cannot audit are named and
fail it, and a vulnerability service that does not answer never passes silently. No network here:
pip-audit's answer and PyPI's are stand-ins."""

import json
import subprocess

import pytest

from scripts import audit


def _pip_audit_says(monkeypatch, dependencies: list[dict], returncode: int = 0) -> None:
    def fake_run(*args, **kwargs):
        return subprocess.CompletedProcess(
            args, returncode, json.dumps({"dependencies": dependencies}), ""
        )

    monkeypatch.setattr(audit.subprocess, "run", fake_run)


def _pypi_says(monkeypatch, version: str, vulnerabilities: list[dict] | Exception) -> None:
    def fake_project(name: str) -> dict:
        if isinstance(vulnerabilities, Exception):
            raise vulnerabilities
        return {"info": {"version": version}, "vulnerabilities": vulnerabilities}

    monkeypatch.setattr(audit, "pypi_project", fake_project)


def test_clean_packages_pass(monkeypatch, capsys):
    _pip_audit_says(monkeypatch, [{"name": "django", "version": "6.1.3", "vulns": []}])
    assert audit.main() == 0
    assert "no known vulnerabilities" in capsys.readouterr().out


def test_a_vulnerability_pip_audit_finds_fails(monkeypatch, capsys):
    vuln = {"id": "PYSEC-1", "fix_versions": ["6.1.4"]}
    _pip_audit_says(monkeypatch, [{"name": "django", "version": "6.1.3", "vulns": [vuln]}], 1)
    assert audit.main() == 1
    assert "VULNERABLE django==6.1.3: PYSEC-1" in capsys.readouterr().out


def test_a_skipped_package_is_audited_from_the_project_document(monkeypatch, capsys):
    pinned = audit.locked_versions()["django"]
    _pip_audit_says(monkeypatch, [{"name": "django", "skip_reason": "not found on PyPI"}])
    _pypi_says(monkeypatch, pinned, [{"id": "GHSA-x", "fixed_in": ["9.9"]}])
    assert audit.main() == 1
    assert f"VULNERABLE django=={pinned}: GHSA-x" in capsys.readouterr().out


@pytest.mark.parametrize(
    "latest, answer, reason",
    [
        ("0.0.1", [], "for 0.0.1 only"),
        (None, OSError("no route to host"), "PyPI unreachable"),
    ],
)
def test_what_cannot_be_audited_is_named_and_fails(monkeypatch, capsys, latest, answer, reason):
    _pip_audit_says(monkeypatch, [{"name": "django", "skip_reason": "not found on PyPI"}])
    _pypi_says(monkeypatch, latest, answer)
    assert audit.main() == 2
    output = capsys.readouterr().out
    assert "NOT AUDITED django==" in output and reason in output
    monkeypatch.setenv("AUDIT_ALLOW_UNAUDITED", "1")
    assert audit.main() == 0
    assert "WARNING 1 package(s) could not be audited" in capsys.readouterr().out


def test_pip_audit_failing_outright_fails(monkeypatch, capsys):
    def broken(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, "", "ConnectionError: pypi.org")

    monkeypatch.setattr(audit.subprocess, "run", broken)
    assert audit.main() == 1
    assert "ConnectionError" in capsys.readouterr().err
