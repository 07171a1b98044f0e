"""Writes of credit grades: every change is audited and needs the 'credit.grade' permission
(supervisors and data officers, see accounts.policies); the data platform's derivation runs
with a text actor such as "task:credit derive"."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.permissions import has_permission

from .models import (
    CreditGrade,
    CreditListEntry,
    CreditRecord,
    Grade,
    GradeSource,
    ListType,
    RecordKind,
    Severity,
    SubjectType,
)

PERMISSION = "credit.grade"


def credit_grade_set(
    *,
    actor,
    subject_type: str,
    subject_id: str,
    grade: str,
    reason: str,
    source: str = GradeSource.MANUAL,
    request=None,
) -> CreditGrade:
    """Give a subject a new grade (the old ones stay as history)."""
    if not (isinstance(actor, str) and actor) and not has_permission(actor, PERMISSION):
        raise PermissionDenied(
            "credit.permission_denied", _("You do not have permission to do this.")
        )
    problems = {}
    if subject_type not in SubjectType.values:
        problems["subject_type"] = _("Choose a natural person or a legal person.")
    subject_id = (subject_id or "").strip().upper()
    if not subject_id or len(subject_id) > 18:
        problems["subject_id"] = _("Enter a citizen ID number or a unified social credit code.")
    if grade not in Grade.values:
        problems["grade"] = _("The grade must be A, B, C or D.")
    if source not in GradeSource.values:
        problems["source"] = _("Unknown source.")
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = _("Give a reason.")
    if problems:
        raise DomainError("credit.invalid", _("The grade could not be set."), detail=problems)
    with transaction.atomic():
        row = CreditGrade.objects.create(
            subject_type=subject_type,
            subject_id=subject_id,
            grade=grade,
            source=source,
            set_by=None if isinstance(actor, str) else actor,
            reason=reason[:300],
            set_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="credit.grade.set",
            target=row,
            subject_type=subject_type,
            subject_id=subject_id,
            detail={"grade": grade, "source": source, "reason": reason[:300]},
            request=request,
        )
    return row


# --- credit records and lists ----------------------------------------------------------------

RECORD_PERMISSION = "credit.record"


def _recorder_department(actor, department):
    """Staff record for their own department; loaders (text actors) name the department."""
    if isinstance(actor, str) and actor:
        if department is None:
            raise DomainError("credit.invalid", _("Name the source department."))
        return department
    if not has_permission(actor, RECORD_PERMISSION):
        raise PermissionDenied(
            "credit.permission_denied", _("You do not have permission to do this.")
        )
    staff = getattr(actor, "staff", None)
    own = getattr(staff, "department", None)
    if own is None:
        if department is not None and actor.is_superuser:
            return department
        raise PermissionDenied(
            "credit.permission_denied", _("Only staff of a department may record credit.")
        )
    return own


def _subject(problems, subject_type, subject_id):
    if subject_type not in SubjectType.values:
        problems["subject_type"] = _("Choose a natural person or a legal person.")
    subject_id = (subject_id or "").strip().upper()
    if not subject_id or len(subject_id) > 18:
        problems["subject_id"] = _("Enter a citizen ID number or a unified social credit code.")
    return subject_id


def credit_record_add(
    *,
    actor,
    subject_type: str,
    subject_id: str,
    kind: str,
    category: str,
    decided_on,
    severity: str = "",
    valid_until=None,
    description: str = "",
    subject_name: str = "",
    department=None,
    request=None,
) -> CreditRecord:
    """Adds a record of good or bad conduct (a bad one needs a severity)."""
    department = _recorder_department(actor, department)
    problems = {}
    subject_id = _subject(problems, subject_type, subject_id)
    if kind not in RecordKind.values:
        problems["kind"] = _("Choose good or bad conduct.")
    if kind == RecordKind.BAD and severity not in Severity.values:
        problems["severity"] = _("A bad-conduct record needs a severity.")
    if kind == RecordKind.GOOD:
        severity = ""
    category = (category or "").strip()
    if not category:
        problems["category"] = _("Give a category.")
    if decided_on is None:
        problems["decided_on"] = _("Give the date of the decision.")
    elif valid_until is not None and valid_until < decided_on:
        problems["valid_until"] = _("The validity cannot end before the decision.")
    if problems:
        raise DomainError("credit.invalid", _("The record could not be added."), detail=problems)
    with transaction.atomic():
        row = CreditRecord.objects.create(
            subject_type=subject_type,
            subject_id=subject_id,
            subject_name=(subject_name or "")[:200],
            kind=kind,
            category=category[:100],
            severity=severity,
            department=department,
            decided_on=decided_on,
            valid_until=valid_until,
            description=description or "",
        )
        audit.record(
            actor=actor,
            action="credit.record.add",
            target=row,
            target_id=str(row.public_id),
            subject_type=subject_type,
            subject_id=subject_id,
            detail={"kind": kind, "severity": severity, "department": department.code},
            request=request,
        )
    return row


def credit_list_add(
    *,
    actor,
    list_type: str,
    subject_type: str,
    subject_id: str,
    reason: str,
    listed_on,
    until=None,
    subject_name: str = "",
    department=None,
    request=None,
) -> CreditListEntry:
    """Puts a subject on the red or black list (a black-list entry bars it everywhere)."""
    department = _recorder_department(actor, department)
    problems = {}
    subject_id = _subject(problems, subject_type, subject_id)
    if list_type not in ListType.values:
        problems["list_type"] = _("Choose the red or the black list.")
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = _("Give a reason.")
    if listed_on is None:
        problems["listed_on"] = _("Give the listing date.")
    elif until is not None and until < listed_on:
        problems["until"] = _("The listing cannot end before it starts.")
    if problems:
        raise DomainError("credit.invalid", _("The entry could not be added."), detail=problems)
    with transaction.atomic():
        row = CreditListEntry.objects.create(
            list_type=list_type,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_name=(subject_name or "")[:200],
            reason=reason[:300],
            department=department,
            listed_on=listed_on,
            until=until,
        )
        audit.record(
            actor=actor,
            action=f"credit.list.{list_type}.add",
            target=row,
            target_id=str(row.public_id),
            subject_type=subject_type,
            subject_id=subject_id,
            detail={"reason": reason[:300], "department": department.code},
            request=request,
        )
    return row


def credit_list_remove(*, actor, entry: CreditListEntry, reason: str, request=None):
    """Takes a subject off a list (credit repair 信用修复, or a mistake); kept as history."""
    _require_source_department(
        actor, entry.department, _("Only the listing department may remove the entry.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "credit.invalid", _("Give a reason."), detail={"reason": _("Give a reason.")}
        )
    if entry.removed_at is not None:
        raise DomainError("credit.already_removed", _("This entry was already removed."))
    with transaction.atomic():
        entry.removed_at, entry.removed_reason = timezone.now(), reason[:300]
        entry.save(update_fields=["removed_at", "removed_reason"])
        audit.record(
            actor=actor,
            action=f"credit.list.{entry.list_type}.remove",
            target=entry,
            target_id=str(entry.public_id),
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            detail={"reason": reason[:300]},
            request=request,
        )
    return entry


def _require_source_department(actor, department, message) -> None:
    if _recorder_department(actor, department) != department and not (
        isinstance(actor, str) or actor.is_superuser
    ):
        raise PermissionDenied("credit.permission_denied", message)


def credit_record_mark_objection(*, record: CreditRecord, open_: bool) -> None:
    """Marks (or unmarks) a record as under objection (异议标注), for everyone who reads it
    while its source department checks it. Called by the objections app in its transaction."""
    CreditRecord.objects.filter(pk=record.pk).update(under_objection=open_)
    record.under_objection = open_


def credit_record_withdraw(*, actor, record: CreditRecord, reason: str, request=None):
    """The source department withdraws a record (an objection upheld, a decision annulled): it
    stops counting towards the grade at once and stays as history."""
    _require_source_department(
        actor, record.department, _("Only the source department may withdraw the record.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "credit.invalid", _("Give a reason."), detail={"reason": _("Give a reason.")}
        )
    if record.withdrawn_at is not None:
        raise DomainError("credit.already_withdrawn", _("This record was already withdrawn."))
    with transaction.atomic():
        record.withdrawn_at, record.withdrawn_reason = timezone.now(), reason[:300]
        record.under_objection = False
        record.save(update_fields=["withdrawn_at", "withdrawn_reason", "under_objection"])
        audit.record(
            actor=actor,
            action="credit.record.withdraw",
            target=record,
            target_id=str(record.public_id),
            subject_type=record.subject_type,
            subject_id=record.subject_id,
            detail={"reason": reason[:300]},
            request=request,
        )
    return record
