"""A hall with two general windows, a published counter matter (the cases engine's fixtures),
people to book, and a clock set to a working morning."""

import datetime
import zoneinfo

import pytest

from onetrip.cases.tests.conftest import (  # noqa: F401 - fixtures
    citizen,
    clerk,
    market,
    media_root,
    publish,
    reviewer,
    supervisor,
    version,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Tuesday before National Day 2026: Sept 30 is a working day, Oct 1-7 are holidays.
MORNING = datetime.datetime(2026, 9, 29, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """Set the halls' clock: `clock(datetime)`; starts at MORNING."""
    from onetrip.appointments import selectors

    state = {"now": MORNING}
    monkeypatch.setattr(selectors, "now", lambda: state["now"])

    def set_to(when: datetime.datetime):
        state["now"] = when

    return set_to


@pytest.fixture
def hall(region, market):  # noqa: F811
    from onetrip.departments.models import ServiceHall, Window

    hall = ServiceHall.objects.create(
        code="330424-HALL", name="海盐县行政服务中心", region=region, address="武原街道示例路1号"
    )
    Window.objects.create(hall=hall, number="01", name="综合窗口", is_general=True)
    Window.objects.create(hall=hall, number="02", name="综合窗口", is_general=True)
    return hall


@pytest.fixture
def other_person(person_factory):
    return person_factory()
