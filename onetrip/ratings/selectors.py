"""Reads of ratings and follow-ups, scoped to the caller. A follow-up carries the applicant's
comment about their case (personal data): reads are audited."""

from onetrip.core import audit

from . import policies
from .models import FollowUpStatus, Rating, RatingFollowUp

RELATED = (
    "rating",
    "rating__application",
    "rating__application__matter_version",
    "department",
)


def rating_for_case(*, case) -> Rating | None:
    """The rating of a case the caller already got through cases.selectors.case_get."""
    return (
        Rating.objects.select_related("follow_up", "follow_up__answered_by")
        .filter(application_id=case.pk)
        .first()
    )


def follow_up_list(*, user, status: str = "", request=None):
    """Follow-ups the caller may read: a head's own department, a supervisor's county; open
    ones first by their due date."""
    department_ids = policies.follow_up_department_ids(user)
    queryset = RatingFollowUp.objects.select_related(*RELATED)
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=department_ids)
    if status in FollowUpStatus.values:
        queryset = queryset.filter(status=status)
    follow_ups = list(queryset.order_by("status", "due_on", "id")[:500])
    audit.record(
        actor=user,
        action="ratings.follow_up.list",
        purpose="rating follow-ups",
        request=request,
        detail={"count": len(follow_ups)},
    )
    return follow_ups


def follow_up_get(*, user, pk: int, request=None) -> RatingFollowUp:
    """One follow-up in the caller's scope; anything else is the same 404."""
    department_ids = policies.follow_up_department_ids(user)
    follow_up = RatingFollowUp.objects.select_related(*RELATED).filter(pk=pk).first()
    if follow_up is None or (
        department_ids is not None and follow_up.department_id not in department_ids
    ):
        raise policies.follow_up_not_found(str(pk))
    case = follow_up.rating.application
    audit.record(
        actor=user,
        action="ratings.follow_up.read",
        target_type="cases.application",
        target_id=case.number,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        purpose="rating follow-up",
        request=request,
    )
    return follow_up
