"""Writes of ratings (好差评). Each: policy → validate → write → audit → notification on commit.

Rules:
- a case is rated once (Rating is one-to-one with the case), by its applicant, when it is
  delivered or was not accepted (cases.services.RATEABLE_STATUSES); the case becomes `rated`
  through cases.services.case_mark_rated, in the same transaction;
- five levels; a comment is required for a bad rating (1 不满意 or 2 非常不满意);
- a bad rating opens a RatingFollowUp due in FOLLOW_UP_DAYS working days (受理次日起算 rule of
  workdays), and the heads of the implementing department are told;
- the head answers with a rectification note (整改情况); the applicant is told and may confirm.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.models import StaffRole
from onetrip.accounts.selectors import staff_list
from onetrip.cases.services import case_mark_rated
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.notify.services import notification_send
from onetrip.workdays.selectors import workday_add

from . import policies
from .models import BAD_LEVELS, FollowUpStatus, Rating, RatingFollowUp, RatingLevel

FOLLOW_UP_DAYS = 3
COMMENT_MAX = 2000


def _audit(*, actor, action, case, request=None, **detail) -> None:
    audit.record(
        actor=actor,
        action=f"ratings.{action}",
        target_type="cases.application",
        target_id=case.number,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        detail=detail,
        request=request,
    )


def _notify_heads(follow_up, case) -> None:
    heads = [
        staff.user
        for staff in staff_list(department_ids={follow_up.department_id})
        if StaffRole.DEPARTMENT_HEAD in staff.role_set()
    ]
    link = reverse("ratingwork:follow_up", args=[follow_up.pk])
    title = _("A bad rating needs your answer (%(number)s)") % {"number": case.number}
    body = _("Answer by %(date)s.") % {"date": follow_up.due_on.isoformat()}

    def send():
        for user in heads:
            notification_send(user=user, title=title, body=body, link=link)

    transaction.on_commit(send)


@transaction.atomic
def rating_submit(*, actor, case, level, comment: str = "", request=None) -> Rating:
    """The applicant rates a finished case once; a bad rating opens a follow-up."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in RatingLevel.values:
        raise DomainError("ratings.invalid_level", _("Choose one of the five levels."), status=422)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            "ratings.comment_too_long",
            _("The comment is too long (at most %(n)d characters).") % {"n": COMMENT_MAX},
            status=422,
        )
    if level in BAD_LEVELS and not comment:
        raise DomainError(
            "ratings.comment_required",
            _("Please tell us what went wrong, so that the department can put it right."),
            status=422,
        )
    if Rating.objects.filter(application_id=case.pk).exists():
        raise DomainError(
            "ratings.already_rated", _("This application has already been rated."), status=409
        )
    case = case_mark_rated(actor=actor, case=case, level=level, request=request)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                application=case, level=level, comment=comment, rated_by=actor
            )
    except IntegrityError as error:  # a second rating raced this one
        raise DomainError(
            "ratings.already_rated", _("This application has already been rated."), status=409
        ) from error
    _audit(actor=actor, action="rating.submit", case=case, request=request, level=level)
    if level in BAD_LEVELS:
        follow_up = RatingFollowUp.objects.create(
            rating=rating,
            department_id=case.department_id,
            due_on=workday_add(timezone.localdate(), FOLLOW_UP_DAYS).date,
        )
        _audit(
            actor=actor,
            action="follow_up.open",
            case=case,
            request=request,
            follow_up=follow_up.pk,
            due_on=follow_up.due_on.isoformat(),
        )
        _notify_heads(follow_up, case)
    return rating


def _lock(follow_up) -> RatingFollowUp:
    return (
        RatingFollowUp.objects.select_for_update()
        .select_related("rating", "rating__application")
        .get(pk=follow_up.pk)
    )


@transaction.atomic
def follow_up_answer(*, actor, follow_up, answer: str, request=None) -> RatingFollowUp:
    """The implementing department's head answers a bad rating with what was put right."""
    follow_up = _lock(follow_up)
    if not policies.may_answer(actor, follow_up):
        raise policies.follow_up_not_found(str(follow_up.pk))
    if follow_up.status != FollowUpStatus.OPEN:
        raise DomainError(
            "ratings.already_answered", _("This follow-up has already been answered."), status=409
        )
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("ratings.answer_required", _("Describe what was put right."), status=422)
    follow_up.status, follow_up.answer = FollowUpStatus.ANSWERED, answer[:COMMENT_MAX]
    follow_up.answered_by, follow_up.answered_at = actor, timezone.now()
    follow_up.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    case = follow_up.rating.application
    _audit(
        actor=actor,
        action="follow_up.answer",
        case=case,
        request=request,
        follow_up=follow_up.pk,
        late=timezone.localdate() > follow_up.due_on,
    )
    user, link = case.applicant, reverse("ratings:rate", args=[case.number])
    title = _("The department answered your rating (%(number)s)") % {"number": case.number}
    body = follow_up.answer

    transaction.on_commit(lambda: notification_send(user=user, title=title, body=body, link=link))
    return follow_up


@transaction.atomic
def follow_up_confirm(*, actor, follow_up, note: str = "", request=None) -> RatingFollowUp:
    """The applicant confirms the department's answer (the follow-up is closed)."""
    follow_up = _lock(follow_up)
    case = follow_up.rating.application
    if not (getattr(actor, "is_authenticated", False) and case.applicant_id == actor.pk):
        raise policies.follow_up_not_found(str(follow_up.pk))
    if follow_up.status != FollowUpStatus.ANSWERED:
        raise DomainError(
            "ratings.not_answered",
            _("The department has not answered yet."),
            detail={"status": follow_up.status},
            status=409,
        )
    follow_up.status, follow_up.confirmed_at = FollowUpStatus.CONFIRMED, timezone.now()
    follow_up.confirm_note = (note or "").strip()[:COMMENT_MAX]
    follow_up.save(update_fields=["status", "confirmed_at", "confirm_note"])
    _audit(
        actor=actor, action="follow_up.confirm", case=case, request=request, follow_up=follow_up.pk
    )
    return follow_up
