"""Alembic environment: the engine comes from the application (`dashboard.db.migrate`), never from an ini file."""

from alembic import context
from sqlmodel import SQLModel

from dashboard.domain import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from dashboard.domain.auth import models as auth_models  # noqa: F401

engine = context.config.attributes['engine']

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == 'sqlite',
        compare_type=True,
    )
    context.run_migrations()
