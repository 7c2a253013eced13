"""portal.web.signing keeps its serializers and derived keys, and changes no format: cookies
and CSRF tokens made by Flask and Flask-WTF's own code are read by the portal's and the other
way round, so nothing a visitor holds stops working across the change or a restart."""

from __future__ import annotations

import time

import pytest
from flask import Flask, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from portal.web import signing
from tests.web.journey import token


def test_the_session_cookie_is_flasks_own_format(app: Flask) -> None:
    ours = app.session_interface
    assert isinstance(ours, signing.SessionInterface)
    flasks = SecureCookieSessionInterface()
    data = {"draft": "x" * 32, "csrf_token": "a" * 40, "lang": "en"}
    assert flasks.get_signing_serializer(app).loads(ours.get_signing_serializer(app).dumps(data)) == data  # type: ignore[union-attr]  # fmt: skip
    assert ours.get_signing_serializer(app).loads(flasks.get_signing_serializer(app).dumps(data)) == data  # type: ignore[union-attr]  # fmt: skip


def test_a_new_secret_key_is_used_at_once_and_the_old_one_still_read(app: Flask) -> None:
    ours = app.session_interface
    before = ours.get_signing_serializer(app)
    assert before is ours.get_signing_serializer(app)  # kept, not made per request
    old_cookie = before.dumps({"draft": "d"})  # type: ignore[union-attr]
    old_key = app.secret_key
    app.secret_key = "a-new-secret-key-for-this-test-only-0123456789"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    try:
        after = ours.get_signing_serializer(app)
        assert after is not before
        assert after.loads(old_cookie) == {"draft": "d"}  # type: ignore[union-attr]
        # Signed with the new key: the old key's serializer cannot read it.
        with pytest.raises(Exception, match="Signature"):
            before.loads(after.dumps({"draft": "e"}))  # type: ignore[union-attr]
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_a_csrf_token_is_one_flask_wtf_accepts_and_the_other_way_round(app: Flask) -> None:
    with app.test_request_context():
        ours = signing.csrf_token()
        assert ours == signing.csrf_token() == g.csrf_token  # once a request
        validate_csrf(ours)
        signing.check_csrf_token(ours, 3600)
    with app.test_request_context():
        theirs = generate_csrf()
        signing.check_csrf_token(theirs, 3600)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda t: "", "The CSRF token is missing."),
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "The CSRF token is invalid."),
        (lambda t: "not-a-token", "The CSRF token is invalid."),
    ],
)
def test_a_wrong_csrf_token_is_refused_as_flask_wtf_refuses_it(
    app: Flask, tamper: object, message: str
) -> None:
    with app.test_request_context():
        bad = tamper(signing.csrf_token())  # type: ignore[operator]
        with pytest.raises(ValidationError, match=message):
            signing.check_csrf_token(bad, 3600)
        with pytest.raises(ValidationError, match=message):
            validate_csrf(bad)


def test_another_sessions_token_and_an_old_token_are_refused(app: Flask) -> None:
    with app.test_request_context():
        someone_elses = signing.csrf_token()
    with app.test_request_context():
        session["csrf_token"] = "b" * 40
        with pytest.raises(ValidationError, match="do not match"):
            signing.check_csrf_token(someone_elses, 3600)
    with app.test_request_context():
        made = signing.csrf_token()
        later = time.time() + 3601
        with pytest.MonkeyPatch.context() as clock:
            clock.setattr(time, "time", lambda: later)
            with pytest.raises(ValidationError, match="expired"):
                signing.check_csrf_token(made, 3600)


def test_a_question_page_posts_with_the_token_it_showed(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/ansoeg/hvem")
    assert page.status_code == 200
    answer = client.post(
        "/ansoeg/hvem", data={"who": "self", "csrf_token": token(page.get_data(as_text=True))}
    )
    assert answer.status_code == 303
    refused = client.post("/ansoeg/hvem", data={"who": "self", "csrf_token": "forged"})
    assert refused.status_code == 400
