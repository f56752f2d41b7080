"""`make audit`: known vulnerabilities in the locked dependencies (requirements.lock).

pip-audit asks PyPI for each pinned version. Where PyPI's per-version answer is missing (some
mirrors serve only the per-project document), the project document still lists the known
vulnerabilities of the *latest* release: if that is the pinned version, the package is audited
from it. Anything still unaudited is named, and the audit fails, unless
AUDIT_ALLOW_UNAUDITED=1 says to report them and go on. Any known vulnerability fails it always.
A vulnerability service that cannot be reached fails it too: never a silent pass.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCK = BASE_DIR / "requirements.lock"
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def locked_versions() -> dict[str, str]:
    """Normalised package name → pinned version, from requirements.lock."""
    pins = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)", LOCK.read_text(), re.M
    )
    return {normalise(name): version for name, version in pins}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pypi_project(name: str) -> dict:
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=20) as answer:
        return json.load(answer)


def main() -> int:
    run = subprocess.run(
        [
            str(PIP_AUDIT),
            "--disable-pip",
            f"--requirement={LOCK}",
            "--format=json",
            "--progress-spinner=off",
        ],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"audit: pip-audit failed (exit {run.returncode}):\n{run.stderr}", file=sys.stderr)
        return 1
    pins = locked_versions()
    vulnerable, unaudited, audited = [], [], 0
    for dependency in report["dependencies"]:
        name = dependency["name"]
        version = dependency.get("version") or pins.get(normalise(name), "?")
        if "skip_reason" not in dependency:
            audited += 1
            vulnerable += [
                (name, version, v["id"], v.get("fix_versions")) for v in dependency["vulns"]
            ]
            continue
        try:
            project = pypi_project(name)
        except OSError as error:
            unaudited.append((name, version, f"PyPI unreachable: {error}"))
            continue
        latest = project["info"]["version"]
        if latest != version:
            unaudited.append((name, version, f"PyPI lists vulnerabilities for {latest} only"))
            continue
        audited += 1
        vulnerable += [
            (name, version, v["id"], v.get("fixed_in")) for v in project["vulnerabilities"]
        ]
    print(f"audit: {audited} of {len(report['dependencies'])} locked packages audited.")
    for name, version, ident, fixed in vulnerable:
        print(f"VULNERABLE {name}=={version}: {ident} (fixed in {fixed or 'no release yet'})")
    for name, version, reason in unaudited:
        print(f"NOT AUDITED {name}=={version}: {reason}")
    if vulnerable:
        return 1
    if unaudited:
        if os.environ.get("AUDIT_ALLOW_UNAUDITED") == "1":
            print(f"audit: WARNING {len(unaudited)} package(s) could not be audited (allowed).")
            return 0
        print("audit: some packages could not be audited (AUDIT_ALLOW_UNAUDITED=1 to go on).")
        return 2
    print("audit: no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
