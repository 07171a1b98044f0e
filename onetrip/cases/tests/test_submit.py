"""Submitting an application through the API: one write transaction that holds the status
change, the history line, the audit entry (which records who accessed the case) and the in-app
notification; the SMS after the commit; every rule still applies; concurrent submissions and
form saves are not lost."""

import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from onetrip.cases import services
from onetrip.cases.models import Application, CaseEvent, CaseStatus
from onetrip.catalogue import selectors as catalogue_selectors
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification

from .conftest import material_named, pdf

pytestmark = pytest.mark.django_db(transaction=True)

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.fixture
def draft(version, citizen, valid_form):
    """Returns a function making a draft with a valid form and the required upload."""

    def make(upload=True):
        case = services.case_create(actor=citizen, version=version)
        services.case_form_save(actor=citizen, case=case, data=valid_form)
        if upload:
            services.case_material_upload(
                actor=citizen,
                case=case,
                uploaded_file=pdf(),
                matter_material=material_named(version, "申请书"),
            )
        return Application.objects.get(pk=case.pk)

    return make


# A write, also one inside a WITH (PostgreSQL's combined statements, core.plain).
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|WITH\b.*\b(INSERT|UPDATE|DELETE)\b)", re.I | re.S)


class Transactions:
    """Numbers every statement by the database transaction it ran in (a statement outside an
    atomic block is a transaction of its own; a commit ends one)."""

    def __init__(self, monkeypatch):
        self.statements: list[tuple[int, str]] = []
        self.count = 0
        self._inside = False
        wrapper = connections["default"]
        commit = wrapper.commit

        def commit_and_count():
            self._inside = False
            return commit()

        monkeypatch.setattr(wrapper, "commit", commit_and_count)

    def __call__(self, execute, sql, params, many, context):
        inside = connection.in_atomic_block
        if not inside or not self._inside:
            self.count += 1
        self._inside = inside
        self.statements.append((self.count, sql))
        return execute(sql, params, many, context)

    def writing(self) -> set[int]:
        return {number for number, sql in self.statements if WRITES.match(sql)}


def _entries(number: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_id=number).order_by("id"))


@pytest.fixture
def sms_queued(monkeypatch):
    """The texts handed to the SMS queue, as they are handed over."""
    from onetrip.notify import services as notify

    queued = []
    real = notify.sms_send

    def record(*, phone, text):
        queued.append((phone, text, connection.in_atomic_block))
        real(phone=phone, text=text)

    monkeypatch.setattr(notify, "sms_send", record)
    return queued


def test_api_submission_is_one_write_transaction_with_one_audit_entry(
    client, draft, citizen, token_for, sms_queued, monkeypatch
):
    auth = token_for(citizen)
    case = draft()
    before = len(_entries(case.number))
    sms_queued.clear()
    tracker = Transactions(monkeypatch)
    with connection.execute_wrapper(tracker):
        response = client.post(f"/api/v1/applications/{case.number}/submit", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == case.number and body["status"] == "submitted"
    assert body["matter_code"] == case.matter_version.matter.code
    assert body["matter_name"] == case.matter_version.name
    assert body["department"] == case.department.name and body["current_step"] is None

    # every write in one transaction
    assert len(tracker.writing()) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.submitted_at is not None
    assert case.form_data["capital"] == 3.5  # the cleaned form is stored
    events = CaseEvent.objects.filter(application=case, action="submit")
    assert events.count() == 1 and events.get().actor == citizen

    # one audit entry for the submit, and no separate read entry: it records the access
    new = _entries(case.number)[before:]
    assert [e.action for e in new] == ["cases.application.submit"]
    entry = new[0]
    assert entry.actor_id == citizen.pk and entry.ip == "127.0.0.1" and entry.request_id
    assert (entry.subject_type, entry.subject_id) == (case.subject_type, case.subject_id)
    assert entry.detail == {"status": "submitted"}
    assert list(audit.verify()) == []

    notes = Notification.objects.filter(user=citizen, title__contains=case.number)
    assert notes.count() == 1
    # the SMS is queued once, after the commit (outside the transaction)
    assert [(phone, in_transaction) for phone, _text, in_transaction in sms_queued] == [
        ("13800001111", False)
    ]
    assert case.number in sms_queued[0][1]


def test_api_submission_makes_few_queries(client, draft, citizen, token_for):
    auth = token_for(citizen)
    first, case = draft(), draft()
    assert client.post(f"/api/v1/applications/{first.number}/submit", **auth).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/applications/{case.number}/submit", **auth)
    assert response.status_code == 200
    work = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(CONTROL)]
    # token, case (with its department), uploads, status, history line, notification, and
    # the audit entry (head, entry, head); the matter version is kept per process.
    assert len(work) <= 9, "\n".join(work)
    if connection.vendor == "postgresql":
        # status, history line, notification and the head's lock are one statement, the
        # audit entry and the head's update another (core.plain.update_with_inserts); after
        # the commit, the wait for the log's flush (core.audit, decision 0010)
        assert work.count(audit.AWAIT_LOG_FLUSH_SQL) == 1
        assert len(work) <= 6, "\n".join(work)
    assert not [sql for sql in work if "catalogue_matter" in sql]


def test_refused_submission_changes_nothing_and_is_audited_as_a_read(
    client, version, citizen, token_for
):
    auth = token_for(citizen)
    case = services.case_create(actor=citizen, version=version)  # empty form, no uploads
    response = client.post(f"/api/v1/applications/{case.number}/submit", **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "cases.form_invalid"
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert not CaseEvent.objects.filter(application=case, action="submit").exists()
    assert not Notification.objects.filter(title__contains=case.number).exists()
    entries = [e for e in _entries(case.number) if e.action != "cases.application.create"]
    assert [(e.action, e.purpose, e.detail) for e in entries] == [
        ("cases.application.read", "submission refused", {"refused": "cases.form_invalid"})
    ]
    assert entries[0].actor_id == citizen.pk


def test_materials_and_status_rules_hold(client, draft, citizen, token_for):
    auth = token_for(citizen)
    no_upload = draft(upload=False)
    response = client.post(f"/api/v1/applications/{no_upload.number}/submit", **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "cases.materials_missing"
    assert response.json()["detail"]["materials"] == ["申请书"]  # the tolerable one may wait

    case = draft()
    assert client.post(f"/api/v1/applications/{case.number}/submit", **auth).status_code == 200
    again = client.post(f"/api/v1/applications/{case.number}/submit", **auth)
    assert again.status_code == 409 and again.json()["code"] == "cases.wrong_status"
    assert CaseEvent.objects.filter(application=case, action="submit").count() == 1


def test_only_the_applicant_side_may_submit(
    client, draft, person_factory, other_reviewer, clerk, token_for
):
    case = draft()
    stranger = person_factory(name="王五", level="L2")
    before = AuditEntry.objects.count()
    for user in (stranger, other_reviewer):  # another citizen; staff out of scope
        response = client.post(f"/api/v1/applications/{case.number}/submit", **token_for(user))
        assert response.status_code == 404
    missing = client.post("/api/v1/applications/2026-330424-999999/submit", **token_for(clerk))
    assert missing.status_code == 404
    assert AuditEntry.objects.count() == before  # a 404 discloses nothing, so nothing to audit
    assert Application.objects.get(pk=case.pk).status == CaseStatus.DRAFT

    # a window clerk of the department may submit on the applicant's side (counter intake)
    response = client.post(f"/api/v1/applications/{case.number}/submit", **token_for(clerk))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(target_id=case.number, action="cases.application.submit")
    assert entry.actor_id == clerk.pk
    note = Notification.objects.get(title__contains=case.number)
    assert note.user_id == case.applicant_id  # the applicant is told, not the clerk


def test_a_failed_transaction_leaves_no_notification_or_sms(
    draft, citizen, monkeypatch, sms_queued
):
    case = draft()
    sms_queued.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services.audit, "append", broken)
    with pytest.raises(RuntimeError):
        services.case_submit(actor=citizen, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert not CaseEvent.objects.filter(application=case, action="submit").exists()
    assert not Notification.objects.filter(title__contains=case.number).exists()
    assert sms_queued == []


def test_a_form_saved_between_check_and_write_is_checked_again(
    draft, citizen, valid_form, monkeypatch
):
    """The form is checked before the transaction; a save that lands in between is seen by
    the conditional update, and the case is read and checked again inside the transaction."""
    case = draft()
    real_check = services._submit_check
    calls = []

    def check_then_someone_saves(**kwargs):
        cleaned = real_check(**kwargs)
        calls.append(kwargs["form_data"])
        if len(calls) == 1:
            # a draft may be saved with a required field empty; a submission may not
            services.case_form_save(
                actor=citizen, case=case, data={**valid_form, "business_name": ""}
            )
        return cleaned

    monkeypatch.setattr(services, "_submit_check", check_then_someone_saves)
    with pytest.raises(DomainError) as refused:
        services.case_submit(actor=citizen, case=case)
    assert refused.value.code == "cases.form_invalid"
    assert list(refused.value.detail) == ["business_name"]
    assert len(calls) == 1  # the second check raised
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and case.form_data["business_name"] == ""

    # a valid change in between: the submission takes the saved form, cleaned
    calls.clear()
    services.case_form_save(actor=citizen, case=case, data=valid_form)

    def check_then_valid_save(**kwargs):
        cleaned = real_check(**kwargs)
        calls.append(kwargs["form_data"])
        if len(calls) == 1:
            services.case_form_save(actor=citizen, case=case, data={**valid_form, "capital": "7"})
        return cleaned

    monkeypatch.setattr(services, "_submit_check", check_then_valid_save)
    submitted = services.case_submit(actor=citizen, case=case)
    assert len(calls) == 2 and submitted.form_data["capital"] == 7
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.form_data["capital"] == 7


def test_concurrent_submissions_of_one_draft_submit_it_once(draft, citizen):
    case = draft()
    results = []
    start = threading.Barrier(4)

    def submit():
        from django.db import connections

        try:
            start.wait()
            services.case_submit(actor=citizen, case=case.number)
            results.append("ok")
        except DomainError as refused:
            results.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["cases.wrong_status"] * 3 + ["ok"]
    assert CaseEvent.objects.filter(application=case, action="submit").count() == 1
    submits = AuditEntry.objects.filter(target_id=case.number, action="cases.application.submit")
    assert submits.count() == 1
    assert Notification.objects.filter(title__contains=case.number).count() == 1
    assert list(audit.verify()) == []


def test_a_submission_that_lost_the_race_waits_for_the_case_without_holding_the_audit_head(
    draft, citizen
):
    """A submitter whose guarded update found the draft already submitted goes on to lock the
    case's row; it must not hold the audit chain's head meanwhile, or a writer holding that row
    and waiting for the head deadlocks with it (PostgreSQL: seen once in CI, with four
    concurrent submissions). Here another transaction holds the row, then takes the head."""
    from onetrip.core.models import AuditHead

    case = draft()
    stale = services._submit_read(pk=case.pk)  # read while it was still a draft
    Application.objects.filter(pk=case.pk).update(status=CaseStatus.SUBMITTED)
    row_locked, late_started = threading.Event(), threading.Event()
    holder = {}

    def hold_row_then_head():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=case.pk)
                row_locked.set()
                late_started.wait(10)
                time.sleep(0.5)  # the late submitter is now waiting for the row
                AuditHead.objects.select_for_update().get(pk=1)
            holder["ok"] = True
        except Exception as error:  # a deadlock would end up here or in the submitter
            holder["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_row_then_head)
    thread.start()
    assert row_locked.wait(10)
    late_started.set()
    with pytest.raises(DomainError) as refused:
        services._submit(actor=citizen, case=stale, request=None, consent=False)
    thread.join(20)
    assert refused.value.code == "cases.wrong_status"
    assert holder == {"ok": True}
    assert not CaseEvent.objects.filter(application=case, action="submit").exists()


def test_a_published_version_is_read_once_per_process_and_a_draft_every_time(version, reviewer):
    from onetrip.catalogue import services as catalogue

    with CaptureQueriesContext(connection) as first:
        kept, materials = catalogue_selectors.version_frozen(version.pk)
    assert kept.name == version.name and kept.matter.code == version.matter.code
    assert [m.name for m in materials] == [m.name for m in version.materials.all()]
    with CaptureQueriesContext(connection) as second:
        again, _materials = catalogue_selectors.version_frozen(version.pk)
    assert len(first) == 2 and len(second) == 0
    assert again is not kept and again.form_schema == version.form_schema
    assert again.status == version.status  # not kept: read from the database when asked

    draft = catalogue.matter_draft_edit(
        actor=reviewer, matter=version.matter, guide={"name": "食品经营许可（新）"}
    )
    catalogue_selectors.version_frozen(draft.pk)
    with CaptureQueriesContext(connection) as draft_again:
        catalogue_selectors.version_frozen(draft.pk)
    assert len(draft_again) == 2
