"""Working-day arithmetic against the official 2026 arrangement (as the chinese-calendar
package records it: Spring Festival 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked;
Mid-autumn 09-25..09-27 off; National Day 10-01..10-07 off, Sun 09-20 and Sat 10-10 worked)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onetrip.workdays.selectors import workday_add, workday_check, working_days_between

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 13), 0, D(2026, 2, 13)),  # n = 0 is the acceptance day itself
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday, an adjusted workday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # the whole Spring Festival is skipped
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 13), 10, D(2026, 3, 5)),  # 14, 24-28 (Sat 28 worked), 2-5 March
        (D(2026, 2, 16), 1, D(2026, 2, 24)),  # accepted on a holiday: counting starts next day
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Sunday 20 September is worked
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Mid-autumn 25-27 off
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # National Day 1-7 off
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # Saturday 10 October is worked
        (D(2026, 10, 10), 1, D(2026, 10, 12)),  # Sunday 11 is an ordinary day off
    ],
)
def test_workday_add_follows_the_2026_arrangement(start, n, expected):
    assert workday_add(start, n) == (expected, False)


def test_named_days_of_2026():
    assert workday_check(D(2026, 2, 14)) == (True, False, "Spring Festival")
    assert workday_check(D(2026, 10, 1)) == (False, False, "National Day")
    assert workday_check(D(2026, 10, 11)).is_workday is False


def test_a_year_nobody_knows_is_counted_on_weekends_and_provisional():
    # 2035-10-01 is a Monday; with no published arrangement, weekends alone are days off.
    assert workday_add(D(2035, 9, 28), 1) == (D(2035, 10, 1), True)
    assert workday_add(D(2035, 9, 28), 0) == (D(2035, 9, 28), False)  # nothing was counted
    assert workday_add(D(2026, 12, 30), 2) == (D(2027, 1, 1), True)  # 2027 not yet published
    assert workday_check(D(2035, 10, 6)) == (False, True, "")  # a Saturday


def test_negative_or_huge_counts_are_refused():
    with pytest.raises(ValueError):
        workday_add(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        workday_add(D(2026, 1, 5), 3651)


starts = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 10, 31))


@settings(max_examples=60, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=40))
def test_properties_of_workday_add(start, n):
    result = workday_add(start, n)
    following = workday_add(start, n + 1)
    assert not result.provisional
    assert following.date > result.date  # n + 1 lands strictly later
    assert workday_check(following.date).is_workday  # and always on a working day
    if n:
        assert workday_check(result.date).is_workday
    # exactly n working days lie in (start, result]
    days = (result.date - start).days
    counted = sum(
        workday_check(start + datetime.timedelta(days=i)).is_workday for i in range(1, days + 1)
    )
    assert counted == n
    assert working_days_between(start, result.date) == (n, False)  # a stopped clock's days


@settings(max_examples=30, deadline=None)
@given(start=starts, a=st.integers(0, 60), b=st.integers(0, 60))
def test_workday_add_is_monotonic_in_n(start, a, b):
    low, high = sorted((a, b))
    assert workday_add(start, low).date <= workday_add(start, high).date
