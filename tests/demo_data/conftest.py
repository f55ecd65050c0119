"""The demo data the tests look at: ten organisations from seed 7."""

import pytest

from dashboard.db import Database
from dashboard.demo_data import generate_demo

ORGANISATIONS = 10


@pytest.fixture
def demo(db: Database) -> Database:
    generate_demo(db=db, organisations=ORGANISATIONS, seed=7)
    return db
