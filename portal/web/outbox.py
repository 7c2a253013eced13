"""The outbox inside the app: its settings, queueing an e-mail from a view, and the worker's
senders (mail, notices to the functional mailbox, deliveries to the municipality's system).

Views only ever queue; `portal worker` (or `portal serve --with-worker` in development) sends.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.config import ConfigError
from portal.db.models import Application, ApplicationDocument, OutboxKind, OutboxMessage
from portal.handoff import document
from portal.mail import MailSettings, send
from portal.outbox import queue, targets, webhook
from portal.outbox.queue import Leased, Outcome, Policy
from portal.outbox.worker import Sender, Worker
from portal.web.db import database
from portal.web.services import cipher


def init_app(app: Flask) -> None:
    handoff = app.config.get("HANDOFF")
    if handoff is None:
        try:
            handoff = targets.from_environ(os.environ, app.config["PORTAL_ENV"] == "production")
        except targets.TargetError as err:
            raise ConfigError(f"Refusing to start: {err}") from None
    app.extensions["portal.handoff"] = handoff
    if app.config["PORTAL_ENV"] == "production" and (
        handoff.webhooks or handoff.api_token_digests
    ) and not app.config.get("PUBLIC_URL"):  # fmt: skip
        raise ConfigError(
            "Refusing to start: PORTAL_PUBLIC_URL is not set (deliveries link to the "
            "application's PDF with it, e.g. https://ansoeg.kommune.dk)."
        )


def handoff() -> targets.Handoff:
    return current_app.extensions["portal.handoff"]  # type: ignore[no-any-return]


def policy() -> Policy:
    config = current_app.config
    return Policy(
        first_retry=timedelta(seconds=float(config["OUTBOX_FIRST_RETRY_SECONDS"])),
        longest_retry=timedelta(seconds=float(config["OUTBOX_LONGEST_RETRY_SECONDS"])),
        give_up_after=timedelta(seconds=float(config["OUTBOX_GIVE_UP_SECONDS"])),
        lease=timedelta(seconds=float(config["OUTBOX_LEASE_SECONDS"])),
    )


def mail_settings() -> MailSettings:
    """SMTP when MAIL_SERVER is set; in development, files under instance/mail instead."""
    config = current_app.config
    folder = None
    if not config.get("MAIL_SERVER") and config["PORTAL_ENV"] != "production":
        folder = Path(config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")
    return MailSettings(
        sender=config["MAIL_SENDER"], server=config.get("MAIL_SERVER"), port=config["MAIL_PORT"],
        username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
        use_tls=config["MAIL_USE_TLS"], folder=folder,
    )  # fmt: skip


def queue_mail(
    session: Session, *, municipality_code: str | None, topic: str, to: str, subject: str,
    body: str,
    application_id: int | None = None,
) -> None:  # fmt: skip
    """Queue an e-mail in the caller's transaction; the worker sends it."""
    queue.add_mail(
        session, cipher(), municipality_code=municipality_code, topic=topic, to=to,
        subject=subject, body=body, application_id=application_id,
    )  # fmt: skip


def queue_notice(session: Session, application: Application) -> None:
    """Tell the municipality's functional mailbox, if it has one, that an application came.
    The reference only: the case itself is in the portal and the delivered document."""
    address = handoff().notice_addresses.get(application.municipality_code)
    if not address:
        return
    from portal.web.i18n import gettext as _
    from portal.web.i18n import speaking

    # The municipality's staff read Danish, whoever applied. speaking(), not force_locale():
    # the request keeps its catalogue once looked up, which would still be the citizen's.
    with speaking("da"):
        subject = _("Ny ansøgning %(reference)s", reference=application.reference)
        body = _(
            "Der er kommet en ny ansøgning om et aktivitets- og samværstilbud. Nummeret er "
            "%(reference)s.\n\nDu finder den i portalens kø for din kommune.",
            reference=application.reference,
        )
    queue.add_mail(
        session, cipher(), municipality_code=application.municipality_code,
        topic="notice.submitted", to=address, application_id=application.id,
        kind=OutboxKind.NOTICE,
        subject=subject, body=body,
    )  # fmt: skip


# -- the application's PDF and the delivered document -------------------------------------


def application_document(session: Session, application: Application) -> ApplicationDocument:
    """The application's PDF, made once: a concurrent maker's copy wins and is reused. The
    PDF is drawn outside any write transaction (it takes a while; SQLite would be locked)."""
    found = session.get(ApplicationDocument, application.id)
    if found is not None:
        return found
    from portal.web.handoff_render import application_pdf

    pdf = application_pdf(application)
    with database().transaction() as writer:
        insert = pg_insert if writer.get_bind().dialect.name == "postgresql" else sqlite_insert
        writer.execute(
            insert(ApplicationDocument)
            .values(
                application_id=application.id,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                pdf_enc=cipher().encrypt_bytes(pdf),
            )
            .on_conflict_do_nothing(index_elements=["application_id"])
        )
        # Read back in the writing transaction: the caller's reader may hold an older snapshot.
        made = writer.get(ApplicationDocument, application.id)
    if made is None:
        raise LookupError("the application's PDF could not be stored")
    return made


def pdf_url(application_id: int) -> str:
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}/api/v1/applications/{application_id}/application.pdf"


def build_body(session: Session, message: OutboxMessage | Leased) -> bytes:
    """The JSON document for an event, built from the application as stored."""
    from portal.web.handoff_render import case_facts

    application = session.get(Application, message.application_id)
    if application is None:
        raise LookupError("the event's application is gone")
    pdf = application_document(session, application)
    event = document.Event(
        message_id=message.id, topic=message.topic, occurred_at=message.created_at,
        status=message.event_status or application.status.value,
    )  # fmt: skip
    data = document.build_document(
        event, case_facts(application),
        document.PdfRef(url=pdf_url(application.id), size=pdf.size, sha256=pdf.sha256),
        handoff().kle_facets.get(application.municipality_code),
    )  # fmt: skip
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def stored_body(message: OutboxMessage | Leased) -> bytes:
    """The event's document: built at the first attempt (or first pull) and kept, encrypted,
    so every retry and every fetch sends the same bytes. Whoever stores first wins."""
    if message.body_enc:
        return cipher().decrypt(message.body_enc).encode()  # type: ignore[no-any-return]
    reader = database().read_session()
    try:
        body = build_body(reader, message)
    finally:
        reader.close()
    with database().transaction() as writer:
        writer.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.body_enc.is_(None))
            .values(body_enc=cipher().encrypt(body.decode()))
        )
        kept = writer.scalar(select(OutboxMessage.body_enc).where(OutboxMessage.id == message.id))
    return cipher().decrypt(kept).encode() if kept else body


# -- the worker's senders ---------------------------------------------------------------------


def _send_mail(leased: Leased) -> Outcome:
    settings = mail_settings()
    if not settings.can_send:
        return Outcome.failed("No mail server is configured (MAIL_SERVER)")
    data: dict[str, Any] = cipher().decrypt(leased.payload_enc or "")
    try:
        send(settings, data["to"], data["subject"], data["body"])
    except TimeoutError:
        return Outcome.failed("The mail server did not answer in time")
    except OSError as err:  # smtplib's errors are OSErrors too
        # The class only: an SMTP error's text can quote the recipient's address.
        return Outcome.failed(f"The mail server refused or failed: {type(err).__name__}")
    return Outcome.ok()


def _deliver(leased: Leased) -> Outcome:
    target = handoff().webhooks.get(leased.municipality_code or "")
    if target is None:
        return Outcome.failed("No receiver is configured for the municipality")
    timeout = float(current_app.config["OUTBOX_SEND_TIMEOUT_SECONDS"])
    return webhook.push(target, str(leased.id), stored_body(leased), timeout)


def build_worker(app: Flask) -> Worker:
    """A worker for this app's database and settings; call its methods in an app context."""
    with app.app_context():
        senders: dict[OutboxKind, Sender] = {OutboxKind.DELIVERY: _deliver}
        if mail_settings().can_send:
            senders[OutboxKind.MAIL] = _send_mail
            senders[OutboxKind.NOTICE] = _send_mail
        return Worker(database(app), senders, frozenset(handoff().webhooks), policy())
