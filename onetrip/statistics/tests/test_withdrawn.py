"""Withdrawn applications (撤回) in the statistics: their own count, never finished, never in the
on-time rate."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from onetrip.cases import services as case_services

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date


def _range() -> dict:
    today = timezone.localdate()
    return {"from": min(D(2026, 1, 1), today).isoformat(), "to": max(D(2026, 12, 31), today)}


@pytest.fixture
def withdrawn_county(case_factory, citizen):
    """One case finished on time (A) and one accepted case past its deadline that the applicant
    withdraws (B): without the withdrawal rule B would be a late finish or a red case."""
    on_time = case_factory()  # accepted 3-2, deadline 3-9, finished 3-6
    late = case_factory(status="accepted", deadline_on=D(2026, 3, 4), finished_on=None)
    case_services.case_withdraw(actor=citizen, case=late, reason="不再需要")
    return {"on_time": on_time, "withdrawn": late}


def test_withdrawn_cases_have_their_own_count(client, supervisor, withdrawn_county):
    client.force_login(supervisor)
    response = client.get("/api/v1/statistics", {"scope": "county", **_range()})
    assert response.status_code == 200, response.content
    totals = response.json()["totals"]
    assert (totals["submitted"], totals["accepted"]) == (2, 2)  # it was submitted and accepted
    assert (totals["finished"], totals["withdrawn"]) == (1, 1)
    assert totals["timed"] == 1 and totals["on_time_rate"] == 1.0
    assert totals["avg_days"] == 4  # A alone: 3-3 … 3-6
    (matter,) = response.json()["matters"]
    assert (matter["finished"], matter["withdrawn"], matter["on_time_rate"]) == (1, 1, 1.0)
    (market,) = [row for row in response.json()["departments"] if row["code"] == "HY-SCJG"]
    assert market["withdrawn"] == 1

    page = client.get("/workbench/statistics/", {"scope": "county", **_range()})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="total-withdrawn">1<' in html
    assert 'data-testid="total-on-time">100.0%<' in html

    export = client.get("/workbench/statistics/export.xlsx", {"scope": "county", **_range()})
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    overview = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row}
    assert overview["已撤回"] == 1


def test_a_withdrawal_outside_the_range_is_not_counted(client, supervisor, withdrawn_county):
    client.force_login(supervisor)
    before = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    totals = client.get(
        "/api/v1/statistics",
        {"scope": "county", "from": before, "to": before},
    ).json()["totals"]
    assert totals["withdrawn"] == 0
