"""Statistics on a small hand-built county whose answers are worked out by hand (March 2026 has
no holiday; New Year 2026: 1–3 January off, Sunday 4 January an adjusted workday)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from onetrip.ratings.models import Rating

D = datetime.date
RANGE = {"from": "2026-01-01", "to": "2026-12-31"}


@pytest.fixture
def county(case_factory, publish, version, citizen, health, other_reviewer):
    """Six cases of one matter (market department) and the catalogue for the targets.

    finished in 2026, with a deadline: A 4 wd on time, B 7 wd late, C 5 wd on time (on the
    deadline), F 2 wd across New Year on time → on-time 3/4, average 18/4 = 4.5 vs 5;
    D not accepted (finished, no deadline); E still in review.
    """
    a = case_factory(channel="online", finished_on=D(2026, 3, 6), trips=0)
    b = case_factory(channel="mobile", finished_on=D(2026, 3, 11), trips=1)
    case_factory(channel="counter", finished_on=D(2026, 3, 9), trips=2)
    case_factory(
        status="not_accepted",
        channel="counter",
        submitted_on=D(2026, 3, 3),
        accepted_on=None,
        deadline_on=None,
        finished_on=D(2026, 3, 3),
        trips=1,
    )
    case_factory(
        status="in_review",
        submitted_on=D(2026, 3, 10),
        accepted_on=D(2026, 3, 10),
        deadline_on=D(2026, 3, 17),
        finished_on=None,
    )
    case_factory(
        submitted_on=D(2025, 12, 30),
        accepted_on=D(2025, 12, 31),
        deadline_on=D(2026, 1, 8),
        finished_on=D(2026, 1, 5),
        trips=0,
    )
    Rating.objects.create(application=a, level=5, rated_by=citizen)
    Rating.objects.create(application=b, level=2, comment="慢", rated_by=citizen)
    # Catalogue: 3 non-secret matters of the market department (1 mobile-ready, 2 online) and
    # a secret one that does not count.
    publish(name="个体工商户设立登记", mobile_ready=False)
    publish(name="广告发布登记", online=False, mobile_ready=False, max_trips=1)
    publish(name="涉密事项", is_secret=True, mobile_ready=False, online=False, max_trips=1)
    return {"a": a, "b": b}


def get_api(client, **params):
    return client.get("/api/v1/statistics", {**RANGE, **params})


def test_county_numbers(client, supervisor, county):
    client.force_login(supervisor)
    response = get_api(client, scope="county")
    assert response.status_code == 200, response.content
    data = response.json()
    totals = data["totals"]
    assert (totals["submitted"], totals["accepted"], totals["finished"]) == (5, 4, 5)
    assert totals["on_time_rate"] == 0.75
    assert totals["avg_days"] == 4.5 and totals["avg_promised_days"] == 5
    assert totals["zero_trip_share"] == 0.4 and totals["one_trip_share"] == 0.8
    assert totals["online_share"] == 0.6 and totals["mobile_share"] == 0.2
    assert totals["rated"] == 2 and totals["avg_level"] == 3.5
    assert totals["satisfied_share"] == 0.5
    targets = data["targets"]
    assert (targets["matters"], targets["mobile_ready"], targets["online"]) == (3, 1, 2)
    assert targets["mobile_ready_share"] == round(1 / 3, 4) and not targets["mobile_ready_met"]
    assert not targets["online_met"] and targets["online_target"] == 1.0
    market_row = next(row for row in data["departments"] if row["code"] == "HY-SCJG")
    assert market_row["on_time_rate"] == 0.75 and market_row["targets"]["matters"] == 3
    matter = next(row for row in data["matters"] if row["name"] == "食品经营许可")
    assert matter["submitted"] == 5 and matter["avg_days"] == 4.5


def test_range_narrows_the_counts(client, supervisor, county):
    client.force_login(supervisor)
    data = client.get(
        "/api/v1/statistics", {"scope": "county", "from": "2026-03-07", "to": "2026-03-31"}
    ).json()
    # finished in the range: B (7 wd, late) and C (5 wd, on time)
    assert data["totals"]["finished"] == 2 and data["totals"]["on_time_rate"] == 0.5
    assert data["totals"]["avg_days"] == 6
    assert data["totals"]["submitted"] == 1  # E, on 10 March


def test_department_head_sees_own_department_only(client, head, county, health, staff_factory):
    client.force_login(head)
    own = get_api(client)
    assert own.status_code == 200 and own.json()["department"]["code"] == "HY-SCJG"
    assert own.json()["totals"]["finished"] == 5 and own.json()["departments"] == []
    assert get_api(client, scope="county").status_code == 403
    assert get_api(client, scope="department", department="HY-WJJ").status_code == 404
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    client.force_login(other_head)
    assert get_api(client).json()["totals"]["finished"] == 0


def test_who_may_not_see_statistics(client, reviewer, citizen, supervisor, county):
    client.force_login(reviewer)
    assert get_api(client).status_code == 403
    assert client.get("/workbench/statistics/").status_code == 403
    client.force_login(citizen)
    assert get_api(client).status_code == 403
    client.logout()
    assert get_api(client).status_code == 401
    client.force_login(supervisor)
    bad = client.get("/api/v1/statistics", {"from": "2026-13-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "statistics.invalid_date"
    assert get_api(client, scope="planet").status_code == 422
    assert client.get("/workbench/statistics/?from=2026-05-01&to=2026-01-01").status_code == 422


def test_page_and_query_ceiling(client, supervisor, county, django_assert_max_num_queries):
    client.force_login(supervisor)
    client.get("/workbench/statistics/", RANGE)  # the working-day calendar is written once
    with django_assert_max_num_queries(20):
        response = client.get("/workbench/statistics/", RANGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-on-time">75.0%<' in page
    assert "statistics-data" in page and "/static/echarts/echarts.min.js" in page


def test_excel_export_has_the_numbers(client, supervisor, county):
    client.force_login(supervisor)
    response = client.get("/workbench/statistics/export.xlsx", RANGE)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    overview = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True) if row}
    values = list(overview.values())
    assert 5 in values and 0.75 in values and 4.5 in values and 0.4 in values
    matters = list(workbook.worksheets[2].iter_rows(values_only=True))
    food = next(row for row in matters if row[1] == "食品经营许可")
    assert food[2] == 5 and 0.75 in food and 4.5 in food


def test_calendar_follows_holidays_entered_later(client, supervisor, county):
    """The handling days use the calendar as it is now: the working-day table is rewritten
    when the rules change (here: forced stale)."""
    from onetrip.statistics.models import WorkdayOrdinal

    client.force_login(supervisor)
    get_api(client)
    WorkdayOrdinal.objects.filter(day__gte=D(2026, 3, 10)).update(ordinal=1)
    assert get_api(client, scope="county").json()["totals"]["avg_days"] == 4.5


def test_id_only_savings_are_counted_in_the_period(client, supervisor, county, citizen):
    from django.utils import timezone

    from onetrip.exchange.models import Consent, PulledMaterial, PullStatus

    case = county["a"]
    consent = Consent.objects.create(
        user=citizen,
        subject_type="person",
        subject_id="330424199001010017",
        purpose="一证通办",
        case_number=case.number,
        materials=[1, 2],
    )
    pulled_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    for position, status in (
        (1, PullStatus.PULLED),
        (2, PullStatus.PULLED),
        (3, PullStatus.UNAVAILABLE),
    ):
        PulledMaterial.objects.create(
            case_number=case.number,
            matter_material_id=position,
            name=f"材料{position}",
            source="registry",
            source_ref="POP-BASE.id_number",
            status=status,
            department=case.department,
            subject_id=consent.subject_id,
            consent=consent,
            pulled_at=pulled_at,
        )
    client.force_login(supervisor)
    assert get_api(client, scope="county").json()["id_only"] == {"materials": 2, "trips": 1}
    outside = client.get(
        "/api/v1/statistics", {"scope": "county", "from": "2026-04-01", "to": "2026-12-31"}
    ).json()
    assert outside["id_only"] == {"materials": 0, "trips": 0}
    page = client.get("/workbench/statistics/", RANGE).content.decode()
    assert 'data-testid="id-only">2 · 1<' in page
