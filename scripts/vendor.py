"""`make vendor`: New York State's design system (NYSDS) into static/vendor/nysds/.

Downloads the pinned npm tarballs of @nysds/components and @nysds/styles from the npm registry,
checks each against the sha512 integrity pinned below (the registry's `dist.integrity`), and
extracts only the files the site serves. Nothing is fetched at run time: the site serves these
files itself (decision 0022). To upgrade, change VERSION, put the new versions' integrity from
https://registry.npmjs.org/@nysds/components/<version> (and styles) here, run `make vendor`,
look at the pages, and commit the files.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEST = BASE_DIR / "static" / "vendor" / "nysds"
REGISTRY = "https://registry.npmjs.org"
VERSION = "1.15.0"

# package → (sha512 integrity, {path in the tarball: file name under static/vendor/nysds/}).
PACKAGES = {
    "@nysds/components": (
        "sha512-TTpg2f7MIrwpHZytqfWJK8YZFFH3eFM0srhOPQnOrvnhvCdy58sFcJZTDDBkf+Q0hoILLry6OFSe2dpUTaVGQA==",
        {
            # The UMD build: every component, Lit bundled in.
            "package/dist/nysds.js": "nysds.js",
            "package/LICENSE.md": "LICENSE.md",
        },
    ),
    "@nysds/styles": (
        "sha512-cQArYBo9CZY3kZNlD7tb/W7cHrL5vsuDhCoRwvCHLAa/F4U1MwPe5dTQ8YBg734EGAb3Mpm0iDrDSc9vMTxoCg==",
        {
            # Tokens, typography and the utility classes. The package ships no licence file:
            # its package.json says MIT, as the components' LICENSE.md covers the repository.
            "package/dist/nysds-full.min.css": "nysds-full.min.css",
        },
    ),
}


def tarball_url(package: str, version: str) -> str:
    """The registry's tarball address: @scope/name → @scope/name/-/name-<version>.tgz."""
    return f"{REGISTRY}/{package}/-/{package.split('/')[-1]}-{version}.tgz"


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise unless `data` has the pinned sha512 (Subresource Integrity form)."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise ValueError(f"unsupported integrity algorithm: {algorithm}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise ValueError(f"integrity mismatch: expected {expected}, got {actual}")


def without_source_map(content: bytes) -> bytes:
    """The file without its `//# sourceMappingURL=` line: the map is not shipped, and
    collectstatic's manifest storage refuses a reference to a file it does not have."""
    lines = content.split(b"\n")
    kept = [line for line in lines if not line.startswith(b"//# sourceMappingURL=")]
    return b"\n".join(kept)


def extract(data: bytes, files: dict[str, str], dest: Path) -> list[Path]:
    """Write the named members of the .tgz `data` under `dest`; a missing member is an error."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member_name, target in files.items():
            member = tar.getmember(member_name)
            source = tar.extractfile(member)
            if source is None:
                raise ValueError(f"{member_name} is not a file")
            path = dest / target
            path.write_bytes(without_source_map(source.read()))
            written.append(path)
    return written


def main() -> int:
    DEST.mkdir(parents=True, exist_ok=True)
    for package, (integrity, files) in PACKAGES.items():
        url = tarball_url(package, VERSION)
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https constant)
            data = response.read()
        check_integrity(data, integrity)
        for path in extract(data, files, DEST):
            print(f"{package}@{VERSION} → {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
