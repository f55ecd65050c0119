"""Time-based one-time passwords (RFC 6238) as authenticator apps make them: a base32 secret, 30-second steps, six
digits. A code is accepted one step early or late, and never for a step at or before the last one accepted."""

import hmac
import re
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1
DIGITS = 6
_CODE = re.compile(r'[0-9]{6}')
_SECRET = re.compile(r'[A-Z2-7]{32}')


def new_secret() -> str:
    """160 random bits, base32: what the QR code carries and the person may type instead."""
    return pyotp.random_base32()


def is_secret(secret: str) -> bool:
    return bool(_SECRET.fullmatch(secret))


def provisioning_uri(*, secret: str, email: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=issuer)


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise_code(code: str) -> str | None:
    """Six ASCII digits, spaces allowed between them (apps show '123 456'); None for anything else."""
    if not isinstance(code, str) or len(code) > 20:  # a forged event may send anything
        return None
    digits = code.replace(' ', '').replace('\u00a0', '')
    return digits if _CODE.fullmatch(digits) else None


def matching_step(*, secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step this code belongs to, if it is within the drift and newer than `last_step`; else None. Every step in
    the window is compared, in constant time, whichever matches."""
    typed = normalise_code(code)
    if typed is None or not is_secret(secret):
        return None
    current = step_at(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        matches = hmac.compare_digest(code_at_step(secret, step), typed)
        if matches and found is None and (last_step is None or step > last_step):
            found = step
    return found
