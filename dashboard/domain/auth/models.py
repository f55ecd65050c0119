"""The tables behind signing in. Every timestamp is aware UTC (`UtcDateTime`), also on SQLite."""

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from dashboard.domain.models import UtcDateTime, utc_now


def _utc_column(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(UtcDateTime(), nullable=nullable, index=index)


def _user_column(*, ondelete: str, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey('app_user.id', ondelete=ondelete), nullable=nullable)


class UserSession(SQLModel, table=True):
    """One signed-in browser. The browser holds a random token; the database holds only its SHA-256, so a copy of
    the database signs nobody in. A session ends at log-out, on a password change, a deactivation or a role change,
    and after being idle too long."""

    __tablename__ = 'user_session'
    __table_args__ = (Index('ix_user_session_user_open', 'user_id', 'ended_at'),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(sa_column=_user_column(ondelete='CASCADE'))
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    last_seen_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    end_reason: str | None = Field(default=None, max_length=40)
    client_address: str | None = Field(default=None, max_length=64)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-in attempts counted per key ('account:<email>' or 'address:<ip>'), kept in the database so that
    the count holds across instances."""

    __tablename__ = 'sign_in_throttle'

    key: str = Field(primary_key=True, max_length=400)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    locked_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column(index=True))


class SignInEventKind(enum.StrEnum):
    SIGNED_IN = 'signed_in'
    FAILED = 'failed'
    LOCKED = 'locked'
    SIGNED_OUT = 'signed_out'
    SESSIONS_ENDED = 'sessions_ended'
    PASSWORD_CHANGED = 'password_changed'
    TWO_FACTOR_ENABLED = 'two_factor_enabled'
    TWO_FACTOR_DISABLED = 'two_factor_disabled'
    TWO_FACTOR_FAILED = 'two_factor_failed'
    RECOVERY_CODE_USED = 'recovery_code_used'
    RECOVERY_CODES_REPLACED = 'recovery_codes_replaced'
    RESET_REQUESTED = 'reset_requested'
    PASSWORD_RESET = 'password_reset'
    INVITATION_SENT = 'invitation_sent'
    INVITATION_ACCEPTED = 'invitation_accepted'

    @property
    def label(self) -> str:
        return SIGN_IN_EVENT_LABELS[self]


SIGN_IN_EVENT_LABELS = {
    SignInEventKind.SIGNED_IN: 'Signed in',
    SignInEventKind.FAILED: 'Sign-in failed',
    SignInEventKind.LOCKED: 'Sign-in locked',
    SignInEventKind.SIGNED_OUT: 'Signed out',
    SignInEventKind.SESSIONS_ENDED: 'Sessions ended',
    SignInEventKind.PASSWORD_CHANGED: 'Password changed',
    SignInEventKind.TWO_FACTOR_ENABLED: 'Two-factor sign-in turned on',
    SignInEventKind.TWO_FACTOR_DISABLED: 'Two-factor sign-in turned off',
    SignInEventKind.TWO_FACTOR_FAILED: 'Wrong two-factor code',
    SignInEventKind.RECOVERY_CODE_USED: 'Recovery code used',
    SignInEventKind.RECOVERY_CODES_REPLACED: 'New recovery codes',
    SignInEventKind.RESET_REQUESTED: 'Password reset requested',
    SignInEventKind.PASSWORD_RESET: 'Password reset',
    SignInEventKind.INVITATION_SENT: 'Invitation sent',
    SignInEventKind.INVITATION_ACCEPTED: 'Invitation accepted',
}


class SignInEvent(SQLModel, table=True):
    """The sign-in log: what happened to whose account, when and from which client address. Never a password."""

    __tablename__ = 'sign_in_event'
    __table_args__ = (Index('ix_sign_in_event_user_at', 'user_id', 'at'),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_column=_utc_column(index=True))
    user_id: int | None = Field(default=None, sa_column=_user_column(ondelete='SET NULL', nullable=True))
    email: str = Field(default='', max_length=320, description='as typed, cut to 320 characters')
    kind: str = Field(max_length=40)
    client_address: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=200)


class RecoveryCode(SQLModel, table=True):
    """One-time codes for signing in without the authenticator app; stored hashed, shown once."""

    __tablename__ = 'recovery_code'

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_column(ondelete='CASCADE'))
    code_hash: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    used_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class AccountLinkPurpose(enum.StrEnum):
    PASSWORD_RESET = 'password_reset'
    INVITATION = 'invitation'


class AccountLink(SQLModel, table=True):
    """A single-use link sent by email to set a password (a reset or an invitation); only its SHA-256 is kept."""

    __tablename__ = 'account_link'

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_column(ondelete='CASCADE'))
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())
    used_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_by_id: int | None = Field(default=None, sa_column=_user_column(ondelete='SET NULL', nullable=True))
