"""The test provider's control API, for tests only and on the loopback address only: the next
login's claims and faults, the clients' addresses, and what the provider has seen."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, jsonify, request

from tests.oidc.state import FAULTS, LOOPBACK, Client, Login, State


def register_control(app: Flask, state: State) -> None:
    @app.before_request
    def _loopback_only() -> None:
        if request.path.startswith("/control/") and request.remote_addr not in LOOPBACK:
            abort(403)

    @app.post("/control/next")
    def control_next() -> Any:
        """The next login: {"claims": {...}, "faults": [...], "userinfo_only": [...]}; used by
        one authorize call. The claims named in userinfo_only are not in the ID token."""
        body = request.get_json(force=True)
        faults = frozenset(body.get("faults", ()))
        unknown = faults - FAULTS
        if unknown or not isinstance(body.get("claims"), dict):
            return jsonify({"error": f"unknown faults {sorted(unknown)} or no claims"}), 400
        with state.lock:
            state.next_login = Login(
                body["claims"], faults, frozenset(body.get("userinfo_only", ()))
            )
        return jsonify({"ok": True})

    @app.post("/control/client")
    def control_client() -> Any:
        """Register a client, or more addresses for it: {"client_id", "client_secret",
        "redirect_uris": [...], "post_logout_redirect_uris": [...]}."""
        body = request.get_json(force=True)
        with state.lock:
            client = state.clients.setdefault(body["client_id"], Client(body["client_secret"]))
            client.secret = body["client_secret"]
            client.redirect_uris.update(body.get("redirect_uris", ()))
            client.post_logout_redirect_uris.update(body.get("post_logout_redirect_uris", ()))
        return jsonify({"ok": True})

    @app.get("/control/seen")
    def control_seen() -> Any:
        with state.lock:
            return jsonify({"log": list(state.log), "sessions": dict(state.sessions)})

    @app.post("/control/reset")
    def control_reset() -> Any:
        with state.lock:
            state.next_login = None
            state.grants.clear()
            state.access_tokens.clear()
            state.sessions.clear()
            state.log.clear()
        return jsonify({"ok": True})
