"""Outbox delivery: what each email is, a key that lets a job queue an email at most once, and the lease a worker
holds on an email while it sends it

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_email') as table:
        table.add_column(sa.Column('kind', sa.String(64), nullable=False, server_default='other'))
        table.add_column(sa.Column('dedupe_key', sa.String(200), nullable=True))
        table.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column('claimed_by', sa.String(100), nullable=True))
        table.create_unique_constraint('uq_outbox_email_dedupe_key', ['dedupe_key'])


def downgrade() -> None:
    with op.batch_alter_table('outbox_email') as table:
        table.drop_constraint('uq_outbox_email_dedupe_key', type_='unique')
        for column in ('claimed_by', 'claimed_until', 'dedupe_key', 'kind'):
            table.drop_column(column)
