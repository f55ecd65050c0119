"""Realistic, deterministic demo data: `python -m dashboard demo --orgs N --seed S`.

Trial, paid and expired organisations in every region, users of every role, two years of licence history that
agrees with each licence pool, and what waits on the vendor: deletion requests and requests for more licences. The
same seed on the same day gives the same data.
"""

from dashboard.demo_data.generator import DemoSummary, generate_demo
from dashboard.demo_data.logins import DEMO_LOGINS, DEMO_PASSWORD, demo_logins

__all__ = ['DEMO_LOGINS', 'DEMO_PASSWORD', 'DemoSummary', 'demo_logins', 'generate_demo']
