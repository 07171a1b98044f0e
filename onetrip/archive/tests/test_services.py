"""Archiving closed cases into packages, the chain, and the four-property check finding every
kind of damage an archive can suffer."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onetrip.archive import package as packages
from onetrip.archive import services
from onetrip.archive.models import ArchiveCheck, ArchiveRecord, CheckStage
from onetrip.core.errors import DomainError, NotFound
from onetrip.core.models import AuditEntry
from onetrip.core.sm3 import sm3_hex

pytestmark = pytest.mark.django_db(transaction=True)


def _zip(record) -> zipfile.ZipFile:
    with record.package.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def _rewrite(record, change) -> None:
    """Write the record's package back with `change(entries)` applied: what someone with
    access to the storage could do."""
    entries = {name: _zip(record).read(name) for name in _zip(record).namelist()}
    change(entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with open(record.package.path, "wb") as stored:
        stored.write(buffer.getvalue())


def _codes(check) -> set[str]:
    return {item["code"] for item in check.findings}


def test_a_delivered_case_becomes_a_record_with_its_whole_file(delivered_case, market):
    record = services.case_archive(case=delivered_case)

    assert record.code == f"HY-SCJG-{record.year}-D30-ZWFW-000001"  # licensing: 30 years
    assert record.retention_until == record.year + 30
    assert record.source_ref == delivered_case.number and record.outcome == "approved"
    assert record.subject_id == delivered_case.subject_id
    archive = _zip(record)
    names = archive.namelist()
    assert names[-1] == "metadata.xml"
    assert "form.json" in names and "process.json" in names
    assert [n for n in names if n.startswith("materials/")] == [
        "materials/01-申请书.pdf",
        "materials/02-经营场所使用证明.pdf",
    ]
    notices = [n for n in names if n.startswith("notices/") and n.endswith(".pdf")]
    assert len(notices) == 2  # 受理通知书, 准予行政许可决定书
    assert all(archive.read(n).startswith(b"%PDF-") for n in notices)
    assert len([n for n in names if n.endswith(".seal.json")]) == 2
    licence = json.loads(archive.read(next(n for n in names if n.startswith("licence/"))))
    assert licence["number"] == delivered_case.licence_number
    form = json.loads(archive.read("form.json"))
    assert {"name": "business_name", "label": "名称", "value": "海盐李四小吃店"} in form["fields"]
    process = json.loads(archive.read("process.json"))
    assert [e["action"] for e in process["events"]][:3] == ["create", "submit", "accept"]
    assert process["events"][-1]["to"] == "delivered"

    fields, listed = packages.read_metadata(archive.read("metadata.xml"))
    assert fields["archiveCode"] == record.code
    assert fields["caseNumber"] == delivered_case.number
    assert fields["title"] == f"李四：{delivered_case.matter_version.name}"
    assert fields["outcome"] == "已批准"  # the case status label of approval
    assert len(listed) == record.file_count == len(names) - 1
    for item in listed:
        assert item["sm3"] == sm3_hex(archive.read(item["path"]))
    with record.package.open("rb") as stored:
        assert sm3_hex(stored.read()) == record.package_sm3

    ingest = record.checks.get()
    assert ingest.stage == CheckStage.INGEST and ingest.passed and ingest.findings == []
    entry = AuditEntry.objects.get(action="archive.archive")
    assert entry.subject_id == delivered_case.subject_id
    assert entry.detail["case"] == delivered_case.number


def test_archiving_again_returns_the_same_record(delivered_case):
    first = services.case_archive(case=delivered_case)
    again = services.case_archive(case=delivered_case)
    assert again.pk == first.pk and ArchiveRecord.objects.count() == 1


def test_a_running_case_is_not_archived(publish, citizen, valid_form):
    from onetrip.archive.tests.conftest import draft_with
    from onetrip.cases import services as cases

    case = cases.case_submit(actor=citizen, case=draft_with(publish(), citizen, valid_form))
    with pytest.raises(DomainError) as raised:
        services.case_archive(case=case)
    assert raised.value.code == "archive.not_closed" and raised.value.status == 409
    assert ArchiveRecord.objects.count() == 0


def test_a_case_waits_for_its_commitments_check_and_its_file_holds_it(
    delivered_case, citizen, reviewer
):
    """A proof replaced by a written commitment (告知承诺) is checked after the decision too:
    the nightly run leaves the case until the check is in, and the package records both."""
    from onetrip.cases import services as case_services
    from onetrip.cases.models import CaseCommitment

    proof = delivered_case.matter_version.materials.get(name="经营场所使用证明")
    delivered_case.materials.filter(matter_material=proof).delete()  # committed, not uploaded
    commitment = CaseCommitment.objects.create(
        application=delivered_case,
        matter_material=proof,
        text="本人承诺经营场所真实、可以使用。",
        made_by=citizen,
        check_due_on=delivered_case.accepted_on,
    )
    assert services.cases_archive_due() == 0
    case_services.case_commitment_check(
        actor=reviewer, case=delivered_case, commitment=commitment, outcome="confirmed"
    )
    assert services.cases_archive_due() == 1
    record = ArchiveRecord.objects.get(source_ref=delivered_case.number)
    process = json.loads(_zip(record).read("process.json"))
    [kept] = process["commitments"]
    assert (kept["material"], kept["outcome"]) == ("经营场所使用证明", "confirmed")
    assert kept["text"] == "本人承诺经营场所真实、可以使用。" and kept["checkedAt"]
    assert process["events"][-1]["action"] == "commitment_check"


def test_records_form_one_chain_and_serials_per_volume(delivered_case, not_accepted_case):
    first = services.case_archive(case=delivered_case)
    second = services.case_archive(case=not_accepted_case)
    assert second.code.endswith("-D10-ZWFW-000001")  # not accepted: 10 years, its own volume
    assert second.outcome == "not_accepted"
    assert (first.chain_index, second.chain_index) == (1, 2)
    assert first.previous_sm3 == "" and second.previous_sm3 == first.chain_sm3
    assert second.chain_sm3 == packages.chain_link(first.chain_sm3, second.code, second.package_sm3)


def test_the_nightly_run_archives_closed_cases_once(delivered_case, not_accepted_case, settings):
    settings.ONETRIP_ARCHIVE_BATCH = 1
    assert services.cases_archive_due() == 1  # a batch at a time, oldest first
    assert services.cases_archive_due() == 1
    assert services.cases_archive_due() == 0
    assert set(ArchiveRecord.objects.values_list("source_ref", flat=True)) == {
        delivered_case.number,
        not_accepted_case.number,
    }


def test_a_changed_file_is_found(delivered_case):
    record = services.case_archive(case=delivered_case)
    forged = _zip(record).read("form.json").replace("李四".encode(), b"X")
    _rewrite(record, lambda e: e.update({"form.json": forged}))
    check = services.record_check(record=record, stage=CheckStage.PERIODIC)
    assert not check.passed
    assert {"archive.package_hash", "archive.file_hash"} <= _codes(check)
    assert {"property": "integrity", "code": "archive.file_hash", "file": "form.json"} in (
        check.findings
    )
    record.refresh_from_db()
    assert record.last_check_ok is False
    assert AuditEntry.objects.filter(action="archive.check_failed").exists()


def test_a_removed_and_an_added_file_are_found(delivered_case):
    record = services.case_archive(case=delivered_case)

    def change(entries):
        del entries["materials/01-申请书.pdf"]
        entries["extra.txt"] = b"x"

    _rewrite(record, change)
    codes = _codes(services.record_check(record=record, stage=CheckStage.PERIODIC))
    assert {"archive.file_missing", "archive.file_extra"} <= codes


def test_a_forged_seal_is_found_even_with_matching_hashes(delivered_case):
    """Someone who rewrites a seal file and the metadata's SM3 to match is still caught by the
    department's key (and by the package's recorded SM3)."""
    record = services.case_archive(case=delivered_case)

    def change(entries):
        name = next(n for n in entries if n.endswith(".seal.json"))
        seal = json.loads(entries[name])
        seal["signed_bytes"] = packages.b64(b"forged")
        entries[name] = json.dumps(seal).encode()
        entries["metadata.xml"] = entries["metadata.xml"].replace(
            sm3_hex(_zip(record).read(name)).encode(), sm3_hex(entries[name]).encode()
        )

    _rewrite(record, change)
    codes = _codes(services.record_check(record=record, stage=CheckStage.PERIODIC))
    assert "archive.seal_invalid" in codes and "archive.file_hash" not in codes


def test_a_missing_or_unreadable_package_is_found(delivered_case):
    record = services.case_archive(case=delivered_case)
    with open(record.package.path, "wb") as stored:
        stored.write(b"not a zip")
    assert _codes(services.record_check(record=record, stage=CheckStage.PERIODIC)) >= {
        "archive.package_unreadable",
        "archive.package_hash",
    }
    record.package.storage.delete(record.package.name)
    codes = _codes(services.record_check(record=record, stage=CheckStage.PERIODIC))
    assert "archive.package_missing" in codes


def test_a_changed_row_breaks_the_chain(delivered_case, not_accepted_case):
    first = services.case_archive(case=delivered_case)
    second = services.case_archive(case=not_accepted_case)
    ArchiveRecord.objects.filter(pk=first.pk).update(chain_sm3="0" * 64)
    codes = _codes(services.record_check(record=second, stage=CheckStage.PERIODIC))
    assert "archive.chain_link" in codes
    ArchiveRecord.objects.filter(pk=first.pk).delete()
    second.refresh_from_db()
    codes = _codes(services.record_check(record=second, stage=CheckStage.PERIODIC))
    assert "archive.chain_gap" in codes


def test_unsafe_entries_are_found_without_being_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/passwd", b"x")
    found = packages.check_contents(
        buffer.getvalue(),
        expect={"code": "c", "source_ref": "n", "file_count": 0},
        verify_seal=lambda *a: True,
    )
    assert found == [packages.finding("archive.entry_name", "../../etc/passwd")]


def test_the_periodic_check_takes_records_not_checked_lately(delivered_case, settings):
    import datetime

    from django.utils import timezone

    record = services.case_archive(case=delivered_case)
    today = timezone.localdate()
    assert services.records_check_due(today=today) == 0
    assert record.checks.count() == 1  # checked today on archiving: not due
    later = today + datetime.timedelta(days=settings.ONETRIP_ARCHIVE_CHECK_DAYS + 1)
    assert services.records_check_due(today=later) == 0
    assert record.checks.filter(stage=CheckStage.PERIODIC, passed=True).count() == 1


def test_the_tasks_run_through_celery(delivered_case):
    from onetrip.archive import tasks

    assert tasks.archive_cases.delay().get(timeout=30) == 1
    assert tasks.check_records.delay().get(timeout=30) == 0
    assert ArchiveRecord.objects.get().last_check_ok is True


def test_the_command_checks_and_fails_loudly(delivered_case, capsys):
    call_command("archive", "run")
    record = ArchiveRecord.objects.get()
    call_command("archive", "check", "--all")
    assert "checked=1 failed=0" in capsys.readouterr().out
    _rewrite(record, lambda e: e.pop("process.json"))
    with pytest.raises(CommandError):
        call_command("archive", "check", record.code)
    assert "archive.file_missing\tprocess.json" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("archive", "check", "NO-SUCH-CODE")


def test_only_archivists_in_scope_check_and_use(delivered_case, archivist, head, other_reviewer):
    record = services.case_archive(case=delivered_case)
    check = services.record_check(record=record, actor=archivist)
    assert check.stage == CheckStage.MANUAL and check.by == archivist
    with pytest.raises(DomainError) as raised:
        services.record_check(record=record, actor=head)  # sees, does not check
    assert raised.value.code == "archive.check_denied"
    with pytest.raises(NotFound):
        services.record_use(actor=other_reviewer, record=record, action="package", purpose="查阅")
    with pytest.raises(DomainError) as raised:
        services.record_use(actor=head, record=record, action="package", purpose="  ")
    assert raised.value.code == "archive.purpose_required" and raised.value.status == 422
    use = services.record_use(actor=head, record=record, action="package", purpose="行政复议")
    assert use.purpose == "行政复议"
    entry = AuditEntry.objects.get(action="archive.use")
    assert entry.purpose == "行政复议" and entry.subject_id == record.subject_id
    assert ArchiveCheck.objects.count() == 2
