"""Reads of data requests: the public list (published requests; never the requester), the
requester's own, and the answering department's queue."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core.errors import NotFound
from onetrip.datasets.models import Dataset, OpeningClass
from onetrip.datasets.services import can_edit, department_of
from onetrip.departments.models import Department

from .models import DataRequest, RequestStatus


def _related(queryset):
    return queryset.select_related("dataset", "department")


def public_requests(*, kind: str = "", status: str = ""):
    queryset = _related(DataRequest.objects.filter(is_public=True))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def answered_errors_of(dataset: Dataset) -> list[DataRequest]:
    """The published error reports of one dataset, for its open-data page."""
    return list(
        DataRequest.objects.filter(dataset=dataset, kind="error", is_public=True).order_by(
            "-filed_at"
        )[:20]
    )


def request_get_for(*, user, public_id) -> DataRequest:
    """A published request for anyone; an unpublished one for its requester and the answering
    department's data officers."""
    item = _related(DataRequest.objects.filter(public_id=public_id)).first()
    visible = item is not None and (
        item.is_public
        or item.requester_id == getattr(user, "pk", None)
        or can_edit(user, item.department)
    )
    if not visible:
        raise NotFound("datarequests.not_found", _("No such request."))
    return item


def requests_of_user(*, user):
    return _related(DataRequest.objects.filter(requester=user))


def is_officer(user) -> bool:
    """A data officer of a department (who answers the requests to it)."""
    department = department_of(user)
    return department is not None and can_edit(user, department)


def requests_for_officer(*, user, status: str = ""):
    """The answering department's requests, for its data officers; none for others."""
    if not is_officer(user):
        return DataRequest.objects.none()
    queryset = _related(DataRequest.objects.filter(department=department_of(user)))
    return queryset.filter(status=status) if status else queryset


def queue_counts(*, user) -> dict[str, int]:
    waiting = requests_for_officer(user=user, status=RequestStatus.OPEN)
    return {
        "open": waiting.count(),
        "overdue": waiting.filter(due_on__lt=timezone.localdate()).count(),
    }


def open_datasets():
    """The datasets an error can be reported in."""
    return Dataset.objects.filter(is_active=True, opening_class=OpeningClass.OPEN).order_by("name")


def departments_holding_data():
    """Departments that own at least one dataset: where a data need can go."""
    return Department.objects.filter(datasets__isnull=False).distinct().order_by("code")
