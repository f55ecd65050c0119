"""initial schema

Revision ID: 0001
Revises:

"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Long by nature: the whole first schema, table by table, in the one function Alembic runs; changes are new
    # migrations, never edits here.
    op.create_table(
        'organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('serial_number', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('plan', sa.String(length=32), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('subscription_end', sa.Date(), nullable=False),
        sa.Column('main_contact_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_serial_number'), ['serial_number'], unique=True)
        batch_op.create_index(batch_op.f('ix_organisation_subscription_end'), ['subscription_end'], unique=False)

    op.create_table(
        'app_user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('email_key', sa.String(length=320), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('password_hash', sa.String(), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email_key'),
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index('ix_app_user_organisation_name', ['organisation_id', 'full_name'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_organisation_main_contact', 'app_user', ['main_contact_id'], ['id'], ondelete='SET NULL'
        )

    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('details', sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_org_time', ['organisation_id', 'occurred_at'], unique=False)

    op.create_table(
        'deletion_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_name', sa.String(length=200), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by_name', sa.String(length=200), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['app_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('deletion_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletion_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(
            'uq_deletion_request_open',
            ['organisation_id'],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'in_progress')"),
            postgresql_where=sa.text("status IN ('pending', 'in_progress')"),
        )

    op.create_table(
        'licence_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('by_vendor', sa.Boolean(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=True),
        sa.Column('old_value', sa.String(length=200), nullable=True),
        sa.Column('new_value', sa.String(length=200), nullable=True),
        sa.Column('note', sa.String(length=1000), nullable=True),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'row_hash', name='uq_licence_history_row'),
    )
    with op.batch_alter_table('licence_history', schema=None) as batch_op:
        batch_op.create_index(
            'ix_licence_history_org_action_time', ['organisation_id', 'action', 'occurred_at'], unique=False
        )
        batch_op.create_index(
            'ix_licence_history_org_kind_time', ['organisation_id', 'kind', 'occurred_at'], unique=False
        )
        batch_op.create_index('ix_licence_history_org_time', ['organisation_id', 'occurred_at', 'id'], unique=False)

    op.create_table(
        'licence_pool',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('in_use', sa.Integer(), nullable=False),
        sa.Column('expiry_date', sa.Date(), nullable=False),
        sa.CheckConstraint('in_use >= 0 AND in_use <= total', name='ck_licence_pool_in_use'),
        sa.CheckConstraint('total >= 0', name='ck_licence_pool_total'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'kind', name='uq_licence_pool_organisation_kind'),
    )
    with op.batch_alter_table('licence_pool', schema=None) as batch_op:
        batch_op.create_index('ix_licence_pool_expiry', ['expiry_date'], unique=False)

    op.create_table(
        'licence_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_name', sa.String(length=200), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=2000), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['app_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('licence_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_request_organisation_id'), ['organisation_id'], unique=False)

    op.create_table(
        'outbox_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=2000), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.String(), nullable=False),
        sa.Column('body_html', sa.String(), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=2000), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_email_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_outbox_email_status_due', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_email_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_email_organisation_id'))

    op.drop_table('outbox_email')
    with op.batch_alter_table('licence_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licence_request_organisation_id'))

    op.drop_table('licence_request')
    with op.batch_alter_table('licence_pool', schema=None) as batch_op:
        batch_op.drop_index('ix_licence_pool_expiry')

    op.drop_table('licence_pool')
    with op.batch_alter_table('licence_history', schema=None) as batch_op:
        batch_op.drop_index('ix_licence_history_org_time')
        batch_op.drop_index('ix_licence_history_org_kind_time')
        batch_op.drop_index('ix_licence_history_org_action_time')

    op.drop_table('licence_history')
    with op.batch_alter_table('deletion_request', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_deletion_request_open',
            sqlite_where=sa.text("status IN ('pending', 'in_progress')"),
            postgresql_where=sa.text("status IN ('pending', 'in_progress')"),
        )
        batch_op.drop_index(batch_op.f('ix_deletion_request_organisation_id'))

    op.drop_table('deletion_request')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_org_time')

    op.drop_table('audit_entry')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organisation_main_contact', type_='foreignkey')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index('ix_app_user_organisation_name')

    op.drop_table('app_user')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_subscription_end'))
        batch_op.drop_index(batch_op.f('ix_organisation_serial_number'))
        batch_op.drop_index(batch_op.f('ix_organisation_name'))

    op.drop_table('organisation')
