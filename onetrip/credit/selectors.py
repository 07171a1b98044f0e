"""Reads of credit grades."""

from .models import DEFAULT_GRADE, CreditGrade


def credit_grade_get(subject_type: str, subject_id: str) -> str:
    """The subject's current grade (the newest row), or B when nobody has graded it."""
    grade = (
        CreditGrade.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-set_at", "-id")
        .values_list("grade", flat=True)
        .first()
    )
    return grade or str(DEFAULT_GRADE)


def credit_grade_history(*, subject_type: str, subject_id: str):
    return CreditGrade.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "-set_at", "-id"
    )
