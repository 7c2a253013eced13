"""TOTP (RFC 6238) for staff: enrolment and verification, a code used once only. No Flask."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno

from portal.crypto import DataCipher
from portal.db.models import StaffUser

ISSUER = "Aktivitets- og samvaerstilbud"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (the page's CSP allows no images from elsewhere)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, title=None))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step the code belongs to, allowing one step of clock drift either way."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(cipher: DataCipher, user: StaffUser, code: str, now: datetime) -> bool:
    """True for a right code not used before; records its step so it cannot be replayed."""
    if not user.totp_secret_enc:
        return False
    step = matching_step(str(cipher.decrypt(user.totp_secret_enc)), code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def confirm_enrolment(cipher: DataCipher, user: StaffUser, code: str, now: datetime) -> bool:
    if not user.totp_pending_enc:
        return False
    secret = str(cipher.decrypt(user.totp_pending_enc))
    step = matching_step(secret, code, now)
    if step is None:
        return False
    user.totp_secret_enc = user.totp_pending_enc
    user.totp_pending_enc = None
    user.totp_last_step = step
    return True
