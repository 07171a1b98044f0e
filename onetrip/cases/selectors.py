"""Reads of cases, scoped to the caller: staff see their visible departments' cases (and the
ones they took in at a counter), applicants their own; anything else is a 404 like a missing
case. Reads of a case (personal data) are audited.

E-supervision colours are computed, never stored. With today T and the next working day
T+1 (workdays), a running case (accepted / in review) is
  red    when deadline_on < T                 (overdue),
  yellow when T <= deadline_on <= T+1         (one working day or less left),
  green  otherwise.
So "yellow or red" is one range condition, `status IN running AND deadline_on <= T+1`, which
the (status, deadline_on) index answers without looking at other rows.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.core import audit
from onetrip.core.errors import PermissionDenied
from onetrip.workdays.selectors import workday_add

from . import policies
from .models import RUNNING_STATUSES, Application, CaseStatus, Colour

RELATED = ("matter_version", "matter_version__matter", "department", "applicant")


def yellow_cutoff(today: datetime.date) -> datetime.date:
    """The last deadline that is yellow today: the next working day after today."""
    return workday_add(today, 1).date


def colour_for(deadline_on, *, today: datetime.date, cutoff: datetime.date) -> str:
    if deadline_on is None:
        return ""
    if deadline_on < today:
        return Colour.RED
    if deadline_on <= cutoff:
        return Colour.YELLOW
    return Colour.GREEN


def case_colour(case: Application, *, today: datetime.date | None = None) -> str:
    """The e-supervision colour of one case ('' when its clock is not running)."""
    if case.status not in RUNNING_STATUSES:
        return ""
    today = today or timezone.localdate()
    return colour_for(case.deadline_on, today=today, cutoff=yellow_cutoff(today))


def _staff_scope(user):
    staff = staff_for_user(user=user)
    if staff is None:
        return Application.objects.none()
    visible = department_ids_visible_to(staff=staff)
    queryset = Application.objects.all()
    if visible is not None:
        queryset = queryset.filter(Q(department_id__in=visible) | Q(intake_clerk=user))
    return queryset


def case_list_for_staff(*, user, status: str = "", department_id: int | None = None):
    """Cases a staff member may see, newest first (excluding other people's drafts)."""
    queryset = _staff_scope(user).select_related(*RELATED)
    queryset = queryset.exclude(Q(status=CaseStatus.DRAFT) & ~Q(intake_clerk=user))
    if status:
        queryset = queryset.filter(status=status)
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    return queryset.order_by("-created_at", "-id")


def case_list_for_intake(*, user):
    """The intake queue: submitted cases to accept, and the clerk's own counter drafts."""
    return (
        _staff_scope(user)
        .filter(Q(status=CaseStatus.SUBMITTED) | Q(status=CaseStatus.DRAFT, intake_clerk=user))
        .select_related(*RELATED)
        .order_by("submitted_at", "created_at")
    )


def case_list_for_applicant(*, user):
    return (
        Application.objects.filter(applicant=user)
        .select_related(*RELATED)
        .order_by("-created_at", "-id")
    )


def case_get(*, user, number: str, purpose: str = "case page", request=None) -> Application:
    """One case for its applicant or for staff who may see it; otherwise the same 404.
    Each read is audited (the case holds personal data)."""
    case = Application.objects.select_related(*RELATED).filter(number=number).first()
    if case is None or not policies.may_see(user, case):
        raise policies.not_found(number)
    audit.record(
        actor=user,
        action="cases.application.read",
        target_type="cases.application",
        target_id=case.number,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        purpose=purpose,
        request=request,
    )
    return case


def case_list_for_supervision(
    *,
    user,
    today: datetime.date | None = None,
    department_id: int | None = None,
    request=None,
):
    """Running cases that are yellow or red, most overdue first. Supervisors see the whole
    county; department heads their visible departments. Returns (cases, today, cutoff);
    each case gets a `colour` attribute."""
    if not has_permission(user, "supervision.view"):
        raise PermissionDenied(
            "cases.permission_denied", _("You do not have permission to do this.")
        )
    staff = staff_for_user(user=user)
    today = today or timezone.localdate()
    cutoff = yellow_cutoff(today)
    queryset = Application.objects.filter(status__in=RUNNING_STATUSES, deadline_on__lte=cutoff)
    visible = department_ids_visible_to(staff=staff) if staff else set()
    if visible is not None:
        queryset = queryset.filter(department_id__in=visible)
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    cases = list(queryset.select_related(*RELATED).order_by("deadline_on", "id")[:500])
    for case in cases:
        case.colour = colour_for(case.deadline_on, today=today, cutoff=cutoff)
    audit.record(
        actor=user,
        action="cases.application.list",
        purpose="e-supervision list",
        request=request,
        detail={"count": len(cases), "today": today.isoformat()},
    )
    return cases, today, cutoff


def materials_of(case: Application):
    return case.materials.select_related("matter_material", "uploaded_by").order_by(
        "uploaded_at", "id"
    )


def material_get(*, case: Application, public_id):
    """An uploaded file of a case the caller may see (the caller already got the case through
    case_get); a file of another case is the same 404."""
    material = case.materials.filter(public_id=public_id).first()
    if material is None:
        raise policies.not_found(case.number)
    return material
