"""Writes of credit grades: every change is audited and needs the 'credit.grade' permission
(supervisors and data officers, see accounts.policies); the data platform's derivation runs
with a text actor such as "task:credit derive"."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.permissions import has_permission

from .models import CreditGrade, Grade, GradeSource, SubjectType

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
