"""Outgoing mail: over SMTP when configured, else (development) as files under instance/mail.

No Flask here: callers pass the settings. Mails carry links, never answers or CPR numbers.
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class MailSettings:
    sender: str
    server: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = None
    use_tls: bool = True
    folder: Path | None = None  # development: where mails are written instead of sent

    @property
    def can_send(self) -> bool:
        return bool(self.server or self.folder)


def compose(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send(settings: MailSettings, to: str, subject: str, body: str) -> None:
    message = compose(settings, to, subject, body)
    if settings.server:
        with smtplib.SMTP(settings.server, settings.port, timeout=10) as smtp:
            if settings.use_tls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
        return
    if settings.folder is None:
        raise RuntimeError("no mail server and no mail folder configured")
    settings.folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = settings.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
