"""The database tables: organisations, their users and licence pools, and everything that happens to them.

Every `datetime` field is SQLModel's `UTCDateTime`: aware, in UTC, on SQLite too; every enum field is an
`EnumColumn`: its member, stored as its value (dashboard/domain/column_types.py)."""

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from dashboard.domain.column_types import LabelledEnum, enum_column


def utc_now() -> datetime:
    return datetime.now(UTC)


class Plan(enum.StrEnum):
    TRIAL = 'trial'
    PAID = 'paid'


class Region(LabelledEnum):
    EU = 'eu', 'EU/EEA (Germany West Central)'
    UK = 'uk', 'United Kingdom (UK South)'
    US = 'us', 'United States (US East)'

    @property
    def short_label(self) -> str:
        """For tables, where the full label would not fit; the full one goes in the cell's tooltip."""
        return {Region.EU: 'EU/EEA', Region.UK: 'UK', Region.US: 'US'}[self]


class Role(LabelledEnum):
    GLOBAL_ADMIN = 'global_admin', 'Global admin'
    BILLING_ADMIN = 'billing_admin', 'Billing admin'
    VIEWER = 'viewer', 'Viewer'
    USER = 'user', 'User'
    VENDOR_ADMIN = 'vendor_admin', 'Vendor admin'
    SALES = 'sales', 'Sales'

    @property
    def is_vendor(self) -> bool:
        return self in (Role.VENDOR_ADMIN, Role.SALES)


class LicenceKind(LabelledEnum):
    MANAGED_AGENT = 'managed_agent', 'Managed Agent'
    ON_DEMAND = 'on_demand', 'On-demand'


class HistoryAction(LabelledEnum):
    EXPIRY_CHANGED = 'expiry_changed', 'Expiry date changed'
    LICENCES_INCREASED = 'licences_increased', 'Licences increased'
    LICENCES_DECREASED = 'licences_decreased', 'Licences decreased'
    TRIAL_STARTED = 'trial_started', 'Trial started'
    TRIAL_CONVERTED = 'trial_converted', 'Converted to paid'
    OTHER = 'other', 'Other'


class DeletionStatus(enum.StrEnum):
    PENDING = 'pending'
    WITHDRAWN = 'withdrawn'
    IN_PROGRESS = 'in_progress'
    COMPLETED = 'completed'


OPEN_DELETION_STATUSES = (DeletionStatus.PENDING, DeletionStatus.IN_PROGRESS)


class Organisation(SQLModel, table=True):
    __tablename__ = 'organisation'

    id: int | None = Field(default=None, primary_key=True)
    serial_number: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    plan: Plan = Field(sa_column=enum_column(Plan))
    region: Region = Field(sa_column=enum_column(Region))
    subscription_end: date = Field(index=True)
    main_contact_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey(
        'app_user.id', ondelete='SET NULL', use_alter=True, name='fk_organisation_main_contact')))
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class User(SQLModel, table=True):
    __tablename__ = 'app_user'
    __table_args__ = (Index('ix_app_user_organisation_name', 'organisation_id', 'full_name'),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key='organisation.id', ondelete='CASCADE')
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    email_key: str = Field(max_length=320, unique=True, description='lower-case email: unique without regard to case')
    phone: str | None = Field(default=None, max_length=32)
    role: Role = Field(sa_column=enum_column(Role))
    password_hash: str | None = None
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now)
    # Two-factor sign-in (TOTP, RFC 6238): the shared secret once confirmed, and the last time step accepted, so
    # that one code is never accepted twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = None
    totp_last_step: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class LicencePool(SQLModel, table=True):
    __tablename__ = 'licence_pool'
    __table_args__ = (
        UniqueConstraint('organisation_id', 'kind', name='uq_licence_pool_organisation_kind'),
        CheckConstraint('total >= 0', name='ck_licence_pool_total'),
        CheckConstraint('in_use >= 0 AND in_use <= total', name='ck_licence_pool_in_use'),
        Index('ix_licence_pool_expiry', 'expiry_date'),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key='organisation.id', ondelete='CASCADE')
    kind: LicenceKind = Field(sa_column=enum_column(LicenceKind))
    total: int
    in_use: int
    expiry_date: date

    @property
    def available(self) -> int:
        return self.total - self.in_use


# What the history's free-text search looks in, as a customer sees it (vendor staff as "Admin Team"), in lower case.
# Computed by the database: every writer (the app, the import, the demo data) gets it without knowing of it.
HISTORY_SEARCH_TEXT = (
    "lower(CASE WHEN by_vendor THEN 'Admin Team' ELSE actor END || ' ¦ ' || coalesce(note, '') || ' ¦ ' || "
    "coalesce(old_value, '') || ' ¦ ' || coalesce(new_value, ''))"
)


class LicenceHistory(SQLModel, table=True):
    """Append-only: rows are written with the change they describe and never updated."""

    __tablename__ = 'licence_history'
    __table_args__ = (
        # On SQLite, migration 0002 widens this index to cover the free-text search too.
        Index('ix_licence_history_org_time', 'organisation_id', 'occurred_at', 'id'),
        Index('ix_licence_history_org_action_time', 'organisation_id', 'action', 'occurred_at'),
        Index('ix_licence_history_org_kind_time', 'organisation_id', 'kind', 'occurred_at'),
        UniqueConstraint('organisation_id', 'row_hash', name='uq_licence_history_row'),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key='organisation.id', ondelete='CASCADE')
    occurred_at: datetime
    actor: str = Field(max_length=200)
    by_vendor: bool = Field(default=False, description='done by vendor staff: customers see "Admin Team"')
    action: HistoryAction = Field(sa_column=enum_column(HistoryAction))
    kind: LicenceKind | None = Field(default=None, sa_column=enum_column(LicenceKind, nullable=True))
    old_value: str | None = Field(default=None, max_length=200)
    new_value: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=1000)
    row_hash: str = Field(max_length=64, description='digest of every shown column, so a re-import skips a row it has')
    search_text: str | None = Field(default=None, sa_column=Column(Text, Computed(HISTORY_SEARCH_TEXT)))


class DeletionRequest(SQLModel, table=True):
    __tablename__ = 'deletion_request'
    __table_args__ = (
        # At most one open request per organisation, enforced by the database so that a double click or two
        # browser tabs can never make two.
        Index(
            'uq_deletion_request_open', 'organisation_id', unique=True,
            sqlite_where=text("status IN ('pending', 'in_progress')"),
            postgresql_where=text("status IN ('pending', 'in_progress')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key='organisation.id', ondelete='CASCADE', index=True)
    requested_by_id: int | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL')
    requested_by_name: str = Field(max_length=200)
    requested_at: datetime = Field(default_factory=utc_now)
    effective_date: date
    status: DeletionStatus = Field(sa_column=enum_column(DeletionStatus))
    withdrawn_at: datetime | None = None
    withdrawn_by_name: str | None = Field(default=None, max_length=200)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    purged_at: datetime | None = None


class LicenceRequest(SQLModel, table=True):
    """A customer's "Need more licences?" request, for the vendor's sales team."""

    __tablename__ = 'licence_request'

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key='organisation.id', ondelete='CASCADE', index=True)
    requested_by_id: int | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL')
    requested_by_name: str = Field(max_length=200)
    requested_at: datetime = Field(default_factory=utc_now)
    kind: LicenceKind = Field(sa_column=enum_column(LicenceKind))
    quantity: int
    message: str | None = Field(default=None, max_length=2000)
    status: str = Field(default='open', max_length=32)


class AuditEntry(SQLModel, table=True):
    """Who changed what outside the licence history: main contact, deletion requests, licence requests."""

    __tablename__ = 'audit_entry'
    __table_args__ = (Index('ix_audit_entry_org_time', 'organisation_id', 'occurred_at'),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key='organisation.id', ondelete='CASCADE')
    occurred_at: datetime = Field(default_factory=utc_now)
    actor_id: int | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL')
    actor_name: str = Field(max_length=200)
    action: str = Field(max_length=64)
    details: str = Field(default='', max_length=2000)


class OutboxStatus(enum.StrEnum):
    PENDING = 'pending'
    SENDING = 'sending'
    SENT = 'sent'
    FAILED = 'failed'


class OutboxEmail(SQLModel, table=True):
    """Every email is stored here in the transaction that caused it, and delivered from here."""

    __tablename__ = 'outbox_email'
    __table_args__ = (
        Index('ix_outbox_email_status_due', 'status', 'next_attempt_at'),
        UniqueConstraint('dedupe_key', name='uq_outbox_email_dedupe_key'),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now)
    organisation_id: int | None = Field(default=None, foreign_key='organisation.id', ondelete='SET NULL', index=True)
    to_address: str = Field(max_length=2000)
    subject: str = Field(max_length=300)
    body_text: str
    body_html: str | None = None
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_column=enum_column(OutboxStatus))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utc_now)
    last_error: str | None = Field(default=None, max_length=2000)
    sent_at: datetime | None = None
    kind: str = Field(default='other', max_length=64, sa_column_kwargs={'server_default': 'other'},
                      description='what the email is: deletion_requested, renewal_reminder, ...')
    dedupe_key: str | None = Field(default=None, max_length=200,
                                   description='ids only, no personal data: a job queues an email with a key once')
    claimed_until: datetime | None = Field(default=None, description='a worker sends it until then; after, another may')
    claimed_by: str | None = Field(default=None, max_length=100)
