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
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.catalogue.models import MaterialSource
from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.exchange.models import PullStatus
from onetrip.exchange.selectors import pulled_for_case
from onetrip.workdays.selectors import colour_for, yellow_cutoff

from . import policies
from .models import (
    HANDLING_STATUSES,
    RUNNING_STATUSES,
    Application,
    CaseCommitment,
    CaseNotice,
    CaseStatus,
    Colour,
    MissingMaterial,
)

RELATED = ("matter_version", "matter_version__matter", "department", "applicant")


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


def _commitments_open():
    """Commitments of accepted cases whose check is still to be recorded."""
    return Q(commitments__outcome="", commitments__check_due_on__isnull=False)


def case_list_commitments_open(*, user):
    """Cases in scope with a commitment still to check (告知承诺核查), the soonest due first;
    `check_due` is the earliest date of each."""
    return (
        _staff_scope(user)
        .filter(_commitments_open())
        .select_related(*RELATED)
        .annotate(check_due=Min("commitments__check_due_on"))
        .order_by("check_due", "id")
    )


def commitment_counts(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """For the to-do list: commitments in scope still to check, and those past their date."""
    today = today or timezone.localdate()
    return CaseCommitment.objects.filter(
        application__in=_staff_scope(user), outcome="", check_due_on__isnull=False
    ).aggregate(open=Count("id"), overdue=Count("id", filter=Q(check_due_on__lt=today)))


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


SUPERVISION_PAGE_SIZE = 100
# What the yellow/red list shows: no JSON columns, no applicant or matter-version rows beyond
# the names (a full row with its related objects costs far more to load than to query).
SUPERVISION_COLUMNS = (
    "number",
    "status",
    "deadline_on",
    "subject_name",
    "matter_version__name",
    "department__name",
)


@dataclass(frozen=True)
class SupervisionList:
    """One page of the yellow/red list: `cases` (each with a `colour` attribute), the Django
    `page` (its paginator counts the selected colour), and the red and yellow totals of the
    caller's whole scope."""

    cases: list
    page: Page
    today: datetime.date
    cutoff: datetime.date
    red: int
    yellow: int
    colour: str


def _page_number(page) -> int:
    try:
        return max(1, int(page))
    except (TypeError, ValueError):
        return 1


def _supervised_departments(user) -> set[int] | None:
    """The departments whose cases the user supervises (None: the whole county)."""
    staff = staff_for_user(user=user)
    return department_ids_visible_to(staff=staff) if staff else set()


def case_page_for_supervision(
    *,
    user,
    today: datetime.date | None = None,
    department_id: int | None = None,
    colour: str = "",
    page=1,
    request=None,
) -> SupervisionList:
    """Running cases that are yellow or red, most overdue first (red before yellow, then the
    oldest deadline), SUPERVISION_PAGE_SIZE a page. Supervisors see the whole county;
    department heads their visible departments. `colour` ("red" / "yellow", "" for both)
    narrows the page; the red and yellow totals always cover the whole scope and come from
    one aggregate query. A page past the end gives the last page."""
    if not has_permission(user, "supervision.view"):
        raise PermissionDenied(
            "cases.permission_denied", _("You do not have permission to do this.")
        )
    if colour not in ("", Colour.RED, Colour.YELLOW):
        raise DomainError(
            "cases.invalid_colour", _("Choose red or yellow."), detail={"colour": colour}
        )
    today = today or timezone.localdate()
    cutoff = yellow_cutoff(today)
    scope = Application.objects.filter(status__in=RUNNING_STATUSES, deadline_on__lte=cutoff)
    visible = _supervised_departments(user)
    if visible is not None:
        scope = scope.filter(department_id__in=visible)
    if department_id:
        scope = scope.filter(department_id=department_id)
    listed = scope
    if colour == Colour.RED:
        listed = scope.filter(deadline_on__lt=today)
    elif colour == Colour.YELLOW:
        listed = scope.filter(deadline_on__gte=today)
    listed = (
        listed.select_related("matter_version", "department")
        .only(*SUPERVISION_COLUMNS)
        .order_by("deadline_on", "id")
    )
    number = _page_number(page)

    def rows(number: int) -> list:
        start = (number - 1) * SUPERVISION_PAGE_SIZE
        return list(listed[start : start + SUPERVISION_PAGE_SIZE])

    cases = rows(number)
    counts = scope.aggregate(
        red=Count("id", filter=Q(deadline_on__lt=today)),
        yellow=Count("id", filter=Q(deadline_on__gte=today)),
    )
    total = {Colour.RED: counts["red"], Colour.YELLOW: counts["yellow"]}.get(
        colour, counts["red"] + counts["yellow"]
    )
    # The totals are known, so the paginator needs no COUNT query of its own.
    paginator = Paginator(range(total), SUPERVISION_PAGE_SIZE)
    if number > paginator.num_pages:
        number = paginator.num_pages
        cases = rows(number)
    for case in cases:
        case.colour = colour_for(case.deadline_on, today=today, cutoff=cutoff)
    audit.record(
        actor=user,
        action="cases.application.list",
        purpose="e-supervision list",
        request=request,
        detail={
            "count": len(cases),
            "today": today.isoformat(),
            "page": number,
            "colour": colour,
        },
    )
    return SupervisionList(
        cases=cases,
        page=Page(cases, number, paginator),
        today=today,
        cutoff=cutoff,
        red=counts["red"],
        yellow=counts["yellow"],
        colour=colour,
    )


def case_list_for_supervision(
    *,
    user,
    today: datetime.date | None = None,
    department_id: int | None = None,
    colour: str = "",
    page=1,
    request=None,
):
    """The first (or given) page of case_page_for_supervision as (cases, today, cutoff)."""
    result = case_page_for_supervision(
        user=user,
        today=today,
        department_id=department_id,
        colour=colour,
        page=page,
        request=request,
    )
    return result.cases, result.today, result.cutoff


OVERDUE_MISSING_LIMIT = 100


def missing_overdue_for_supervision(*, user) -> list[MissingMaterial]:
    """Materials accepted as missing, overdue and still not supplied, of cases still being
    handled in the caller's supervision scope (the county for supervisors, their departments
    for heads), the longest overdue first. The caller has checked `supervision.view`."""
    rows = MissingMaterial.objects.filter(
        overdue_on__isnull=False,
        supplied_at__isnull=True,
        application__status__in=HANDLING_STATUSES,
    )
    visible = _supervised_departments(user)
    if visible is not None:
        rows = rows.filter(application__department_id__in=visible)
    return list(
        rows.select_related(
            "application",
            "application__department",
            "application__matter_version",
            "matter_material",
        ).order_by("due_on", "id")[:OVERDUE_MISSING_LIMIT]
    )


def materials_of(case: Application):
    return case.materials.select_related("matter_material", "uploaded_by").order_by(
        "uploaded_at", "id"
    )


def material_rows(case: Application, *, clear: bool) -> list[dict]:
    """The guide's materials with this case's uploads and, for materials from shared data or an
    e-licence, what was pulled. `pulled` (nothing to upload) holds in a draft while the pull is
    still to come, and afterwards only if the pull found the data. `pulled_items` are (label,
    value) pairs, in clear text when `clear` (the applicant, staff who work on the case), else
    masked by each field's rule. The caller has got the case through case_get (audited)."""
    uploads = list(materials_of(case))
    missing = {
        m.matter_material_id: m for m in case.missing_materials.select_related("matter_material")
    }
    commitments = {c.matter_material_id: c for c in case.commitments.all()}
    is_draft = case.status == CaseStatus.DRAFT
    pulls = {} if is_draft else pulled_for_case(case_number=case.number)
    rows = []
    for material in case.matter_version.materials.all():
        sourced = material.source != MaterialSource.NONE
        pull = pulls.get(material.pk)
        found = pull is not None and pull.status == PullStatus.PULLED
        rows.append(
            {
                "material": material,
                "sourced": sourced,
                "pull": pull,
                "pulled": sourced and (is_draft or found),
                "pulled_items": (pull.items if clear else pull.masked_items) if found else [],
                "files": [u for u in uploads if u.matter_material_id == material.pk],
                "missing": missing.get(material.pk),
                "commitment": commitments.get(material.pk),
            }
        )
    return rows


def material_state(row: dict, *, is_draft: bool) -> str:
    """One word for a material row, for integrators: uploaded, committed (replaced by a written
    commitment, 告知承诺), pulled, to_pull (a draft's shared-data material), not_found,
    not_pulled (no consent), missing or optional."""
    if row["files"]:
        return "uploaded"
    if row["commitment"] is not None:
        return "committed"
    if row["sourced"]:
        if row["pull"] is not None and row["pulled"]:
            return "pulled"
        if is_draft:
            return "to_pull"
        return "not_found" if row["pull"] is not None else "not_pulled"
    return "missing" if row["material"].is_required else "optional"


def commitment_get(*, case: Application, pk: int):
    """A commitment of a case the caller may see (got through case_get); another case's is the
    same 404."""
    commitment = case.commitments.select_related("matter_material").filter(pk=pk).first()
    if commitment is None:
        raise policies.not_found(case.number)
    return commitment


def material_get(*, case: Application, public_id):
    """An uploaded file of a case the caller may see (the caller already got the case through
    case_get); a file of another case is the same 404."""
    material = case.materials.filter(public_id=public_id).first()
    if material is None:
        raise policies.not_found(case.number)
    return material


def notices_of(case: Application) -> list:
    """The case's written notices, oldest first (the caller got the case through case_get)."""
    return list(case.notices.select_related("department"))


def notice_get(*, case: Application, kind: str) -> CaseNotice:
    notice = case.notices.select_related("department").filter(kind=kind).first()
    if notice is None:
        raise NotFound("cases.notice_not_found", _("This application has no such notice."))
    return notice


def notice_for_check(public_id) -> CaseNotice | None:
    """A notice by the identifier in its QR code, for the public check page (which shows no
    personal data in clear, so the read is not audited)."""
    return CaseNotice.objects.select_related("department").filter(public_id=public_id).first()
