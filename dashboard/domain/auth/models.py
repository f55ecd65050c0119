"""The tables behind signing in."""

import enum
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from dashboard.domain.column_types import LabelledEnum, enum_column
from dashboard.domain.models import utc_now


class UserSession(SQLModel, table=True):
    """One signed-in browser. The browser holds a random token; the database holds only its SHA-256, so a copy of
    the database signs nobody in. A session ends at log-out, on a password change, a deactivation or a role change,
    and after being idle too long."""

    __tablename__ = 'user_session'
    __table_args__ = (Index('ix_user_session_user_open', 'user_id', 'ended_at'),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key='app_user.id', ondelete='CASCADE')
    created_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, max_length=40)
    client_address: str | None = Field(default=None, max_length=64)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-in attempts counted per key ('account:<email>' or 'address:<ip>'), kept in the database so that
    the count holds across instances."""

    __tablename__ = 'sign_in_throttle'

    key: str = Field(primary_key=True, max_length=400)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utc_now)
    locked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utc_now, index=True)


class SignInEventKind(LabelledEnum):
    SIGNED_IN = 'signed_in', 'Signed in'
    FAILED = 'failed', 'Sign-in failed'
    LOCKED = 'locked', 'Sign-in locked'
    SIGNED_OUT = 'signed_out', 'Signed out'
    SESSIONS_ENDED = 'sessions_ended', 'Sessions ended'
    PASSWORD_CHANGED = 'password_changed', 'Password changed'
    TWO_FACTOR_ENABLED = 'two_factor_enabled', 'Two-factor sign-in turned on'
    TWO_FACTOR_DISABLED = 'two_factor_disabled', 'Two-factor sign-in turned off'
    TWO_FACTOR_FAILED = 'two_factor_failed', 'Wrong two-factor code'
    RECOVERY_CODE_USED = 'recovery_code_used', 'Recovery code used'
    RECOVERY_CODES_REPLACED = 'recovery_codes_replaced', 'New recovery codes'
    RESET_REQUESTED = 'reset_requested', 'Password reset requested'
    PASSWORD_RESET = 'password_reset', 'Password reset'
    INVITATION_SENT = 'invitation_sent', 'Invitation sent'
    INVITATION_ACCEPTED = 'invitation_accepted', 'Invitation accepted'


class SignInEvent(SQLModel, table=True):
    """The sign-in log: what happened to whose account, when and from which client address. Never a password."""

    __tablename__ = 'sign_in_event'
    __table_args__ = (Index('ix_sign_in_event_user_at', 'user_id', 'at'),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    user_id: int | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL')
    email: str = Field(default='', max_length=320, description='as typed, cut to 320 characters')
    kind: SignInEventKind = Field(sa_column=enum_column(SignInEventKind, length=40))
    client_address: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=200)


class RecoveryCode(SQLModel, table=True):
    """One-time codes for signing in without the authenticator app; stored hashed, shown once."""

    __tablename__ = 'recovery_code'
    __table_args__ = (Index('ix_recovery_code_user', 'user_id'),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key='app_user.id', ondelete='CASCADE')
    code_hash: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now)
    used_at: datetime | None = None


class AccountLinkPurpose(enum.StrEnum):
    PASSWORD_RESET = 'password_reset'
    INVITATION = 'invitation'


class AccountLink(SQLModel, table=True):
    """A single-use link sent by email to set a password (a reset or an invitation); only its SHA-256 is kept."""

    __tablename__ = 'account_link'
    __table_args__ = (Index('ix_account_link_user', 'user_id'),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key='app_user.id', ondelete='CASCADE')
    purpose: AccountLinkPurpose = Field(sa_column=enum_column(AccountLinkPurpose, length=20))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None
    created_by_id: int | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL')
