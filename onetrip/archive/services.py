"""Every write of the e-archive: archiving a closed case, checking records (四性检测) and
registering each use (利用登记).

A case is archived once it is closed with a decision (delivered, rated, denied, not accepted):
the nightly task (`archive-cases`) takes the ones not yet archived, a batch at a time, so that a
county's backlog is worked through over some nights rather than in one. A withdrawn case made no
decision and is not archived."""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onetrip.cases import notices as case_notices
from onetrip.cases.models import Application, CaseCommitment, CaseStatus
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.core.sm3 import sm3_hex
from onetrip.datasets.masking import mask
from onetrip.datasets.models import MaskingRule
from onetrip.licences.models import Licence
from onetrip.payments import selectors as payment_selectors
from onetrip.signing import services as signing

from . import package as packages
from . import policies
from .models import (
    RETENTION_YEARS,
    AppraisalDecision,
    AppraisalStatus,
    ArchiveAppraisal,
    ArchiveCheck,
    ArchiveCounter,
    ArchiveRecord,
    ArchiveUse,
    CheckStage,
    Retention,
    SourceType,
)

logger = logging.getLogger(__name__)

ARCHIVABLE_STATUSES = (
    CaseStatus.DELIVERED,
    CaseStatus.RATED,
    CaseStatus.DENIED,
    CaseStatus.NOT_ACCEPTED,
)
CATEGORY_CODE = "ZWFW"  # 政务服务: the category part of the archive code
CHAIN_KEY = "chain"
PURPOSE_MAX_LENGTH = 200


# --- archiving a case ------------------------------------------------------------------------


def retention_for(case: Application) -> str:
    """保管期限 by the matter's type (ONETRIP_ARCHIVE_RETENTION); a case not accepted keeps the
    shortest period."""
    if case.status == CaseStatus.NOT_ACCEPTED:
        return Retention.YEARS_10
    rules = getattr(settings, "ONETRIP_ARCHIVE_RETENTION", {})
    code = rules.get(case.matter_version.matter_type, rules.get("*", Retention.YEARS_10))
    return Retention(code)


def _form_fields(case: Application) -> list[dict]:
    schema = case.matter_version.form_schema or []
    known = {item.get("name") for item in schema}
    fields = [
        {
            "name": item.get("name"),
            "label": item.get("label", ""),
            "value": case.form_data.get(item.get("name")),
        }
        for item in schema
    ]
    extra = [
        {"name": k, "label": k, "value": v} for k, v in case.form_data.items() if k not in known
    ]
    return fields + extra


def _materials(content: packages.PackageContent, case: Application) -> None:
    rows = case.materials.select_related("matter_material").order_by("uploaded_at", "pk")
    for index, material in enumerate(rows, start=1):
        name = material.matter_material.name if material.matter_material else _("Other material")
        extension = (
            material.original_name.rsplit(".", 1)[-1].lower()
            if "." in material.original_name
            else "bin"
        )
        with material.file.open("rb") as stored:
            data = stored.read()
        path = f"materials/{index:02d}-{packages.safe_name(name)}.{packages.safe_name(extension)}"
        content.add(path, "material", f"{name}（{material.original_name}）", data)


def _notices(content: packages.PackageContent, case: Application) -> None:
    for notice in case.notices.select_related("department").order_by("issued_at", "pk"):
        title = case_notices.notice_title(notice)
        content.add(
            f"notices/{notice.number}.pdf", "notice", title, case_notices.notice_pdf(notice)
        )
        if notice.signature:
            content.add_json(
                f"notices/{notice.number}.seal.json",
                "seal",
                title,
                {
                    "number": notice.number,
                    "kind": notice.kind,
                    "alg": notice.alg,
                    "key_id": notice.key_id,
                    "signed_bytes": packages.b64(notice.signed_bytes()),
                    "signature": notice.signature,
                },
            )


def _licence(content: packages.PackageContent, case: Application) -> None:
    if not case.licence_number:
        return
    licence = Licence.objects.filter(number=case.licence_number).first()
    if licence is None:
        return
    content.add_json(
        f"licence/{packages.safe_name(licence.number)}.json",
        "licence",
        str(_("E-licence")),
        {
            "number": licence.number,
            "alg": licence.alg,
            "key_id": licence.key_id,
            "signed_bytes": packages.b64(bytes(licence.payload)),
            "signature": packages.b64(bytes(licence.signature)),
        },
    )


def _process(case: Application) -> dict:
    events = case.events.order_by("at", "pk")
    return {
        "events": [
            {
                "at": event.at,
                "action": event.action,
                "from": event.from_status,
                "to": event.to_status,
                "step": event.step,
                "by": event.actor_label,
                "note": event.note,
            }
            for event in events
        ],
        "clock_stops": [
            {
                "kind": pause.kind,
                "reason": pause.reason,
                "from": pause.started_on,
                "to": pause.ended_on,
                "working_days": pause.working_days,
            }
            for pause in case.pauses.order_by("started_on", "pk")
        ],
        # Proofs replaced by a written commitment (告知承诺) and what their check found.
        "commitments": [
            {
                "material": commitment.matter_material.name,
                "text": commitment.text,
                "madeAt": commitment.made_at,
                "checkDueOn": commitment.check_due_on,
                "outcome": commitment.outcome,
                "note": commitment.note,
                "checkedAt": commitment.checked_at,
            }
            for commitment in case.commitments.select_related("matter_material").order_by("pk")
        ],
        "fees": [
            {
                "code": order.code,
                "amount_fen": order.amount,
                "status": order.status,
                "paid_at": order.paid_at,
                "receipt_number": order.receipt_number,
            }
            for order in payment_selectors.orders_for_reference(f"case:{case.number}")
        ],
    }


def _description(case: Application, *, code: str, retention: str, year: int, now) -> dict:
    version = case.matter_version
    local = timezone.localtime
    return {
        "archiveCode": code,
        "fonds": {"code": case.department.code, "text": case.department.name},
        "year": year,
        "retention": {"code": retention, "text": str(Retention(retention).label)},
        "title": _title(case),
        "caseNumber": case.number,
        "matter": {"code": version.matter.code, "type": version.matter_type, "text": version.name},
        "applicant": {"type": case.subject_type, "id": case.subject_id, "text": case.subject_name},
        "channel": case.channel,
        "submittedAt": local(case.submitted_at).isoformat() if case.submitted_at else "",
        "acceptedAt": local(case.accepted_at).isoformat() if case.accepted_at else "",
        "deadline": case.deadline_on.isoformat() if case.deadline_on else "",
        "finishedAt": local(case.finished_at).isoformat() if case.finished_at else "",
        "outcome": {"code": outcome_of(case), "text": str(CaseStatus(outcome_of(case)).label)},
        "licenceNumber": case.licence_number,
        "archivedAt": local(now).isoformat(),
    }


def outcome_of(case: Application) -> str:
    """办理结果: the decision, whatever happened after it (delivered, rated)."""
    if case.status in (CaseStatus.NOT_ACCEPTED, CaseStatus.DENIED):
        return case.status
    return CaseStatus.APPROVED


def _title(case: Application) -> str:
    return _("%(subject)s: %(matter)s") % {
        "subject": case.subject_name,
        "matter": case.matter_version.name,
    }


def package_content(case: Application, *, code: str, retention: str, year: int, now):
    content = packages.PackageContent(
        _description(case, code=code, retention=retention, year=year, now=now)
    )
    content.add_json(
        "form.json", "form", str(_("Application form")), {"fields": _form_fields(case)}
    )
    _materials(content, case)
    _notices(content, case)
    _licence(content, case)
    content.add_json("process.json", "process", str(_("Handling record")), _process(case))
    return content


def _counter(key: str) -> ArchiveCounter:
    ArchiveCounter.objects.get_or_create(key=key)
    return ArchiveCounter.objects.select_for_update().get(key=key)


def _not_closed(case: Application) -> DomainError:
    return DomainError(
        "archive.not_closed",
        _("Only a case closed with a decision can be archived."),
        detail={"status": case.status, "allowed": list(ARCHIVABLE_STATUSES)},
        status=409,
    )


def case_archive(*, case: Application, actor=None) -> ArchiveRecord:
    """Archive one closed case (again: the record it already has). Writes the package, adds the
    record at the chain's head, then checks it (the ingest check, 归档环节检测)."""
    existing = ArchiveRecord.objects.filter(source_type=SourceType.CASE, source_ref=case.number)
    if record := existing.first():
        return record
    if case.status not in ARCHIVABLE_STATUSES:
        raise _not_closed(case)
    # What the package and the record say is kept for decades: in the county's language, not
    # in that of whoever's request or task happened to archive it.
    with translation.override(settings.LANGUAGE_CODE):
        record = _archive(case, actor=actor)
    record_check(record=record, stage=CheckStage.INGEST, actor=actor)
    return record


def _archive(case: Application, *, actor) -> ArchiveRecord:
    now = timezone.now()
    year = (case.finished_on or timezone.localdate()).year
    retention = retention_for(case)
    with transaction.atomic():
        volume = _counter(f"{case.department.code}:{year}:{retention}")
        chain = _counter(CHAIN_KEY)
        serial = volume.last + 1
        code = f"{case.department.code}-{year}-{retention}-{CATEGORY_CODE}-{serial:06d}"
        content = package_content(case, code=code, retention=retention, year=year, now=now)
        data = packages.zip_bytes(content, when=timezone.localtime(now))
        package_sm3 = sm3_hex(data)
        years = RETENTION_YEARS[Retention(retention)]
        record = ArchiveRecord(
            code=code,
            department=case.department,
            year=year,
            retention=retention,
            retention_until=year + years if years else None,
            serial=serial,
            source_type=SourceType.CASE,
            source_ref=case.number,
            title=_title(case)[:300],
            matter_code=case.matter_version.matter.code,
            matter_name=case.matter_version.name,
            subject_name=case.subject_name,
            subject_type=case.subject_type,
            subject_id=case.subject_id,
            outcome=outcome_of(case),
            finished_on=case.finished_on,
            package_size=len(data),
            package_sm3=package_sm3,
            file_count=len(content.files),
            chain_index=chain.last + 1,
            previous_sm3=chain.head_sm3,
            chain_sm3=packages.chain_link(chain.head_sm3, code, package_sm3),
        )
        record.package.save(f"{code}.zip", ContentFile(data), save=False)
        try:
            record.save()
            volume.last, chain.last, chain.head_sm3 = serial, record.chain_index, record.chain_sm3
            volume.save(update_fields=["last"])
            chain.save(update_fields=["last", "head_sm3"])
            audit.record(
                actor=actor or "archive",
                action="archive.archive",
                target=record,
                subject_type=case.subject_type,
                subject_id=case.subject_id,
                detail={"case": case.number, "sm3": package_sm3, "files": record.file_count},
            )
        except Exception:
            record.package.storage.delete(record.package.name)  # no file without its record
            raise
    return record


def _due_cases():
    """Closed cases not archived yet. A case with a commitment still to check waits: its file is
    complete once the check is in it."""
    archived = ArchiveRecord.objects.filter(
        source_type=SourceType.CASE, source_ref=OuterRef("number")
    )
    unchecked = CaseCommitment.objects.filter(application=OuterRef("pk"), outcome="")
    return (
        Application.objects.filter(status__in=ARCHIVABLE_STATUSES, finished_at__isnull=False)
        .exclude(Exists(archived))
        .exclude(Exists(unchecked))
        .order_by("finished_at", "pk")
    )


def cases_archive_due(*, limit: int | None = None) -> int:
    """The nightly run: archive closed cases not archived yet, oldest first, at most `limit`
    (ONETRIP_ARCHIVE_BATCH). A case that fails is logged and left for the next night."""
    limit = limit or int(getattr(settings, "ONETRIP_ARCHIVE_BATCH", 2000))
    done = 0
    cases = _due_cases().select_related("department", "matter_version__matter")[:limit]
    for case in cases:
        try:
            case_archive(case=case)
            done += 1
        except Exception:
            logger.exception("archive.case_failed", extra={"case": case.number})
    return done


# --- the four-property check -----------------------------------------------------------------


def _chain_findings(record: ArchiveRecord) -> list[dict]:
    found = []
    if (
        packages.chain_link(record.previous_sm3, record.code, record.package_sm3)
        != record.chain_sm3
    ):
        found.append(packages.finding("archive.chain_link"))
    if record.chain_index > 1:
        previous = (
            ArchiveRecord.objects.filter(chain_index=record.chain_index - 1)
            .values_list("chain_sm3", flat=True)
            .first()
        )
        if previous is None:
            found.append(packages.finding("archive.chain_gap"))
        elif previous != record.previous_sm3:
            found.append(packages.finding("archive.chain_link"))
    return found


def _location_findings(record: ArchiveRecord) -> list[dict]:
    from pathlib import Path

    root = (Path(settings.MEDIA_ROOT) / "archive").resolve()
    try:
        path = Path(record.package.path).resolve()
    except (ValueError, NotImplementedError):
        return [packages.finding("archive.location")]
    return [] if path.is_relative_to(root) else [packages.finding("archive.location")]


def record_findings(record: ArchiveRecord) -> list[dict]:
    if record.destroyed_at is not None:  # the package is gone by decision; its row still links
        return _chain_findings(record)
    found = _chain_findings(record) + _location_findings(record)
    try:
        with record.package.open("rb") as stored:
            data = stored.read()
    except (FileNotFoundError, ValueError):
        return [*found, packages.finding("archive.package_missing")]
    if sm3_hex(data) != record.package_sm3:
        found.append(packages.finding("archive.package_hash"))
    expect = {"code": record.code, "source_ref": record.source_ref, "file_count": record.file_count}
    return found + packages.check_contents(data, expect=expect, verify_seal=signing.verify)


def record_check(
    *, record: ArchiveRecord, stage: str = CheckStage.MANUAL, actor=None
) -> ArchiveCheck:
    """Check one record now; the result is kept, and a failure is audited and logged as an
    error so that monitoring sees it."""
    if stage == CheckStage.MANUAL:
        policies.require_check(actor, record)
    found = record_findings(record)
    with transaction.atomic():
        check = ArchiveCheck.objects.create(
            record=record,
            stage=stage,
            passed=not found,
            findings=found,
            by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record.last_check_at, record.last_check_ok = check.at, check.passed
        record.save(update_fields=["last_check_at", "last_check_ok"])
        if found:
            audit.record(
                actor=actor or "archive",
                action="archive.check_failed",
                target=record,
                detail={"stage": stage, "codes": sorted({item["code"] for item in found})},
            )
    if found:
        logger.error("archive.check_failed", extra={"record": record.code, "findings": found})
    return check


def records_check_due(*, today: datetime.date | None = None, limit: int | None = None) -> int:
    """The periodic check (长期保存环节检测): records not checked for
    ONETRIP_ARCHIVE_CHECK_DAYS days, least recently checked first. Returns how many failed."""
    today = today or timezone.localdate()
    days = int(getattr(settings, "ONETRIP_ARCHIVE_CHECK_DAYS", 30))
    limit = limit or int(getattr(settings, "ONETRIP_ARCHIVE_BATCH", 2000))
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time())
    )
    due = ArchiveRecord.objects.filter(Q(last_check_at__isnull=True) | Q(last_check_at__lt=since))
    failed = 0
    for record in due.order_by("last_check_at", "pk")[:limit]:
        failed += not record_check(record=record, stage=CheckStage.PERIODIC).passed
    return failed


# --- use -------------------------------------------------------------------------------------


def purpose_clean(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(
            "archive.purpose_required",
            _("Say what the record is used for (利用目的)."),
            detail={"fields": {"purpose": _("This field is required.")}},
            status=422,
        )
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise DomainError(
            "archive.purpose_too_long",
            _("The purpose is at most %(n)s characters.") % {"n": PURPOSE_MAX_LENGTH},
            detail={"fields": {"purpose": _("Too long.")}},
            status=422,
        )
    return purpose


@transaction.atomic
def record_use(
    *, actor, record: ArchiveRecord, action: str, purpose: str, file_name: str = "", request=None
) -> ArchiveUse:
    """Register one use of a record's content (利用登记) and audit it as a read of the
    applicant's personal data."""
    policies.require_view(actor, record)
    if record.destroyed_at is not None:
        raise policies.destroyed(record)
    purpose = purpose_clean(purpose)
    use = ArchiveUse.objects.create(
        record=record,
        user=actor,
        user_label=str(actor)[:150],
        action=action,
        file_name=file_name[:200],
        purpose=purpose,
    )
    audit.record(
        actor=actor,
        action="archive.use",
        target=record,
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        purpose=purpose,
        detail={"action": action, "file": file_name},
        request=request,
    )
    return use


# --- appraisal and destruction (到期鉴定与销毁) -------------------------------------------------

REASON_MAX_LENGTH = 500
KEEP_YEARS_MAX = 30


def is_due_for_appraisal(record: ArchiveRecord, *, today: datetime.date | None = None) -> bool:
    """Its retention ends this year or has ended, and it still exists."""
    year = (today or timezone.localdate()).year
    return (
        record.destroyed_at is None
        and record.retention_until is not None
        and record.retention_until <= year
    )


def _text(value: str, field: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(
            code, message, detail={"fields": {field: _("This field is required.")}}, status=422
        )
    if len(value) > REASON_MAX_LENGTH:
        raise DomainError(
            f"archive.{field}_too_long",
            _("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH},
            detail={"fields": {field: _("Too long.")}},
            status=422,
        )
    return value


def _keep_years(decision: str, years) -> int | None:
    if decision != AppraisalDecision.KEEP:
        return None
    try:
        years = int(years)
    except (TypeError, ValueError):
        years = 0
    if not 1 <= years <= KEEP_YEARS_MAX:
        raise DomainError(
            "archive.years_invalid",
            _("Keep it 1 to %(n)s years longer.") % {"n": KEEP_YEARS_MAX},
            detail={"fields": {"years": _("1 to %(n)s.") % {"n": KEEP_YEARS_MAX}}},
            status=422,
        )
    return years


@transaction.atomic
def appraisal_propose(
    *, actor, record: ArchiveRecord, decision: str, reason: str, years=None, request=None
) -> ArchiveAppraisal:
    """An archivist's appraisal opinion (鉴定意见) on a record due for appraisal: keep it some
    years longer, or destroy it. It waits for a department head's approval."""
    policies.require_appraise(actor, record)
    record = ArchiveRecord.objects.select_for_update().get(pk=record.pk)
    if not is_due_for_appraisal(record):
        raise DomainError(
            "archive.not_due",
            _("Only a record whose retention has ended is appraised."),
            status=409,
        )
    if decision not in AppraisalDecision.values:
        raise DomainError(
            "archive.decision_invalid",
            _("Choose keep longer or destroy."),
            detail={"fields": {"decision": _("Choose one.")}},
            status=422,
        )
    years = _keep_years(decision, years)
    reason = _text(reason, "reason", "archive.reason_required", _("Give the appraisal's reason."))
    if record.appraisals.filter(status=AppraisalStatus.PROPOSED).exists():
        raise DomainError(
            "archive.appraisal_open",
            _("An appraisal of this record is waiting for approval."),
            status=409,
        )
    appraisal = ArchiveAppraisal.objects.create(
        record=record, decision=decision, years=years, reason=reason, proposed_by=actor
    )
    audit.record(
        actor=actor,
        action="archive.appraise",
        target=record,
        request=request,
        detail={"decision": decision, "years": years, "reason": reason},
    )
    return appraisal


def appraisal_decide(
    *, actor, appraisal: ArchiveAppraisal, approve: bool, note: str = "", request=None
) -> ArchiveAppraisal:
    """A head of the record's department approves (keep: its retention is extended; destroy:
    its package is deleted, its row kept as destroyed) or rejects the opinion with a note."""
    policies.require_approve(actor, appraisal.record)
    with transaction.atomic():
        appraisal = ArchiveAppraisal.objects.select_for_update().get(pk=appraisal.pk)
        record = ArchiveRecord.objects.select_for_update().get(pk=appraisal.record_id)
        _decidable(appraisal, actor)
        note = (note or "").strip()[:REASON_MAX_LENGTH]
        if not approve:
            note = _text(note, "note", "archive.note_required", _("Say why it is rejected."))
        appraisal.status = AppraisalStatus.APPROVED if approve else AppraisalStatus.REJECTED
        appraisal.decided_by, appraisal.decided_at, appraisal.note = actor, timezone.now(), note
        appraisal.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if approve and appraisal.decision == AppraisalDecision.KEEP:
            record.retention_until += appraisal.years
            record.save(update_fields=["retention_until"])
        elif approve:
            _destroy(record, at=appraisal.decided_at)
        audit.record(
            actor=actor,
            action=_decided_action(appraisal),
            target=record,
            request=request,
            detail={"appraisal": appraisal.pk, "decision": appraisal.decision, "note": note},
        )
    return appraisal


def _destroy(record: ArchiveRecord, *, at) -> None:
    """The package goes after the commit; the row stays for the chain and the destruction
    register, without the person's name and ID number in the clear (PIPL art. 47: personal data
    is deleted once its retention has ended)."""
    record.destroyed_at = at
    if record.subject_type == "person":
        masked = mask(record.subject_name, MaskingRule.NAME)
        record.title = record.title.replace(record.subject_name, masked, 1)
        record.subject_name = masked
        record.subject_id = mask(record.subject_id, MaskingRule.ID_NUMBER)
    record.save(update_fields=["destroyed_at", "title", "subject_name", "subject_id"])
    transaction.on_commit(lambda: _package_delete(record))


def _decidable(appraisal: ArchiveAppraisal, actor) -> None:
    if appraisal.status != AppraisalStatus.PROPOSED:
        raise DomainError(
            "archive.appraisal_closed",
            _("This appraisal was already approved or rejected."),
            status=409,
        )
    if appraisal.proposed_by_id == actor.pk:
        raise DomainError(
            "archive.same_person",
            _("The one who appraised a record does not approve the appraisal."),
            status=409,
        )


def _decided_action(appraisal: ArchiveAppraisal) -> str:
    if appraisal.status == AppraisalStatus.REJECTED:
        return "archive.appraisal_reject"
    return "archive.destroy" if appraisal.decision == AppraisalDecision.DESTROY else "archive.keep"


def _package_delete(record: ArchiveRecord) -> None:
    """After the commit: a failure leaves a file the next check of the storage can find, never
    a record marked kept whose package is gone."""
    try:
        record.package.storage.delete(record.package.name)
    except OSError:
        logger.exception("archive.destroy_failed", extra={"record": record.code})
