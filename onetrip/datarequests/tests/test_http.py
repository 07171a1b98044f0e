"""Data requests over HTTP: the public list shows published requests without names, the form
keeps what was typed, the dataset page links to it, and the workbench answers."""

import pytest

from onetrip.datarequests import services
from onetrip.datarequests.models import DataRequest

pytestmark = pytest.mark.django_db


def test_filing_from_the_portal_and_reading_the_public_list(client, citizen, shops):
    assert client.get("/opendata/requests/new/").status_code == 302  # sign in first
    client.force_login(citizen)
    form = client.get("/opendata/requests/new/?kind=error&dataset=SHOPS").content.decode()
    assert 'value="SHOPS" selected' in form
    refused = client.post(
        "/opendata/requests/new/",
        {"kind": "error", "dataset": "SHOPS", "title": "地址有误", "description": "太短"},
    )
    page = refused.content.decode()
    assert refused.status_code == 422 and "10 到 2,000" in page and "地址有误" in page
    sent = client.post(
        "/opendata/requests/new/",
        {
            "kind": "error",
            "dataset": "SHOPS",
            "title": "名录中店铺地址有误",
            "description": "海盐老街茶馆已于今年迁至向阳路10号，名录仍为旧址。",
            "is_public": "yes",
        },
    )
    item = DataRequest.objects.get()
    assert sent.status_code == 302 and sent.url == f"/opendata/requests/{item.public_id}/"
    client.logout()
    page = client.get("/opendata/requests/").content.decode()
    assert "名录中店铺地址有误" in page and "孙晓明" not in page
    assert client.get(f"/opendata/requests/{item.public_id}/").status_code == 200


def test_an_unpublished_request_is_seen_by_its_requester_and_the_department_only(
    client, citizen, shops, officer, other_officer, person_factory
):
    item = services.request_file(
        actor=citizen,
        kind="error",
        dataset=shops,
        title="名录中电话有误",
        description="名录中的联系电话已停用，请更新为新号码。",
        is_public=False,
    )
    url = f"/opendata/requests/{item.public_id}/"
    assert client.get(url).status_code == 404
    assert "名录中电话有误" not in client.get("/opendata/requests/").content.decode()
    for user, status in ((citizen, 200), (officer, 200), (other_officer, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_department_answers_in_the_workbench(client, citizen, shops, officer, other_officer):
    item = services.request_file(
        actor=citizen,
        kind="error",
        dataset=shops,
        title="名录中店铺地址有误",
        description="海盐老街茶馆已于今年迁至向阳路10号，名录仍为旧址。",
    )
    client.force_login(other_officer)
    assert "名录中店铺地址有误" not in client.get("/workbench/data-requests/").content.decode()
    client.force_login(officer)
    page = client.get("/workbench/").content.decode()
    assert "待答复的公众数据需求" in page
    assert "名录中店铺地址有误" in client.get("/workbench/data-requests/").content.decode()
    work = f"/workbench/data-requests/{item.public_id}/"
    client.get(work)
    from onetrip.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="datarequests.read", actor=officer).exists()
    refused = client.post(work + "answer/", {"decision": "accept", "answer": ""})
    assert refused.status_code == 422
    client.post(work + "answer/", {"decision": "accept", "answer": "已核实并更正。"})
    client.logout()
    page = client.get(f"/opendata/requests/{item.public_id}/").content.decode()
    assert "已采纳" in page and "已核实并更正。" in page
    client.force_login(citizen)
    assert client.get("/workbench/data-requests/").status_code == 403


def test_the_api_lists_published_requests_without_names(client, citizen, shops, officer):
    shown = services.request_file(
        actor=citizen,
        kind="error",
        dataset=shops,
        title="名录中店铺地址有误",
        description="海盐老街茶馆已于今年迁至向阳路10号，名录仍为旧址。",
        phone="13600003333",
    )
    hidden = services.request_file(
        actor=citizen,
        kind="error",
        dataset=shops,
        title="名录中电话有误",
        description="名录中的联系电话已停用，请更新为新号码。",
        is_public=False,
    )
    services.request_answer(actor=officer, item=shown, accepted=True, answer="已更正。")
    rows = client.get("/api/v1/opendata/requests?dataset=SHOPS").json()
    assert [r["number"] for r in rows] == [shown.number]
    assert rows[0]["status_label"] == "已采纳" and rows[0]["answer"] == "已更正。"
    assert "13600003333" not in str(rows) and "孙晓明" not in str(rows)
    assert client.get(f"/api/v1/opendata/requests/{hidden.public_id}").status_code == 404
    one = client.get(f"/api/v1/opendata/requests/{shown.public_id}")
    assert one.status_code == 200 and one.json()["dataset"] == "SHOPS"
    assert client.get("/api/v1/opendata/requests/x").json()["code"] == "datarequests.not_found"
