"""One-time recovery codes: ten random codes shown once, kept only as SHA-256 hashes, each usable once. Each has
about 79 bits of randomness, so a fast hash is enough: nobody can try them all offline, and online tries are
throttled with the authenticator codes."""

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlmodel import Session, col, delete, select, update

from dashboard.domain.auth.models import RecoveryCode

COUNT = 10
ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'  # no 0/o, 1/l/i: read off a printout without doubt
GROUPS, GROUP_LENGTH = 4, 4
_HASH_PREFIX = 'sha256:'


def new_code() -> str:
    return '-'.join(''.join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))


def normalise(code: str) -> str | None:
    """The code without spaces and dashes, in lower case; None when it cannot be a recovery code."""
    if not isinstance(code, str) or len(code) > 60:  # a forged event may send anything
        return None
    plain = code.replace('-', '').replace(' ', '').strip().lower()
    if len(plain) != GROUPS * GROUP_LENGTH or any(char not in ALPHABET for char in plain):
        return None
    return plain


def code_hash(code: str) -> str:
    plain = normalise(code)
    if plain is None:
        raise ValueError('not a recovery code')
    return _HASH_PREFIX + hashlib.sha256(plain.encode()).hexdigest()


def replace_recovery_codes(*, session: Session, user_id: int, now: datetime) -> list[str]:
    """Ten new codes in place of every earlier one, in the caller's transaction; returns them to show once."""
    delete_recovery_codes(session=session, user_id=user_id)
    codes = [new_code() for _ in range(COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=code_hash(code), created_at=now))
    return codes


def delete_recovery_codes(*, session: Session, user_id: int) -> None:
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))


def use_recovery_code(*, session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Marks the matching unused code used, in the caller's transaction; False when none matches. Two tabs sending
    the same code at once: only one update finds it unused."""
    if normalise(code) is None:
        return False
    wanted = code_hash(code)
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                                   col(RecoveryCode.used_at).is_(None))).all()
    match = None
    for row in rows:
        if hmac.compare_digest(row.code_hash, wanted) and match is None:
            match = row
    if match is None:
        return False
    result = session.exec(update(RecoveryCode).where(col(RecoveryCode.id) == match.id,
                                                     col(RecoveryCode.used_at).is_(None)).values(used_at=now))
    return (result.rowcount or 0) == 1


def recovery_codes_left(*, session: Session, user_id: int) -> int:
    rows = session.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                      col(RecoveryCode.used_at).is_(None))).all()
    return len(rows)
