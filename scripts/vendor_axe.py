"""Vendor axe-core (the accessibility checker the browser tests run) from the npm registry.

    .venv/bin/python scripts/vendor_axe.py

Downloads the pinned version's tarball, refuses it unless its SHA-512 is the one pinned here
(npm's `integrity` for that version), and writes axe.min.js and its licence to
tests/browser/vendor/. To move to another version, change VERSION and INTEGRITY together:
`npm view axe-core@<version> dist.integrity` (or the registry's JSON) gives the value.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
FILES = {"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE"}
VENDOR = Path(__file__).resolve().parent.parent / "tests" / "browser" / "vendor"


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def main() -> int:
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        data = response.read()
    if integrity(data) != INTEGRITY:
        print(f"axe-core {VERSION}: the tarball's SHA-512 is not the pinned one; nothing written")
        return 1
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in FILES.items():
            extracted = tar.extractfile(member)
            if extracted is None:
                print(f"axe-core {VERSION}: {member} missing from the tarball")
                return 1
            (VENDOR / name).write_bytes(extracted.read())
    (VENDOR / "VERSION").write_text(f"axe-core {VERSION} {INTEGRITY}\n")
    print(f"axe-core {VERSION} written to {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
