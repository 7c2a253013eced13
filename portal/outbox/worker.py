"""The worker: lease a due message, send it, settle it; until nothing is due or it is told
to stop. `portal worker` runs it until SIGTERM (finishing the message in hand), `portal
worker --once` until nothing is due. No Flask: the CLI passes the senders in."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from portal.db.engine import Database
from portal.db.models import OutboxKind, OutboxState, utcnow
from portal.outbox import queue
from portal.outbox.queue import Leased, Outcome, Policy

log = logging.getLogger("portal.outbox")

Sender = Callable[[Leased], Outcome]


@dataclass
class Tally:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    lost: int = 0  # lease ran out while sending: another worker has it now

    @property
    def attempts(self) -> int:
        return self.delivered + self.failed + self.dead + self.lost


@dataclass
class Worker:
    database: Database
    senders: Mapping[OutboxKind, Sender]
    push_codes: Collection[str]
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)

    def _lease(self) -> Leased | None:
        mail = OutboxKind.MAIL in self.senders
        with self.database.transaction() as session:
            return queue.lease_next(session, self.clock(), self.policy, self.push_codes, mail)

    def _send(self, leased: Leased) -> Outcome:
        sender = self.senders.get(leased.kind)
        if sender is None:
            return Outcome.failed(f"Nothing here sends {leased.kind.value} messages")
        try:
            return sender(leased)
        except Exception as err:  # one bad message must not stop the worker
            log.exception("outbox sender failed", extra={"portal": {"message_id": leased.id}})
            return Outcome.failed(f"The portal could not send it: {type(err).__name__}")

    def step(self, tally: Tally) -> bool:
        """Send one due message; False when none was due."""
        leased = self._lease()
        if leased is None:
            return False
        outcome = self._send(leased)
        with self.database.transaction() as session:
            state = queue.settle(session, leased, outcome, self.clock(), self.policy, self.rng)
        if state is OutboxState.DELIVERED:
            tally.delivered += 1
        elif state is OutboxState.DEAD:
            tally.dead += 1
        elif state is None:
            tally.lost += 1
        else:
            tally.failed += 1
        log.info(
            "outbox message %s",
            "lost" if state is None else state.value,
            extra={"portal": {"message_id": leased.id, "kind": leased.kind.value,
                              "attempt": leased.attempts, "error": outcome.error}},
        )  # fmt: skip
        return True

    def run_once(self, stop: threading.Event | None = None) -> Tally:
        """Send what is due now, then return. A message that fails is not retried in the same
        run (its next attempt lies in the future), so the loop ends."""
        tally = Tally()
        while not (stop and stop.is_set()) and self.step(tally):
            pass
        return tally

    def run(self, stop: threading.Event, idle_seconds: float = 2.0) -> Tally:
        """Until `stop` is set; a message in hand is always finished first."""
        tally = Tally()
        while not stop.is_set():
            if not self.step(tally):
                stop.wait(idle_seconds)
        return tally
