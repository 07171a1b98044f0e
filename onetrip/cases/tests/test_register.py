"""The notice register (文书台账): the notices of the departments in a staff member's scope, with
filters, whether the applicant has opened each, and an Excel export that is audited."""

import io

import pytest
from openpyxl import load_workbook

from onetrip.cases import services
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/workbench/cases/notices/"


@pytest.fixture
def accepted(submitted, clerk):
    return services.case_accept(actor=clerk, case=submitted)


def rows(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_departments_staff_see_their_notices(
    client, accepted, clerk, other_reviewer, supervisor
):
    number = f"{accepted.number}-SL"
    client.force_login(clerk)
    page = rows(client)
    assert number in page and "受理通知书" in page and "李*" in page and "李四" not in page
    assert "尚未查阅" in page
    client.force_login(supervisor)
    assert number in rows(client)
    client.force_login(other_reviewer)  # another department's
    assert number not in rows(client)


def test_filters_and_electronic_service(client, accepted, clerk, citizen):
    number = f"{accepted.number}-SL"
    client.force_login(clerk)
    assert number in rows(client, kind="acceptance")
    assert number not in rows(client, kind="denial")
    assert number in rows(client, q=accepted.number[:6])
    assert number not in rows(client, q="XX")
    assert number not in rows(client, since="2099-01-01")
    assert number in rows(client, opened="no", since="2000-01-01", until="2099-12-31")
    assert number in rows(client, kind="nonsense", since="not a date")  # ignored, not refused

    client.force_login(citizen)
    assert client.get(f"/applications/{accepted.number}/notices/acceptance/").status_code == 200
    client.force_login(clerk)
    assert number in rows(client, opened="yes")
    assert number not in rows(client, opened="no")


def test_the_excel_export_is_masked_and_audited(client, accepted, clerk):
    client.force_login(clerk)
    response = client.get(URL, {"kind": "acceptance", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="notices-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, line = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[0] == "文书编号" and line[0] == f"{accepted.number}-SL"
    assert line[2] == accepted.number and line[4] == "李*"
    entry = AuditEntry.objects.get(action="cases.notices.export")
    assert entry.detail["kind"] == "acceptance" and entry.detail["rows"] == 1


def test_only_case_staff_open_the_register(client, citizen, staff_factory):
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    client.force_login(staff_factory(department="县公安局", roles=("data_officer",)).user)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_workbench_home_lists_applications_to_accept(client, submitted, clerk, reviewer):
    client.force_login(clerk)
    page = client.get("/workbench/").content.decode()
    todo = page[page.index('data-testid="todo"') :]
    assert "待受理的申请" in todo and "1 件待办" in todo
    client.force_login(reviewer)  # no intake, no data work: no to-do list
    assert 'data-testid="todo"' not in client.get("/workbench/").content.decode()
