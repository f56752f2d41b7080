"""Debian's Chromium, as the browser tests and scripts/site_shots.py launch it.

Headless, sandbox off (the tests run as root in CI), and nothing that calls the outside
network: the machines this runs on reach package registries only.
"""

import os
import shutil

CHROMIUM = os.environ.get("HIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
