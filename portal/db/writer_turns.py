"""Writers on one SQLite file take turns, in a queue that wakes the next one at once.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which does not wake when the lock is free: it sleeps 1, 2, 5, 10 ... up
to 100 ms between tries. Under load a waiter that keeps finding the lock taken sleeps longer
and longer while writers that arrived after it slip in between its tries. Measured under
gunicorn (two workers, four threads each, 16 connections), a question page's answer took up
to 150-540 ms at the 99th percentile and the final "send" 500-1,650 ms, against 32 and 64-138
ms with one worker (docs/benchmarks.md).

So before BEGIN IMMEDIATE a writer takes its turn here: first among its own process's threads
(a lock), then among processes (an exclusive flock on a file next to the database, which the
kernel hands to a waiting process the moment the holder lets go, and gives back by itself if
the holder dies, even by SIGKILL). The turn is given back right after the COMMIT or ROLLBACK.
SQLite's own lock stays what keeps the data safe: a writer that takes no turn (the sqlite3
shell, a copy of the portal opening the file by another path) is still held off by it, and
a turn only decides who asks SQLite first.

A turn is waited for at most as long as SQLite's busy timeout; then the write fails as it
would have in SQLite ("database is locked"), which the portal answers with its "try again"
page. The wait between processes happens in a helper thread, because a flock cannot be given
a timeout; at most one thread per process waits for it, since the others wait for the
process's own lock first.
"""

from __future__ import annotations

import fcntl
import os
import queue
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc as sa_exc


def locked() -> sa_exc.OperationalError:
    # In SQLite's own words, as its busy timeout says it: the "try again" page.
    return sa_exc.OperationalError(
        "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
    )


@dataclass
class _Ask:
    """One thread's request for the file lock, handed to the helper thread."""

    done: threading.Event = field(default_factory=threading.Event)
    mutex: threading.Lock = field(default_factory=threading.Lock)
    granted: bool = False
    abandoned: bool = False


class WriterTurns:
    def __init__(self, lock_path: str, timeout_s: float) -> None:
        self.lock_path = lock_path
        self.timeout_s = timeout_s
        self._reset()
        # A forked worker starts with its own lock, file and helper: a lock held in the
        # parent would stay held in the child, and a flock on an inherited file would be
        # shared with the parent and every other child instead of separating them.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._holder: Any = None
        self._fd: int | None = None
        self._asks: queue.SimpleQueue[_Ask] | None = None
        self._abandoned: _Ask | None = None

    def take(self, conn: Any) -> None:
        """Wait for the turn of `conn` (a driver connection, or the pool's proxy for one)."""
        conn = _raw(conn)
        if self._holder is conn:
            return
        if not self._lock.acquire(timeout=self.timeout_s):
            raise locked()
        try:
            self._lock_file()
        except BaseException:
            self._lock.release()
            raise
        self._holder = conn

    def give_back(self, conn: Any) -> None:
        conn = _raw(conn)
        if conn is None or self._holder is not conn:
            return
        self._holder = None
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd

    def _lock_file(self) -> None:
        # While the helper still waits for an ask given up on, the file is not tried here:
        # the helper's lock and this thread's would be one (the same open file), and its
        # letting go would end this thread's turn too.
        if self._abandoned is None or self._abandoned.done.is_set():
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
        ask = _Ask()
        self._helper().put(ask)
        ask.done.wait(self.timeout_s)
        with ask.mutex:
            if not ask.granted:
                ask.abandoned = True  # the helper lets go of the lock when it gets it
                self._abandoned = ask
                raise locked()

    def _helper(self) -> queue.SimpleQueue[_Ask]:
        if self._asks is None:
            asks: queue.SimpleQueue[_Ask] = queue.SimpleQueue()
            fd = self._file()
            thread = threading.Thread(
                target=_wait_for_file, args=(fd, asks), name="sqlite-writer-turns", daemon=True
            )
            thread.start()
            self._asks = asks
        return self._asks


def _wait_for_file(fd: int, asks: queue.SimpleQueue[_Ask]) -> None:
    while True:
        ask = asks.get()
        fcntl.flock(fd, fcntl.LOCK_EX)
        with ask.mutex:
            if ask.abandoned:
                fcntl.flock(fd, fcntl.LOCK_UN)
            else:
                ask.granted = True
        ask.done.set()


def _raw(conn: Any) -> Any:
    # The dialect is handed the pool's proxy, the pool's events the driver's own connection.
    return getattr(conn, "dbapi_connection", conn)
