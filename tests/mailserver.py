"""A real SMTP server for tests, on 127.0.0.1 in a thread of its own (asyncio, no dependency).

Modes, switchable while it runs:
- "accept": speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to take every
  message, and keeps what it received in `messages`;
- "hang": accepts the connection and never says a word (the server that held a web worker for
  20–30 s in issue 14);
- "tempfail": answers every RCPT with 451, a temporary refusal a sender should retry.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from django.test.utils import override_settings


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes = b""


@dataclass
class SMTPServer:
    mode: str = "accept"
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def _stop(self) -> None:
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._loop.stop()

    def settings(self, timeout: int = 2) -> override_settings:
        """Django's SMTP mailer pointed at this server."""
        return override_settings(
            MAILERS={
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
                }
            }
        )

    @property
    def recipients(self) -> list[str]:
        with self._lock:
            return [r for m in self.messages for r in m.rcpt_to]

    # --- one SMTP session --------------------------------------------------------------------

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        with self._lock:
            self.connections += 1
        try:
            if self.mode == "hang":
                await asyncio.Event().wait()  # until the server stops
            await self._speak(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _speak(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        say("220 test.invalid ESMTP")
        current: Received | None = None
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                say("250-test.invalid")
                say("250 8BITMIME")
            elif verb == b"HELO":
                say("250 test.invalid")
            elif verb == b"MAIL":
                current = Received(mail_from=line[10:].strip().decode(), rcpt_to=[])
                say("250 OK")
            elif verb == b"RCPT":
                if self.mode == "tempfail":
                    say("451 4.3.0 Try again later")
                else:
                    current.rcpt_to.append(line[8:].strip().decode().strip("<>"))
                    say("250 OK")
            elif verb == b"DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                chunks = []
                while (chunk := await reader.readline()) not in (b".\r\n", b""):
                    chunks.append(chunk)
                current.data = b"".join(chunks)
                with self._lock:
                    self.messages.append(current)
                say("250 OK queued")
            elif verb == b"QUIT":
                say("221 Bye")
                await writer.drain()
                return
            else:  # RSET, NOOP and anything else
                say("250 OK")
            await writer.drain()
