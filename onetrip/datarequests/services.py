"""Every write of data requests: filing a need or an error report, and the department's answer.
Both are audited; the requester and the department's data officers are told."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.models import StaffRole
from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.datasets.models import Dataset, OpeningClass
from onetrip.datasets.services import can_edit
from onetrip.departments.models import Department
from onetrip.notify.services import notification_send
from onetrip.workdays.selectors import workday_add

from .models import DataRequest, RequestKind, RequestStatus

TITLE = (4, 100)
DESCRIPTION = (10, 2000)
PURPOSE_MAX = 200
ANSWER = (2, 2000)
PREFIX = {RequestKind.NEED: "SJXQ", RequestKind.ERROR: "SJJC"}


def answer_days() -> int:
    """Working days the department has to answer, counted from the day after filing."""
    return int(getattr(settings, "ONETRIP_DATA_REQUEST_DAYS", 10))


def _between(text: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= len(text) <= bounds[1]


def _checked(*, kind, dataset, department, title, description, purpose) -> dict:
    """Every problem at once (`detail.fields`); the department that answers."""
    problems = {}
    if kind not in RequestKind.values:
        problems["kind"] = _("Choose a data need or an error report.")
    if kind == RequestKind.ERROR and (
        dataset is None or not dataset.is_active or dataset.opening_class != OpeningClass.OPEN
    ):
        problems["dataset"] = _("Choose the open dataset the error is in.")
    if dataset is None and department is None:
        problems["department"] = _("Choose the department that holds the data.")
    if not _between(title, TITLE):
        problems["title"] = _("Give a title of 4 to 100 characters.")
    if not _between(description, DESCRIPTION):
        problems["description"] = _("Describe it in 10 to 2,000 characters.")
    if len(purpose) > PURPOSE_MAX:
        problems["purpose"] = _("At most 200 characters.")
    if problems:
        raise DomainError(
            "datarequests.invalid",
            _("Check the request."),
            detail={"fields": problems},
            status=422,
        )
    return {"department": dataset.owner if dataset is not None else department}


def _officers(department_id: int) -> list:
    return [
        staff.user
        for staff in account_selectors.staff_list(department_ids={department_id})
        if StaffRole.DATA_OFFICER in staff.role_set()
    ]


def _audit(item: DataRequest, *, actor, action: str, request=None, **detail) -> None:
    audit.record(
        actor=actor,
        action=f"datarequests.{action}",
        target=item,
        request=request,
        detail={"number": item.number, "kind": item.kind, **detail},
    )


@transaction.atomic
def request_file(
    *,
    actor,
    kind: str,
    title: str,
    description: str,
    dataset: Dataset | None = None,
    department: Department | None = None,
    purpose: str = "",
    phone: str = "",
    is_public: bool = True,
    request=None,
) -> DataRequest:
    """Anyone signed in asks for a dataset to be opened or reports an error in an open one."""
    title, description, purpose = (
        (title or "").strip(),
        (description or "").strip(),
        (purpose or "").strip(),
    )
    where = _checked(
        kind=kind,
        dataset=dataset,
        department=department,
        title=title,
        description=description,
        purpose=purpose,
    )
    today = timezone.localdate()
    due = workday_add(today, answer_days())
    item = DataRequest.objects.create(
        kind=kind,
        dataset=dataset,
        department=where["department"],
        title=title,
        description=description,
        purpose=purpose,
        requester=actor,
        phone=(phone or getattr(actor, "phone", "") or "").strip()[:20],
        is_public=is_public,
        due_on=due.date,
        due_provisional=due.provisional,
    )
    item.number = f"{PREFIX[kind]}{today:%Y%m%d}{item.pk:06d}"
    item.save(update_fields=["number"])
    _audit(item, actor=actor, action="file", request=request)
    facts = {"number": item.number, "title": item.title, "date": item.due_on.isoformat()}
    notification_send(
        user=actor,
        title=_("Your request %(number)s was received") % facts,
        body=_("%(title)s: the department answers by %(date)s.") % facts,
        link=reverse("datarequests:detail", args=[item.public_id]),
        sms=False,
    )
    for officer in _officers(item.department_id):
        notification_send(
            user=officer,
            title=_("New open-data request %(number)s") % facts,
            body=_("%(title)s: to be answered by %(date)s.") % facts,
            link=reverse("datarequestwork:detail", args=[item.public_id]),
            sms=False,
        )
    return item


@transaction.atomic
def request_answer(
    *, actor, item: DataRequest, accepted: bool, answer: str, request=None
) -> DataRequest:
    """The department's data officer answers: accepted (the dataset will be opened, the error
    is corrected) or not, always with the reason the public reads."""
    item = DataRequest.objects.select_for_update().get(pk=item.pk)
    if not can_edit(actor, item.department):
        raise PermissionDenied(
            "datarequests.not_owner_officer",
            _("Only the department's data officers answer this request."),
        )
    if not item.is_open:
        raise DomainError(
            "datarequests.already_answered", _("This request is already answered."), status=409
        )
    answer = (answer or "").strip()
    if not _between(answer, ANSWER):
        raise DomainError(
            "datarequests.answer_needed",
            _("Write the answer the requester and the public read (at most 2,000 characters)."),
            status=422,
        )
    item.status = RequestStatus.ACCEPTED if accepted else RequestStatus.DECLINED
    item.answer, item.answered_at, item.answered_by = answer, timezone.now(), actor
    item.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    _audit(item, actor=actor, action="answer", request=request, accepted=accepted)
    notification_send(
        user=item.requester,
        title=_("Your request %(number)s is answered") % {"number": item.number},
        body=answer,
        link=reverse("datarequests:detail", args=[item.public_id]),
    )
    return item


def requests_remind_due(*, today=None) -> int:
    """Once per request, on the working day before its answer is due (or later, if that day was
    missed), the department's data officers are told. Returns how many requests."""
    today = today or timezone.localdate()
    horizon = workday_add(today, 1).date
    due = DataRequest.objects.filter(
        status=RequestStatus.OPEN, reminded_on__isnull=True, due_on__lte=horizon
    )
    told, officers = 0, {}
    for item in due:
        with transaction.atomic():
            if not DataRequest.objects.filter(pk=item.pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue  # another process told them meanwhile
            if item.department_id not in officers:  # one look-up per department
                officers[item.department_id] = _officers(item.department_id)
            facts = {"number": item.number, "title": item.title, "date": item.due_on.isoformat()}
            for officer in officers[item.department_id]:
                notification_send(
                    user=officer,
                    title=_("Open-data request %(number)s is due by %(date)s") % facts,
                    body=item.title,
                    link=reverse("datarequestwork:detail", args=[item.public_id]),
                )
            told += 1
    return told
