"""The session cookie's and the CSRF token's signatures, made with keys derived once.

Flask builds a new signing serializer for every request's session cookie, and Flask-WTF one
for every CSRF token; each then derives its HMAC key from the secret again for every signature
it makes or checks. On a question page that was about 60 µs of a request spent producing the
same keys. Here each serializer is made once per secret (a changed SECRET_KEY or
SECRET_KEY_FALLBACKS makes a new one) and its signer keeps the derived keys.

The formats do not change: the cookie is what Flask's SecureCookieSessionInterface reads and
writes, and the token is one Flask-WTF's validate_csrf accepts (itsdangerous' URL-safe timed
format; the payload, a 40-character hex string, is never compressed, as it never compressed
to anything shorter). Cookies and tokens made before a restart stay valid.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from typing import Any

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import (
    BadData,
    Serializer,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_encode
from wtforms.csrf.core import CSRF  # type: ignore[import-untyped]
from wtforms.validators import ValidationError  # type: ignore[import-untyped]

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's, so that its validate_csrf checks our tokens
log = logging.getLogger("flask_wtf.csrf")  # where Flask-WTF logs a refused token


class KeptKeySigner(TimestampSigner):
    """A TimestampSigner that derives each secret's key once, not for every signature."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
        key = self._derived.get(raw)
        if key is None:
            key = self._derived[raw] = super().derive_key(secret_key)
        return key


class _KeptSerializer(URLSafeTimedSerializer):
    """Signers made once: itsdangerous makes a new one for every dumps and loads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, signer=KeptKeySigner, **kwargs)
        self._signers: dict[Any, Any] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Any:
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


class _PlainPayload(_KeptSerializer):
    def dump_payload(self, obj: Any) -> bytes:
        # Skips the attempt to compress: a CSRF token's payload never got shorter with it.
        return base64_encode(Serializer.dump_payload(self, obj))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer made once per set of secrets."""

    def __init__(self) -> None:
        self._made: tuple[Any, URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        made = self._made
        if made is None or made[0] != keys:
            serializer = _KeptSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            made = self._made = (keys, serializer)
        return made[1]


_CSRF: dict[Any, URLSafeTimedSerializer] = {}


def _field() -> str:
    """Where Flask-WTF keeps the token, in g and the session."""
    return str(current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token")


def _csrf_serializer() -> URLSafeTimedSerializer:
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    serializer = _CSRF.get(secret)
    if serializer is None:
        serializer = _CSRF[secret] = _PlainPayload(secret, salt=CSRF_SALT)
    return serializer


def csrf_token() -> str:
    """The request's signed CSRF token: Flask-WTF's generate_csrf, with a kept serializer.

    Stored where Flask-WTF keeps it (g and the session, under WTF_CSRF_FIELD_NAME), so the
    form's own hidden field and Flask-WTF's checks see the same token."""
    field = _field()
    if field in g:
        return str(g.get(field))
    serializer = _csrf_serializer()
    raw = session.get(field)
    if not isinstance(raw, str):
        raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 (as Flask-WTF)
    token = serializer.dumps(raw)
    setattr(g, field, token)
    return str(token)


class FormCSRF(CSRF):  # type: ignore[misc]
    """A form's CSRF field with the kept serializers (PortalForm's Meta.csrf_class): the same
    tokens, checks and refusals as Flask-WTF's own, which builds a serializer for both."""

    def setup_form(self, form: Any) -> Any:
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        return csrf_token()

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        if g.get("csrf_valid", False):
            return  # CSRFProtect has checked this request already
        try:
            check_csrf_token(field.data, self.meta.csrf_time_limit)
        except ValidationError as refused:
            log.info(refused.args[0])
            raise


def posted_token_holds() -> bool:
    """Whether this POST's form token checks out as a PortalForm's CSRF field would find it,
    for a check made without building the form (portal.web.questions.quick). Quiet: the form
    that then judges the post logs a refusal, once."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or g.get("csrf_valid", False):
        return True
    try:
        check_csrf_token(request.form.get(_field()), config.get("WTF_CSRF_TIME_LIMIT", 3600))
    except ValidationError:
        return False
    return True


def check_csrf_token(data: Any, time_limit: int | None) -> None:
    """Flask-WTF's validate_csrf, with the kept serializer and the same messages."""
    field = _field()
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _csrf_serializer().loads(data, max_age=time_limit)
    except SignatureExpired as expired:
        raise ValidationError("The CSRF token has expired.") from expired
    except BadData as bad:
        raise ValidationError("The CSRF token is invalid.") from bad
    if not isinstance(token, str) or not hmac.compare_digest(session[field], token):
        raise ValidationError("The CSRF tokens do not match.")
