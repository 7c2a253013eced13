"""The test provider as a real subprocess, and a handle to steer it over its control API."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "portal-test"
CLIENT_SECRET = "portal-test-secret-0123456789"


@dataclass
class RunningProvider:
    process: subprocess.Popen[str]
    issuer: str

    def control(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        if body is None:
            response = requests.get(f"{self.issuer}/control/{path}", timeout=5)
        else:
            response = requests.post(f"{self.issuer}/control/{path}", json=body, timeout=5)
        response.raise_for_status()
        return response.json()

    def next_login(
        self,
        claims: Mapping[str, Any],
        faults: Iterable[str] = (),
        userinfo_only: Iterable[str] = (),
    ) -> None:
        """The claims (and faults) of the next authorize call, whoever makes it; the claims
        named in `userinfo_only` are left out of the ID token and sent from userinfo."""
        self.control("next", {
            "claims": dict(claims), "faults": sorted(faults),
            "userinfo_only": sorted(userinfo_only),
        })  # fmt: skip

    def allow(self, redirect_uri: str, post_logout_redirect_uri: str) -> None:
        self.control("client", {
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": [redirect_uri],
            "post_logout_redirect_uris": [post_logout_redirect_uri],
        })  # fmt: skip

    def seen(self) -> dict[str, Any]:
        """The provider's log of token, userinfo and end_session calls, and its open
        sessions."""
        return dict(self.control("seen"))

    def reset(self) -> None:
        self.control("reset", {})

    def login_settings(self, profile: str = "oiosaml") -> dict[str, str]:
        """The portal's settings (PORTAL_* names, as config overrides) for this provider."""
        return {
            "PORTAL_CITIZEN_LOGIN": "oidc",
            "PORTAL_OIDC_ISSUER": self.issuer,
            "PORTAL_OIDC_CLIENT_ID": CLIENT_ID,
            "PORTAL_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "PORTAL_OIDC_CLAIM_PROFILE": profile,
            "PORTAL_OIDC_SCOPES": "openid",
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_provider() -> RunningProvider:
    """Start `python -m tests.oidc.provider` on a free port and wait for its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc.provider", "--port", "0",
         "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the test provider did not start: {line!r}")
    return RunningProvider(process, line.removeprefix("listening on "))
