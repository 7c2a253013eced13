"""A real SMTP server on 127.0.0.1 (aiosmtpd), which a test can stop and start again on the
same port: the mail relay being down, then back."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict[str, Any]:
        return mail_settings(self.port)


def mail_settings(port: int) -> dict[str, Any]:
    """The app settings that send to 127.0.0.1:port (no TLS on a loopback test server)."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}


def send_mail_to(app: Any, monkeypatch: Any, port: int) -> None:
    """Point the app's mail at 127.0.0.1:port for the length of the test."""
    for key, value in mail_settings(port).items():
        monkeypatch.setitem(app.config, key, value)


@contextmanager
def smtp_server(running: bool = True) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    if running:
        server.start()
    try:
        yield server
    finally:
        server.stop()
