"""An optional error report to the municipality's own monitoring: off unless
PORTAL_ERROR_WEBHOOK is set.

On an unhandled error the portal POSTs one small JSON object to that address: the exception's
type and where it happened, the request id, the route rule and the time. Never its message, a
form value, a path a visitor sent, a header or a cookie: those may hold personal data. The post
is made by a background thread with a short time-out, so a slow or broken receiver never slows
or fails a visitor's request; when too many reports wait, the newest are dropped.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from portal.config import ConfigError

log = logging.getLogger("portal.error_hook")


class ErrorHook:
    def __init__(self, url: str, timeout: float = 3.0, backlog: int = 100) -> None:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ConfigError("Refusing to start: PORTAL_ERROR_WEBHOOK must be an http(s) address.")
        self.url = url
        self.timeout = timeout
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=backlog)
        self._lock = threading.Lock()
        self._pid: int | None = None

    def report(self, event: dict[str, Any]) -> None:
        """Queue one report; never blocks and never raises."""
        self._ensure_sender()
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            log.warning("Error report dropped: too many waiting")

    def _ensure_sender(self) -> None:
        # Started lazily and again after a fork: a gunicorn worker does not inherit threads.
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._send_forever, name="error-hook", daemon=True).start()

    def _send_forever(self) -> None:
        while True:
            event = self._queue.get()
            try:
                self.send(event)
            except Exception as err:  # a broken receiver must not end the thread
                log.warning("Error report not delivered (%s)", type(err).__name__)
            finally:
                self._queue.task_done()

    def send(self, event: dict[str, Any]) -> None:
        body = json.dumps(event, ensure_ascii=False).encode()
        post = urllib.request.Request(  # noqa: S310 (http(s) only: checked above)
            self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(post, timeout=self.timeout) as response:  # noqa: S310
            response.read()

    def wait(self) -> None:
        """Until every queued report has been tried (tests, and a clean shutdown)."""
        self._queue.join()
