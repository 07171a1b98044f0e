"""到期鉴定与销毁: a record whose retention has ended is appraised by an archivist and the opinion
approved or rejected by a head of its department; kept longer, its retention moves; destroyed,
its package is gone while its row, hashes and chain stay verifiable."""

import pytest
from django.test import Client
from django.utils import timezone

from onetrip.archive import selectors, services
from onetrip.archive.models import AppraisalStatus, ArchiveRecord
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due(delivered_case):
    """An archived record whose retention ends this year."""
    record = services.case_archive(case=delivered_case)
    ArchiveRecord.objects.filter(pk=record.pk).update(retention_until=timezone.localdate().year)
    record.refresh_from_db()
    return record


def _code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


def _propose(archivist, record, decision="destroy", **more):
    return services.appraisal_propose(
        actor=archivist, record=record, decision=decision, reason="保管期满，无继续保存价值", **more
    )


def test_destruction_needs_a_second_person_and_keeps_the_chain(
    due, archivist, head, not_accepted_case, delivered_case
):
    successor = services.case_archive(case=not_accepted_case)  # chained after `due`
    path = due.package.path
    appraisal = _propose(archivist, due)
    assert appraisal.status == AppraisalStatus.PROPOSED
    assert _code(lambda: _propose(archivist, due)) == "archive.appraisal_open"
    # The archivist cannot approve their own opinion (nor has the permission).
    with pytest.raises(PermissionDenied):
        services.appraisal_decide(actor=archivist, appraisal=appraisal, approve=True)

    services.appraisal_decide(actor=head, appraisal=appraisal, approve=True, note="同意销毁")
    due.refresh_from_db()
    assert due.destroyed_at is not None
    assert not due.package.storage.exists(due.package.name) and path
    assert due.package_sm3 and due.chain_sm3  # the description and hashes stay
    # ... without the person in the clear: their data's retention has ended too.
    assert (due.subject_name, due.title) == ("李*", "李*：食品经营许可")
    assert (
        due.subject_id
        == delivered_case.subject_id[:6] + "********" + delivered_case.subject_id[-4:]
    )
    appraisal.refresh_from_db()
    assert (appraisal.status, appraisal.decided_by, appraisal.note) == (
        "approved",
        head,
        "同意销毁",
    )
    entry = AuditEntry.objects.get(action="archive.destroy")
    assert entry.actor_id == head.pk and entry.target_id == str(due.pk)

    # Both the destroyed record and the one after it still pass: no gap, no broken link.
    assert services.record_check(record=due, actor=archivist).passed
    assert services.record_check(record=successor, actor=archivist).passed
    assert _code(lambda: selectors.package_open(due)) == "archive.destroyed"
    assert (
        _code(
            lambda: services.record_use(
                actor=head, record=due, action="package", purpose="行政复议"
            )
        )
        == "archive.destroyed"
    )
    assert _code(lambda: _propose(archivist, due)) == "archive.not_due"  # nothing left to appraise
    destroyed = selectors.record_list_for_staff(
        user=archivist, filters=selectors.RecordFilter(appraisal="destroyed")
    )
    assert list(destroyed) == [due]
    due_now = selectors.record_list_for_staff(
        user=archivist, filters=selectors.RecordFilter(expiring=True)
    )
    assert due not in list(due_now)


def test_keeping_longer_moves_the_retention_and_a_rejection_needs_a_reason(due, archivist, head):
    year = due.retention_until
    refused = _propose(archivist, due, decision="keep", years=5)
    assert (
        _code(lambda: services.appraisal_decide(actor=head, appraisal=refused, approve=False))
        == "archive.note_required"
    )
    services.appraisal_decide(
        actor=head, appraisal=refused, approve=False, note="仍有未结复议，暂缓鉴定"
    )
    due.refresh_from_db()
    assert due.retention_until == year and due.destroyed_at is None
    assert AuditEntry.objects.filter(action="archive.appraisal_reject").exists()
    assert (
        _code(lambda: services.appraisal_decide(actor=head, appraisal=refused, approve=True))
        == "archive.appraisal_closed"
    )

    kept = _propose(archivist, due, decision="keep", years=5)
    services.appraisal_decide(actor=head, appraisal=kept, approve=True)
    due.refresh_from_db()
    assert due.retention_until == year + 5
    assert due.package.storage.exists(due.package.name)
    assert _code(lambda: _propose(archivist, due)) == "archive.not_due"


def test_bad_opinions_are_refused(due, archivist, delivered_case, not_accepted_case):
    assert _code(lambda: _propose(archivist, due, decision="burn")) == "archive.decision_invalid"
    for years in (None, 0, 31, "五"):
        assert (
            _code(lambda y=years: _propose(archivist, due, decision="keep", years=y))
            == "archive.years_invalid"
        )
    assert (
        _code(
            lambda: services.appraisal_propose(
                actor=archivist, record=due, decision="destroy", reason="  "
            )
        )
        == "archive.reason_required"
    )
    young = services.case_archive(case=not_accepted_case)  # kept 10 more years
    assert _code(lambda: _propose(archivist, young)) == "archive.not_due"
    assert not due.appraisals.exists()


def test_only_archivists_appraise_and_heads_in_scope_approve(
    due, archivist, head, staff_factory, health
):
    with pytest.raises(PermissionDenied):
        _propose(head, due)
    other_archivist = staff_factory(department="县卫生健康局", roles=("archivist",)).user
    with pytest.raises(NotFound):
        _propose(other_archivist, due)
    appraisal = _propose(archivist, due)
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    with pytest.raises(NotFound):
        services.appraisal_decide(actor=other_head, appraisal=appraisal, approve=True)
    due.refresh_from_db()
    assert due.destroyed_at is None


def test_the_pages_walk_the_appraisal_through(due, archivist, head):
    archivist_client, head_client = Client(), Client()
    archivist_client.force_login(archivist)
    head_client.force_login(head)
    page = archivist_client.get(f"/workbench/archive/{due.code}/").content.decode()
    assert 'data-testid="appraise-form"' in page and 'data-testid="approve-form"' not in page

    refused = archivist_client.post(
        f"/workbench/archive/{due.code}/appraise/", {"decision": "keep", "reason": "仍需查考"}
    )
    assert refused.status_code == 422 and "1 到 30" in refused.content.decode()
    done = archivist_client.post(
        f"/workbench/archive/{due.code}/appraise/",
        {"decision": "destroy", "reason": "保管期满，无继续保存价值"},
    )
    assert done.status_code == 302
    appraisal = due.appraisals.get()

    assert "等待审批" in head_client.get("/workbench/").content.decode()
    listing = head_client.get("/workbench/archive/").content.decode()
    assert 'data-testid="pending-appraisals"' in listing
    page = head_client.get(f"/workbench/archive/{due.code}/").content.decode()
    assert 'data-testid="approve-form"' in page
    url = f"/workbench/archive/{due.code}/appraisals/{appraisal.pk}/"
    assert archivist_client.post(url, {"approve": "1"}).status_code == 403
    assert head_client.post(url, {"approve": "1", "note": "同意"}).status_code == 302
    page = head_client.get(f"/workbench/archive/{due.code}/").content.decode()
    assert 'data-testid="destroyed"' in page and 'data-testid="package-destroyed"' in page
    assert 'data-testid="take-form"' not in page
    taken = head_client.post(f"/workbench/archive/{due.code}/take/", {"purpose": "复议"})
    assert taken.status_code == 409 and "销毁" in taken.content.decode()
    assert head_client.post(url, {"approve": "1"}).status_code == 409  # decided already
    missing = f"/workbench/archive/{due.code}/appraisals/{appraisal.pk + 1}/"
    assert head_client.post(missing, {"approve": "1"}).status_code == 404


def test_the_destruction_register_is_exported_and_the_export_audited(
    due, archivist, head, token_for
):
    import io

    from openpyxl import load_workbook

    appraisal = _propose(archivist, due)
    services.appraisal_decide(actor=head, appraisal=appraisal, approve=True, note="同意")
    client = Client()
    client.force_login(head)
    listing = client.get("/workbench/archive/", {"appraisal": "destroyed"}).content.decode()
    assert "appraisal=destroyed&amp;format=xlsx" in listing
    response = client.get("/workbench/archive/", {"appraisal": "destroyed", "format": "xlsx"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "销毁清册" and rows[0][0] == "档号"
    assert len(rows) == 2 and rows[1][0] == due.code and rows[1][1].startswith("李*")
    assert rows[1][6] == due.package_sm3 and rows[1][8] == "销毁"
    assert (rows[1][10], rows[1][11]) == (str(archivist), str(head))
    assert due.subject_id not in str(rows)
    api = (
        Client()
        .get("/api/v1/archive/records", {"appraisal": "destroyed"}, **token_for(archivist))
        .json()
    )
    assert [r["code"] for r in api["records"]] == [due.code] and api["records"][0]["destroyed_at"]
    entry = AuditEntry.objects.get(action="archive.export")
    assert entry.actor_id == head.pk and entry.detail["rows"] == 1
    assert entry.detail["appraisal"] == "destroyed"


def test_a_departments_archive_system_appraises_over_the_api(
    due, archivist, head, reviewer, client
):
    base = f"/api/v1/archive/records/{due.code}"
    client.force_login(archivist)
    bad = client.post(
        f"{base}/appraisals",
        {"decision": "keep", "years": 99, "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "archive.years_invalid"
    made = client.post(
        f"{base}/appraisals",
        {"decision": "keep", "years": 10, "reason": "涉及长期权益，需延长保管"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    opinion = made.json()
    assert (opinion["decision"], opinion["years"], opinion["status"]) == ("keep", 10, "proposed")
    again = client.post(
        f"{base}/appraisals",
        {"decision": "destroy", "reason": "y"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "archive.appraisal_open"
    decision = f"{base}/appraisals/{opinion['id']}/decision"
    own = client.post(decision, {"approve": True}, content_type="application/json")
    assert own.status_code == 403  # an archivist neither approves nor decides their own opinion

    client.force_login(reviewer)
    assert (
        client.post(decision, {"approve": True}, content_type="application/json").status_code == 403
    )
    client.force_login(head)
    unknown = client.post(
        f"{base}/appraisals/999999/decision", {"approve": True}, content_type="application/json"
    )
    assert unknown.status_code == 404
    no_note = client.post(decision, {"approve": False}, content_type="application/json")
    assert no_note.status_code == 422 and no_note.json()["code"] == "archive.note_required"
    approved = client.post(
        decision, {"approve": True, "note": "同意延长"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    record = client.get(base).json()
    assert record["retention_until"] == due.retention_until + 10
    [kept] = record["appraisals"]
    assert (kept["status"], kept["note"], kept["decided_by"]) == (
        "approved",
        "同意延长",
        str(head),
    )
    closed = client.post(decision, {"approve": True}, content_type="application/json")
    assert closed.status_code == 409 and closed.json()["code"] == "archive.appraisal_closed"
    client.logout()
    assert (
        client.post(decision, {"approve": True}, content_type="application/json").status_code == 401
    )
