"""Reads of public credit: the grade rule, the lists and graded supervision.

The grade (docs/credit.md) — counted on the records and list entries valid today:
  D  on the black list, or any grave bad record;
  C  any serious bad record, or two or more minor bad records;
  A  on the red list, or two or more good records and no bad record;
  B  otherwise (also for a subject nobody recorded anything about).
Rules are tried top-down. A grade set by hand (CreditGrade, source manual) overrides the
derived one: `credit_grade_get` returns the newest manual grade if there is one.

Graded supervision (`credit_treatment`): black list → barred in every department (joint
punishment, whatever the grade); else A → green_channel, B → normal, C → strict_review,
D → barred.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import (
    DEFAULT_GRADE,
    CreditGrade,
    CreditListEntry,
    CreditRecord,
    Grade,
    GradeSource,
    ListType,
    RecordKind,
)


class Treatment:
    GREEN_CHANNEL = "green_channel"  # 绿色通道
    NORMAL = "normal"
    STRICT_REVIEW = "strict_review"  # 重点监管
    BARRED = "barred"  # 联合惩戒


TREATMENT_BY_GRADE = {
    Grade.A: Treatment.GREEN_CHANNEL,
    Grade.B: Treatment.NORMAL,
    Grade.C: Treatment.STRICT_REVIEW,
    Grade.D: Treatment.BARRED,
}


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def records_valid(subject_type: str, subject_id: str, *, on: datetime.date | None = None):
    today = _today(on)
    return CreditRecord.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        decided_on__lte=today,
        withdrawn_at__isnull=True,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def list_entries_active(subject_type: str, subject_id: str, *, on: datetime.date | None = None):
    today = _today(on)
    return CreditListEntry.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        listed_on__lte=today,
        removed_at__isnull=True,
    ).filter(Q(until__isnull=True) | Q(until__gte=today))


def grade_rule(*, good: int, minor: int, serious: int, grave: int, red: bool, black: bool) -> str:
    """The documented rule on counts of valid records and active list entries."""
    if black or grave:
        return Grade.D
    if serious or minor >= 2:
        return Grade.C
    if red or (good >= 2 and minor == 0):
        return Grade.A
    return Grade.B


def credit_facts(subject_type: str, subject_id: str, *, on: datetime.date | None = None) -> dict:
    counts = {"good": 0, "minor": 0, "serious": 0, "grave": 0}
    for kind, severity in records_valid(subject_type, subject_id, on=on).values_list(
        "kind", "severity"
    ):
        counts["good" if kind == RecordKind.GOOD else severity] += 1
    lists = set(
        list_entries_active(subject_type, subject_id, on=on).values_list("list_type", flat=True)
    )
    return {**counts, "red": ListType.RED in lists, "black": ListType.BLACK in lists}


def credit_grade_derived(subject_type: str, subject_id: str, *, on=None) -> str:
    return str(grade_rule(**credit_facts(subject_type, subject_id, on=on)))


def credit_grade_manual(subject_type: str, subject_id: str) -> str | None:
    return (
        CreditGrade.objects.filter(
            subject_type=subject_type, subject_id=subject_id, source=GradeSource.MANUAL
        )
        .order_by("-set_at", "-id")
        .values_list("grade", flat=True)
        .first()
    )


def credit_grade_get(subject_type: str, subject_id: str) -> str:
    """The subject's grade: the newest manual grade if set, else the derived one (B when
    nothing is known). Tolerated-missing intake allows A and B."""
    return (
        credit_grade_manual(subject_type, subject_id)
        or credit_grade_derived(subject_type, subject_id)
        or str(DEFAULT_GRADE)
    )


def credit_treatment(subject_type: str, subject_id: str) -> str:
    """green_channel / normal / strict_review / barred (see the module docstring)."""
    if list_entries_active(subject_type, subject_id).filter(list_type=ListType.BLACK).exists():
        return Treatment.BARRED
    return TREATMENT_BY_GRADE[Grade(credit_grade_get(subject_type, subject_id))]


def credit_summary(subject_type: str, subject_id: str) -> dict:
    facts = credit_facts(subject_type, subject_id)
    return {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "grade": credit_grade_get(subject_type, subject_id),
        "derived_grade": str(grade_rule(**facts)),
        "manual_grade": credit_grade_manual(subject_type, subject_id) or "",
        "good_records": facts["good"],
        "bad_records": facts["minor"] + facts["serious"] + facts["grave"],
        "red_listed": facts["red"],
        "black_listed": facts["black"],
        "treatment": credit_treatment(subject_type, subject_id),
    }


def credit_grade_history(*, subject_type: str, subject_id: str):
    return CreditGrade.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "-set_at", "-id"
    )


def credit_records_of(*, subject_type: str, subject_id: str):
    return CreditRecord.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).select_related("department")


def credit_list_entries_of(*, subject_type: str, subject_id: str):
    return CreditListEntry.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).select_related("department")


def credit_list(*, list_type: str, on=None):
    """Active entries of the red or black list."""
    today = _today(on)
    return (
        CreditListEntry.objects.filter(
            list_type=list_type, listed_on__lte=today, removed_at__isnull=True
        )
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("department")
    )


def credit_subjects():
    """Every (subject_type, subject_id) the registry knows, in a stable order."""
    seen = set()
    for model in (CreditRecord, CreditListEntry, CreditGrade):
        for pair in (
            model.objects.order_by("subject_type", "subject_id")
            .values_list("subject_type", "subject_id")
            .distinct()
        ):
            seen.add(pair)
    return sorted(seen)
