"""Run the site as production runs it, on loopback, for the benchmark and the fault tests.

`production_environment()` builds the environment of a production app server (DEBUG off,
no HTTPS redirect because there is no proxy on loopback, a throw-away secret);
`prepare_site()` migrates, collects static files and creates signed-in users with a random
password; `Gunicorn` runs the app servers; `Client` talks HTTP and keeps the cookies that
production marks Secure (a browser would drop them over plain http, the proxy speaks https).
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

# The users the benchmark and the fault tests sign in as: role → (username, agency code).
SIGN_IN_USERS = {
    "analyst": ("ops-analyst", None),
    "supervisor": ("ops-supervisor", None),
    "hr": ("ops-hr", "OMH"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(*, database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """The environment of one production app server on loopback."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # DATABASE_OWNER_URL too: an inherited owner would migrate another database.
        if not key.startswith(("DJANGO_", "HIM_", "DB_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    environment.update(extra)
    return environment


_CREATE_USERS = """
import os
from django.contrib.auth.models import Group
from facilities.models import Agency, User
from facilities import roles
role_groups = {"analyst": roles.ANALYST, "supervisor": roles.SUPERVISOR, "hr": roles.AGENCY_HR}
for role, (username, agency_code) in %r.items():
    user, _ = User.objects.get_or_create(username=username)
    user.agency = Agency.objects.get(code=agency_code) if agency_code else None
    user.set_password(os.environ["OPS_PASSWORD"])
    user.save()
    user.groups.set([Group.objects.get(name=role_groups[role])])
"""


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def prepare_site(env: dict[str, str], *, collect_static: bool = True) -> str:
    """Migrate, collect static files, and (re)create SIGN_IN_USERS; return their password.

    The password is new and random on every run, so these users never keep a known password.
    """
    manage("migrate", "--noinput", "-v0", env=env)
    if collect_static:
        manage("collectstatic", "--noinput", "-v0", env=env)
    password = secrets.token_urlsafe(24)
    manage(
        "shell", "-v0", "-c", _CREATE_USERS % SIGN_IN_USERS, env={**env, "OPS_PASSWORD": password}
    )
    return password


@dataclass
class Gunicorn:
    """Production app servers: `workers` sync workers on a loopback port."""

    env: dict[str, str]
    workers: int = 2
    log: Path | None = None  # where the servers' own log goes (default: this process's stderr)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    _log_file: IO[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> None:
        self._log_file = self.log.open("ab") if self.log else None
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                "--timeout=30",
                "--graceful-timeout=5",
                "--log-level=warning",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stderr=self._log_file,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                Client(self.port).get("/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file:
            self._log_file.close()

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class SignInError(RuntimeError):
    """The sign-in page or form did not answer as it should; `response` is what it answered."""

    def __init__(self, message: str, response: Response) -> None:
        super().__init__(message)
        self.response = response


class Client:
    """A small HTTP client for one loopback server, with its own cookies."""

    def __init__(self, port: int, *, timeout: float = 20) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = self.cookie_header
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, dict(answer.getheaders()), answer.read())
            for raw in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the sign-in form, as a person would (CSRF token included)."""
        page = self.get("/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not match:
            raise SignInError(f"sign-in page answered {page.status}", page)
        form = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        answer = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SignInError(f"sign-in as {username} failed ({answer.status})", answer)


@contextmanager
def signed_in_clients(port: int, password: str, roles: list[str]) -> Iterator[dict[str, Client]]:
    clients = {}
    for role in roles:
        client = Client(port)
        if role != "anonymous":
            client.sign_in(SIGN_IN_USERS[role][0], password)
        clients[role] = client
    yield clients
