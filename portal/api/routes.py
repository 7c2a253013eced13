"""The pull API's views: JSON for a municipality's system, a bearer token per municipality,
no cookies and no CSRF (nothing here is sent by a browser on a user's behalf).

Every call that gets past the token is audited, whatever its answer: the row is written after
the view (and its transaction) has ended, on a connection of its own. A refused token has no
municipality to file an audit row under, so it is logged, never with the token.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from portal.api import events
from portal.db.models import OutboxMessage, utcnow
from portal.extensions import csrf
from portal.handoff import document
from portal.web import db, logs
from portal.web.access import access, guard
from portal.web.errors import report_unhandled, unavailable
from portal.web.outbox import application_document, handoff, stored_body
from portal.web.services import cipher

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
log = logging.getLogger("portal.api")

ACTIONS = {
    "api.list_events": "api_list",
    "api.get_event": "api_event",
    "api.application_pdf": "api_pdf",
    "api.ack_event": "api_ack",
}
REALM = 'Bearer realm="portal-api"'
MAX_TOKEN_LENGTH = 512


# -- the caller -------------------------------------------------------------------------------


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme in any case, as
    RFC 6750 allows); None for anything else."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH or " " in token:
        return None
    return token


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    token = bearer_token(request.headers.get("Authorization"))
    code = handoff().municipality_for_token(token) if token else None
    if code is None:
        reason = "unknown token" if token else "no bearer token"
        log.warning("API call refused: %s", reason, extra={"portal": {"route": logs.route()}})
        challenge = f'{REALM}, error="invalid_token"' if token else REALM
        response = _json({"error": "A valid bearer token is required."}, 401)
        response.headers["WWW-Authenticate"] = challenge
        return response
    g.api_call = events.ApiCall(
        municipality_code=code, action=ACTIONS.get(request.endpoint or "", "api_other"),
        request_id=g.get("request_id", "-"), detail="failed",
    )  # fmt: skip
    return None


@guard("api")
def token_checked() -> ResponseReturnValue | None:
    """Before every API view (access("api")): _authenticate has found the token's municipality.
    It answers a missing or wrong token itself, before any view; this only makes sure of it."""
    return None if "api_call" in g else _json({"error": "A valid bearer token is required."}, 401)


def municipality() -> str:
    return g.api_call.municipality_code  # type: ignore[no-any-return]


def note(detail: str, application_id: int | None = None) -> None:
    """What the audit row says about this call (ids and counts, never personal data)."""
    g.api_call = dataclasses.replace(g.api_call, detail=detail, application_id=application_id)


# -- audit and errors -------------------------------------------------------------------------


@bp.after_request
def _audit(response: Response) -> Response:
    """Written before the answer leaves: a document or PDF is never handed out unaudited."""
    call = g.pop("api_call", None)
    if call is None:
        return response
    if response.status_code >= 400 and call.detail == "failed":
        call = dataclasses.replace(call, detail=f"answered {response.status_code}")
    try:
        events.write_audit(db.database().engine, call)
    except Exception as err:  # the answer must not leave without its audit row
        if db.is_unavailable(err):
            return unavailable(err)  # JSON 503 with Retry-After: the caller tries again
        report_unhandled(err)
        return _json({"error": "The call could not be recorded; try again."}, 500)
    return response


@bp.teardown_request
def _audit_late(_exc: BaseException | None) -> None:
    """The backstop for a call whose answer never reached _audit."""
    call = g.pop("api_call", None)
    if call is not None:
        try:
            events.write_audit(db.database().engine, call)
        except Exception as err:
            report_unhandled(err)


@bp.errorhandler(events.ParameterError)
def _bad_request(err: events.ParameterError) -> Response:
    note(f"refused: {err}")  # a fixed sentence: it never quotes what the caller sent
    return _json({"error": str(err)}, 400)


# InternalServerError by name too: Flask looks handlers up by status code first, and the app's
# own 500 page is registered for that code.
@bp.errorhandler(InternalServerError)
@bp.errorhandler(HTTPException)
def _http_error(err: HTTPException) -> Response:
    code = err.code or 500
    if code >= 500:
        report_unhandled(getattr(err, "original_exception", None) or err)
        message = f"Something went wrong on our side; the request id is {g.get('request_id')}."
    else:
        message = err.description or err.name
    return _json({"error": message}, code)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the endpoints ----------------------------------------------------------------------------


def event_item(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "topic": message.topic,
        "created_at": document.timestamp(message.created_at),
        "document": json.loads(stored_body(message)),
    }


def own_event(raw_id: str) -> OutboxMessage:
    event_id = events.parse_id(raw_id)
    found = events.find_event(db.session(), municipality(), event_id) if event_id else None
    if found is None:
        note("event not found")
        raise NotFound("There is no such event.")
    note(f"event {found.id}", found.application_id)
    return found


@bp.get("/events")
@access("api")
def list_events() -> ResponseReturnValue:
    page = events.parse_page(request.args.to_dict(flat=False))
    found = events.undelivered(db.session(), municipality(), page)
    items = [event_item(message) for message in found]
    note(f"after={page.after} limit={page.limit} returned={len(items)}")
    full = len(found) == page.limit
    return _json({"events": items, "next_cursor": found[-1].id if full else None})


@bp.get("/events/<event_id>")
@access("api")
def get_event(event_id: str) -> ResponseReturnValue:
    message = own_event(event_id)
    delivered = document.timestamp(message.delivered_at) if message.delivered_at else None
    return _json({**event_item(message), "delivered_at": delivered})


@bp.get("/applications/<application_id>/application.pdf")
@access("api")
def application_pdf(application_id: str) -> ResponseReturnValue:
    number = events.parse_id(application_id)
    found = events.find_application(db.session(), municipality(), number) if number else None
    if found is None:
        note("application not found")
        raise NotFound("There is no such application.")
    note("pdf", found.id)
    stored = application_document(db.session(), found)
    response = Response(cipher().decrypt_bytes(stored.pdf_enc), mimetype="application/pdf")
    # The readable reference only: never a CPR number or a name in a file name.
    name = document.pdf_file_name(found.reference)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.set_etag(stored.sha256)
    return response.make_conditional(request)


@bp.post("/events/<event_id>/ack")
@access("api")
@db.transactional
def ack_event(event_id: str) -> ResponseReturnValue:
    number = events.parse_id(event_id)
    case = events.parse_ack(request.get_data(cache=False), request.content_type)
    ack = None
    if number is not None:
        ack = events.acknowledge(db.session(), municipality(), number, case, utcnow())
    if ack is None:
        note("event not found")
        raise NotFound("There is no such event.")
    note(f"event {ack.event_id} " + ("acknowledged" if ack.first else "acknowledged again"),
         ack.application_id)  # fmt: skip
    delivered = document.timestamp(ack.delivered_at) if ack.delivered_at else None
    return _json({"id": ack.event_id, "delivered": True, "delivered_at": delivered,
                  "case_number": ack.case_number})  # fmt: skip
