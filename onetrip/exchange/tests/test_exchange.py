"""The exchange end to end over HTTP: clients, grants, calls, masking, audit, limits."""

import datetime
import secrets

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from onetrip.core.models import AuditEntry
from onetrip.exchange import services
from onetrip.exchange.models import ExchangeCallStat, ExchangeClient, Grant

from .conftest import PERSON_ID, cli, token_for

URL = "/api/v1/exchange/datasets/{code}/records"


def call(client, token, code="POP-BASE", **params):
    params = params or {"id_number": PERSON_ID}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(URL.format(code=code), params, **headers)


def test_client_add_prints_id_and_secret_and_the_secret_gets_a_token(client, his):
    client_id, secret = his
    row = ExchangeClient.objects.get(application__client_id=client_id)
    assert row.department.name == "县卫生健康局" and row.name == "HIS" and row.is_active
    assert len(secret) >= 30
    assert token_for(client, client_id, secret)
    with pytest.raises(CommandError):
        cli("exchange", "client", "add", "--department", "没有这个局", "--name", "X")


def test_grant_life_cycle_on_approval(client, his, his_token, pop_base, officer, staff_factory):
    client_id, _secret = his
    # No grant yet.
    response = call(client, his_token)
    assert response.status_code == 403 and response.json()["code"] == "exchange.no_grant"
    # The HIS asks; an on-approval dataset waits.
    asked = client.post(
        "/api/v1/exchange/grants",
        {"dataset": "POP-BASE", "fields": ["name", "phone"], "purpose": "就诊登记", "days": 30},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {his_token}",
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert call(client, his_token).json()["code"] == "exchange.grant_pending"
    grant = Grant.objects.get()
    # Only the owner department's data officer sees and decides it.
    other = staff_factory(department="县卫生健康局", roles=("data_officer",)).user
    client.force_login(other)
    assert (
        client.post(
            f"/workbench/exchange/{grant.public_id}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    client.force_login(officer)
    page = client.get("/workbench/exchange/")
    assert "就诊登记" in page.content.decode()
    assert (
        client.post(
            f"/workbench/exchange/{grant.public_id}/decide/", {"decision": "approve"}
        ).status_code
        == 302
    )
    client.logout()
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.decided_by == officer
    # The call works, with only the granted fields.
    response = call(client, his_token)
    assert response.status_code == 200, response.content
    assert response.json()["record"] == {"name": "张**", "phone": "138****5678"}
    # Expiry: the grant's end moved into the past through the ORM (an edit in the admin), which
    # also tells every process that kept the grant (test_grantcache covers time running out).
    grant.valid_until = timezone.now() - datetime.timedelta(seconds=1)
    grant.save(update_fields=["valid_until"])
    assert call(client, his_token).json()["code"] == "exchange.grant_expired"
    # A new grant by the operator, then revocation with immediate effect.
    cli("exchange", "grant", "--client", client_id, "--dataset", "POP-BASE", "--fields", "name")
    assert call(client, his_token).status_code == 200
    assert cli("exchange", "revoke", "--client", client_id, "--dataset", "POP-BASE").startswith(
        "revoked="
    )
    response = call(client, his_token)
    assert response.status_code == 403 and response.json()["code"] == "exchange.grant_revoked"


def test_free_dataset_is_granted_at_once_and_not_shared_cannot_be_asked(
    client, his_token, free_dataset, pop_base
):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {his_token}"}
    asked = client.post(
        "/api/v1/exchange/grants",
        {"dataset": free_dataset.code, "fields": ["address"], "purpose": "核对住址"},
        content_type="application/json",
        **headers,
    )
    assert asked.json()["status"] == "approved"
    assert call(client, his_token, code=free_dataset.code).json()["record"] == {
        "address": "武原街道1号"[:6] + "****"
    }
    pop_base.sharing_class = "not_shared"
    pop_base.save()
    refused = client.post(
        "/api/v1/exchange/grants",
        {"dataset": "POP-BASE", "fields": ["name"], "purpose": "x"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "exchange.not_shared"


def test_masking_per_rule_and_clear_fields(client, his, his_token, pop_base):
    fields = "id_number,name,phone,address,birth_date,gender"
    cli("exchange", "grant", "--client", his[0], "--dataset", "POP-BASE", "--fields", fields)
    record = call(client, his_token).json()["record"]
    assert record == {
        "id_number": "330424********0014",
        "name": "张**",
        "phone": "138****5678",
        "address": "浙江省嘉兴市****",
        "birth_date": "1990",
        "gender": "male",
    }
    cli("exchange", "revoke", "--client", his[0], "--dataset", "POP-BASE")
    cli(
        "exchange",
        "grant",
        "--client",
        his[0],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name,phone",
        "--clear",
        "name",
    )
    response = call(client, his_token).json()
    assert response["record"] == {"name": "张三丰", "phone": "138****5678"}
    assert response["masked"] == ["phone"]


def test_every_call_is_audited_with_client_department_purpose_subject_and_fields(
    client, his, his_token, pop_base
):
    cli(
        "exchange",
        "grant",
        "--client",
        his[0],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name",
        "--purpose",
        "就诊登记",
    )
    assert call(client, his_token).status_code == 200
    missing = call(client, his_token, id_number="330424199001010022")
    assert missing.status_code == 404 and missing.json()["code"] == "exchange.record_not_found"
    entries = list(AuditEntry.objects.filter(action="exchange.call").order_by("id"))
    assert len(entries) == 2
    first = entries[0]
    assert first.actor_label == f"exchange-client:{his[0]}"
    assert first.purpose == "就诊登记"
    assert (first.subject_type, first.subject_id) == ("person", PERSON_ID)
    assert first.detail["department"] == "HY-WJJ" and first.detail["client"] == his[0]
    assert first.detail["fields"] == ["name"] and first.detail["found"] is True
    assert entries[1].detail["found"] is False
    assert ExchangeCallStat.objects.get().count == 2


def test_clear_errors_for_token_dataset_and_key(client, his, his_token, pop_base):
    cli("exchange", "grant", "--client", his[0], "--dataset", "POP-BASE", "--fields", "name")
    assert call(client, None).status_code == 401
    assert call(client, "not-a-token").status_code == 401
    unknown = call(client, his_token, code="NOPE")
    assert unknown.status_code == 404 and unknown.json()["code"] == "exchange.unknown_dataset"
    no_key = client.get(URL.format(code="POP-BASE"), HTTP_AUTHORIZATION=f"Bearer {his_token}")
    assert no_key.status_code == 400 and no_key.json()["code"] == "exchange.key_param"
    wrong = call(client, his_token, uscc="91330424MA2B0000X1")
    assert wrong.status_code == 400 and wrong.json()["detail"]["key_field"] == "id_number"
    read_only = token_for(client, *his, scope="read")
    assert call(client, read_only).json()["code"] == "exchange.scope_missing"
    assert AuditEntry.objects.filter(action="exchange.call.refused").count() >= 3


def test_rate_limit_and_daily_quota_answer_429_with_retry_after(
    client, his, his_token, pop_base, monkeypatch
):
    # One fixed minute, of this run only: a shared Redis keeps counts for 120 s, and grant ids
    # start again in the next run's fresh test database.
    minute = secrets.randbelow(10**12)
    monkeypatch.setattr(services, "_minute_window", lambda: minute)
    cli(
        "exchange",
        "grant",
        "--client",
        his[0],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name",
        "--rate",
        "2",
        "--quota",
        "100",
    )
    assert [call(client, his_token).status_code for _ in range(2)] == [200, 200]
    limited = call(client, his_token)
    assert limited.status_code == 429 and limited.json()["code"] == "exchange.rate_limited"
    assert "每分钟" in limited.json()["message"] or "per minute" in limited.json()["message"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    # The quota: a new grant with 1 call a day.
    cli("exchange", "revoke", "--client", his[0], "--dataset", "POP-BASE")
    cli(
        "exchange",
        "grant",
        "--client",
        his[0],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name",
        "--rate",
        "100",
        "--quota",
        "1",
    )
    assert call(client, his_token).status_code == 200
    over = call(client, his_token)
    assert over.status_code == 429 and over.json()["code"] == "exchange.quota_exceeded"
    assert int(over["Retry-After"]) > 0


def test_owner_sees_usage_per_dataset_client_and_day(client, his, his_token, pop_base, officer):
    cli("exchange", "grant", "--client", his[0], "--dataset", "POP-BASE", "--fields", "name")
    for _ in range(3):
        call(client, his_token)
    client.force_login(officer)
    page = client.get("/workbench/exchange/usage/").content.decode()
    assert "县卫生健康局" in page and "HIS" in page and "<td>3</td>" in page


def test_with_write_behind_calls_are_audited_and_counted_in_batches_and_the_quota_holds(
    client, his, his_token, pop_base, settings
):
    from onetrip.core import audit, writebehind

    settings.ONETRIP_WRITE_BEHIND_SECONDS = 3600  # only the test flushes
    writebehind.flush()
    cli(
        "exchange", "grant", "--client", his[0], "--dataset", "POP-BASE", "--fields", "name",
        "--quota", "3",
    )  # fmt: skip
    try:
        answers = [call(client, his_token).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]  # unwritten calls count against the quota
        assert not AuditEntry.objects.filter(action="exchange.call").exists()
        assert not ExchangeCallStat.objects.exists()
    finally:
        writebehind.flush()
    assert AuditEntry.objects.filter(action="exchange.call").count() == 3
    assert AuditEntry.objects.filter(action="exchange.call.refused").count() == 1
    assert ExchangeCallStat.objects.get().count == 3
    assert call(client, his_token).json()["code"] == "exchange.quota_exceeded"
    writebehind.flush()
    assert list(audit.verify()) == []


def test_with_the_per_process_caches_on_a_revocation_still_takes_effect_at_once(
    client, his, his_token, pop_base, settings, django_assert_max_num_queries
):
    settings.ONETRIP_EXCHANGE_CACHE_SECONDS = 60
    settings.ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS = 60
    settings.ONETRIP_TOKEN_CACHE_SECONDS = 60
    cli("exchange", "grant", "--client", his[0], "--dataset", "POP-BASE", "--fields", "name")
    assert call(client, his_token).status_code == 200
    # client, dataset, token and today's count come from memory: grant and record are read
    with django_assert_max_num_queries(2 + 6):  # + the count and the audit entry (6 statements)
        assert call(client, his_token).json()["record"] == {"name": "张**"}
    cli("exchange", "revoke", "--client", his[0], "--dataset", "POP-BASE")
    refused = call(client, his_token)
    assert refused.status_code == 403 and refused.json()["code"] == "exchange.grant_revoked"


def test_the_workbench_home_lists_requests_to_decide(client, his_token, pop_base, officer):
    client.post(
        "/api/v1/exchange/grants",
        {"dataset": "POP-BASE", "fields": ["name"], "purpose": "就诊登记", "days": 30},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {his_token}",
    )
    client.force_login(officer)
    page = client.get("/workbench/").content.decode()
    todo = page[page.index('data-testid="todo"') :]
    assert "待审批的数据共享申请" in todo and "1 件待办" in todo
