"""The e-supervision list over many cases: 100 rows a page, red first then the oldest
deadline, red/yellow totals at the top, the same scope for the page and the staff API, and a
ceiling on the queries a page makes."""

import copy
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from onetrip.cases import services
from onetrip.cases.models import Application, CaseStatus

TODAY = datetime.date(2026, 10, 9)  # a Friday; the next working day is Saturday 10-10 (调休)


@pytest.fixture
def many(submitted, clerk, health, on_day, monkeypatch):
    """130 red and 45 yellow cases of the market department, 20 red cases of the health
    department and 30 green ones; today is TODAY."""
    from onetrip.cases.selectors import yellow_cutoff

    assert yellow_cutoff(TODAY) == datetime.date(2026, 10, 10)
    on_day(datetime.date(2026, 9, 23))
    case = services.case_accept(actor=clerk, case=submitted)
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    clones = []

    def clone(index, deadline, department=None, status=CaseStatus.ACCEPTED):
        row = copy.copy(case)
        row.pk = row.id = None
        row.number = f"2026-330424-9{index:05d}"
        row.deadline_on = deadline
        row.status = status
        if department is not None:
            row.department = department
        clones.append(row)

    for index in range(130):  # red: 2026-06-01 … 2026-10-08, several per day
        clone(index, datetime.date(2026, 6, 1) + datetime.timedelta(days=index % 120))
    for index in range(130, 175):  # yellow: today and Monday
        clone(index, TODAY if index % 2 else datetime.date(2026, 10, 10))
    for index in range(175, 195):  # red, but another department
        clone(index, datetime.date(2026, 7, 1), department=health)
    for index in range(195, 225):  # green, or not running
        clone(index, datetime.date(2026, 10, 20))
    clone(225, datetime.date(2026, 6, 1), status=CaseStatus.APPROVED)
    Application.objects.bulk_create(clones)
    case.deadline_on = datetime.date(2026, 10, 30)  # green
    case.save(update_fields=["deadline_on"])
    return Application.objects.filter(number__startswith="2026-330424-9")


def _numbers(page):
    return re.findall(r'href="/workbench/cases/(2026-330424-9\d{5})/"', page)


def _count(page, colour):
    """The total in the red or yellow link at the top (whatever the language)."""
    link = re.search(rf'data-testid="count-{colour}">([^<]*)<', page).group(1)
    return int(re.findall(r"\d+", link)[-1])


def test_supervisor_pages_through_red_then_yellow(client, supervisor, many):
    expected = list(
        many.filter(status=CaseStatus.ACCEPTED, deadline_on__lte=datetime.date(2026, 10, 10))
        .order_by("deadline_on", "id")
        .values_list("number", flat=True)
    )
    assert len(expected) == 195
    client.force_login(supervisor)
    first = client.get(reverse("casework:supervision"))
    assert first.status_code == 200
    body = first.content.decode()
    assert (_count(body, "red"), _count(body, "yellow")) == (150, 45)
    assert _numbers(body) == expected[:100]
    assert 'href="?page=2" rel="next"' in body and 'href="?page=1" aria-current="page">1<' in body
    second = client.get(reverse("casework:supervision"), {"page": 2}).content.decode()
    assert _numbers(second) == expected[100:]
    # Red rows first: the last red row comes before the first yellow one.
    assert second.index("colour-red", second.index("<tbody")) < second.index(
        "colour-yellow", second.index("<tbody")
    )
    # Past the end and nonsense give the last and the first page.
    assert (
        _numbers(client.get(reverse("casework:supervision"), {"page": 9}).content.decode())
        == (expected[100:])
    )
    assert (
        _numbers(client.get(reverse("casework:supervision"), {"page": "x"}).content.decode())
        == (expected[:100])
    )
    yellow = client.get(reverse("casework:supervision"), {"colour": "yellow"}).content.decode()
    assert _numbers(yellow) == expected[150:] and 'data-testid="pages"' not in yellow


def test_department_head_sees_only_their_department(client, head, many):
    client.force_login(head)
    body = client.get(reverse("casework:supervision")).content.decode()
    assert (_count(body, "red"), _count(body, "yellow")) == (130, 45)
    health_numbers = set(
        many.filter(department__name="县卫生健康局").values_list("number", flat=True)
    )
    pages = body + client.get(reverse("casework:supervision"), {"page": 2}).content.decode()
    assert len(_numbers(pages)) == 175 and not health_numbers & set(_numbers(pages))


def test_a_page_makes_a_bounded_number_of_queries(
    client, supervisor, many, django_assert_max_num_queries
):
    client.force_login(supervisor)
    client.get(reverse("casework:supervision"))  # session, caches
    with django_assert_max_num_queries(14) as captured:
        page = client.get(reverse("casework:supervision"), {"page": 2})
    listed = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    listed = [sql for sql in listed if '"cases_application"."deadline_on" ASC' in sql]
    # One query for the rows, with only the columns the list shows (no JSON form data).
    assert len(listed) == 1 and "form_data" not in listed[0] and "form_schema" not in listed[0]
    assert page.status_code == 200 and len(_numbers(page.content.decode())) == 95


def test_staff_api(client, supervisor, head, other_reviewer, many):
    client.force_login(supervisor)
    body = client.get("/api/v1/supervision/cases", {"colour": "red", "page": 2}).json()
    assert (body["red"], body["yellow"], body["page"], body["pages"]) == (150, 45, 2, 2)
    assert len(body["results"]) == 50 and {row["colour"] for row in body["results"]} == {"red"}
    deadlines = [row["deadline"] for row in body["results"]]
    assert deadlines == sorted(deadlines)
    assert body["results"][0].keys() == {
        "number",
        "matter_name",
        "department",
        "subject_name",
        "status",
        "deadline",
        "colour",
    }
    bad = client.get("/api/v1/supervision/cases", {"colour": "green"})
    assert bad.status_code == 400 and bad.json()["code"] == "cases.invalid_colour"
    client.force_login(head)
    mine = client.get("/api/v1/supervision/cases").json()
    assert (mine["red"], mine["yellow"], len(mine["results"])) == (130, 45, 100)
    assert {row["department"] for row in mine["results"]} == {"县市场监管局"}
    client.force_login(other_reviewer)
    refused = client.get("/api/v1/supervision/cases")
    assert refused.status_code == 403 and refused.json()["code"] == "cases.permission_denied"
    client.logout()
    assert client.get("/api/v1/supervision/cases").status_code == 401
