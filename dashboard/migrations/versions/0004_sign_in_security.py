"""Sign-in security: sessions held in the database, the sign-in throttle and log, two-factor sign-in, and the
single-use links for password resets and invitations

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(name: str = 'user_id', *, ondelete: str = 'CASCADE', nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey('app_user.id', ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('app_user') as table:
        table.add_column(sa.Column('totp_secret', sa.String(64), nullable=True))
        table.add_column(_utc('totp_enabled_at', nullable=True))
        table.add_column(sa.Column('totp_last_step', sa.BigInteger, nullable=True))
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('token_hash', sa.String(64), nullable=False, unique=True),
        _user(), _utc('created_at'), _utc('last_seen_at'), _utc('ended_at', nullable=True),
        sa.Column('end_reason', sa.String(40), nullable=True),
        sa.Column('client_address', sa.String(64), nullable=True),
    )
    op.create_index('ix_user_session_user_open', 'user_session', ['user_id', 'ended_at'])
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(400), primary_key=True),
        sa.Column('failures', sa.Integer, nullable=False),
        _utc('window_started_at'), _utc('locked_until', nullable=True), _utc('updated_at'),
    )
    op.create_index('ix_sign_in_throttle_updated_at', 'sign_in_throttle', ['updated_at'])
    op.create_table(
        'sign_in_event',
        sa.Column('id', sa.Integer, primary_key=True),
        _utc('at'), _user(ondelete='SET NULL', nullable=True),
        sa.Column('email', sa.String(320), nullable=False),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('client_address', sa.String(64), nullable=True),
        sa.Column('detail', sa.String(200), nullable=True),
    )
    op.create_index('ix_sign_in_event_at', 'sign_in_event', ['at'])
    op.create_index('ix_sign_in_event_user_at', 'sign_in_event', ['user_id', 'at'])
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer, primary_key=True),
        _user(), sa.Column('code_hash', sa.String(200), nullable=False), _utc('created_at'),
        _utc('used_at', nullable=True),
    )
    op.create_index('ix_recovery_code_user', 'recovery_code', ['user_id'])
    op.create_table(
        'account_link',
        sa.Column('id', sa.Integer, primary_key=True),
        _user(), sa.Column('purpose', sa.String(20), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False, unique=True),
        _utc('created_at'), _utc('expires_at'), _utc('used_at', nullable=True),
        _user('created_by_id', ondelete='SET NULL', nullable=True),
    )
    op.create_index('ix_account_link_user', 'account_link', ['user_id'])


def downgrade() -> None:
    for table in ('account_link', 'recovery_code', 'sign_in_event', 'sign_in_throttle', 'user_session'):
        op.drop_table(table)
    with op.batch_alter_table('app_user') as batch:
        for column in ('totp_last_step', 'totp_enabled_at', 'totp_secret'):
            batch.drop_column(column)
