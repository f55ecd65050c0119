"""How the pages word and highlight what the domain's rows hold."""

from datetime import UTC, datetime

import pytest

from dashboard.ui.format import days_class, days_left_text, two_lines


@pytest.mark.parametrize(('days', 'in_a_column', 'on_its_own', 'highlight'), [
    (-3, '3 days ago', 'Expired 3 days ago', 'days-expired'), (-1, '1 day ago', 'Expired 1 day ago', 'days-expired'),
    (0, 'Today', 'Expires today', 'days-warning'), (1, '1 day', '1 day left', 'days-warning'),
    (30, '30 days', '30 days left', 'days-warning'), (31, '31 days', '31 days left', 'days-ok')])
def test_days_left_in_a_column_and_on_their_own(days: int, in_a_column: str, on_its_own: str, highlight: str) -> None:
    assert (days_left_text(days), days_left_text(days, full=True), days_class(days)) == (
        in_a_column, on_its_own, highlight)


def test_a_time_on_two_lines() -> None:
    assert two_lines(datetime(2027, 3, 5, 14, 3, tzinfo=UTC)) == '5 Mar 2027\n14:03 UTC'
