"""Licence history: a computed search text, and on SQLite an index that lets a free-text search read only the index

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from dashboard.domain.models import HISTORY_SEARCH_TEXT

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SQLITE_SEARCH_INDEX = 'ix_licence_history_org_time_search'
ADD_COLUMN = f'ALTER TABLE licence_history ADD COLUMN search_text TEXT GENERATED ALWAYS AS ({HISTORY_SEARCH_TEXT})'


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite can add only a VIRTUAL generated column; the index below stores its value, so a search that scans
        # the index never computes it. It replaces the index on (organisation, time): with two such indexes SQLite
        # picks the narrower one and computes the text row by row, three times slower.
        op.execute(f'{ADD_COLUMN} VIRTUAL')
        op.execute('DROP INDEX ix_licence_history_org_time')
        op.execute(f'CREATE INDEX {SQLITE_SEARCH_INDEX} ON licence_history '
                   '(organisation_id, occurred_at, id, by_vendor, actor, search_text)')
    else:
        # PostgreSQL's b-tree entries are limited in size, too small for a note of 1,000 characters: the column is
        # stored and the search reads the organisation's rows.
        op.execute(f'{ADD_COLUMN} STORED')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP INDEX {SQLITE_SEARCH_INDEX}')
        op.execute('CREATE INDEX ix_licence_history_org_time ON licence_history (organisation_id, occurred_at, id)')
    op.execute('ALTER TABLE licence_history DROP COLUMN search_text')
