"""Reads of the e-archive, scoped to the departments the caller may see. Opening a record shows
the applicant's name and ID number: an audited read of personal data."""

import io
import zipfile
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound
from onetrip.departments.models import Department

from . import package as packages
from . import policies
from .models import AppraisalStatus, ArchiveAppraisal, ArchiveRecord

PAGE_SIZE = 50


@dataclass
class RecordFilter:
    q: str = ""  # archive code, case number, title, matter, applicant's name or ID number
    department_id: int | None = None
    year: int | None = None
    retention: str = ""
    check: str = ""  # "ok", "failed", "unchecked"
    expiring: bool = False  # retention ends this year or has ended: due for appraisal (到期鉴定)
    appraisal: str = ""  # "pending" (waiting for approval), "destroyed" (the 销毁清册)


def _scoped(user):
    ids = policies.department_ids_for(user)
    rows = ArchiveRecord.objects.select_related("department")
    return rows if ids is None else rows.filter(department_id__in=ids)


def _DUE() -> Q:
    """Due for appraisal: retention ended this year or before, not destroyed."""
    return Q(retention_until__lte=timezone.localdate().year, destroyed_at__isnull=True)


def record_list_for_staff(*, user, filters: RecordFilter):
    rows = _scoped(user)
    text = filters.q.strip()
    if text:
        rows = rows.filter(
            Q(code__icontains=text)
            | Q(source_ref__iexact=text)
            | Q(subject_id__iexact=text)
            | Q(title__icontains=text)
            | Q(matter_name__icontains=text)
            | Q(subject_name__icontains=text)
        )
    if filters.department_id:
        rows = rows.filter(department_id=filters.department_id)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.retention:
        rows = rows.filter(retention=filters.retention)
    if filters.expiring:
        rows = rows.filter(_DUE())
    if filters.appraisal == "pending":
        rows = rows.filter(appraisals__status=AppraisalStatus.PROPOSED)
    elif filters.appraisal == "destroyed":
        rows = rows.filter(destroyed_at__isnull=False)
    if filters.check == "ok":
        rows = rows.filter(last_check_ok=True)
    elif filters.check == "failed":
        rows = rows.filter(last_check_ok=False)
    elif filters.check == "unchecked":
        rows = rows.filter(last_check_ok__isnull=True)
    return rows.order_by("-archived_at", "-id")


def record_page_for_staff(*, user, filters: RecordFilter, page: int | str = 1, request=None):
    """A page of records; a search by text (possibly a person's name or ID number) is
    audited as looking for a person in the archive."""
    if filters.q:
        audit.record(
            actor=user,
            action="archive.search",
            request=request,
            purpose="archive search",
            detail={"q": filters.q},
        )
    return Paginator(record_list_for_staff(user=user, filters=filters), PAGE_SIZE).get_page(page)


def record_get_for_staff(*, user, code: str, request=None, purpose: str = "archive record page"):
    record = _scoped(user).filter(code=code).first()
    if record is None:
        raise policies.not_found(code)
    audit.record(
        actor=user,
        action="archive.read",
        target=record,
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        purpose=purpose,
        request=request,
    )
    return record


@dataclass
class Overview:
    """What the list shows around its rows, read once per page: the departments and years in
    the caller's scope (the years from the database, not from every record) and two counts."""

    departments: list
    years: list[int]
    failed: int
    expiring: int
    pending: int  # appraisals waiting for a head's approval


def overview_for(user) -> Overview:
    ids = policies.department_ids_for(user)
    rows = ArchiveRecord.objects.all()
    departments = Department.objects.order_by("code")
    if ids is not None:
        rows, departments = rows.filter(department_id__in=ids), departments.filter(pk__in=ids)
    counts = rows.aggregate(
        failed=Count("pk", filter=Q(last_check_ok=False)),
        expiring=Count("pk", filter=_DUE()),
    )
    years = rows.order_by("-year").values_list("year", flat=True).distinct()
    return Overview(
        list(departments), list(years), counts["failed"], counts["expiring"], _pending(rows)
    )


def package_open(record, path: str = ""):
    """An open file to hand over: the package itself, or one file of it read alone (not the
    whole package). A name the package does not hold is a 404; a package that cannot be read
    a 409 the archivist can act on (check the record)."""
    if record.destroyed_at is not None:
        raise policies.destroyed(record)
    try:
        stored = record.package.open("rb")
        if not path:
            return stored
        with stored, zipfile.ZipFile(stored) as archive:
            if path in set(archive.namelist()):
                return io.BytesIO(archive.read(path))
    except (OSError, zipfile.BadZipFile) as error:
        code = "archive.package_unreadable"
        raise DomainError(code, packages.finding_message(code), status=409) from error
    raise NotFound(
        "archive.file_not_found", _("The package holds no file %(name)s.") % {"name": path}
    )


def _pending(records) -> int:
    return ArchiveAppraisal.objects.filter(
        record__in=records, status=AppraisalStatus.PROPOSED
    ).count()


def appraisal_of(*, record, pk: int):
    """An appraisal of a record the caller got through record_get_for_staff; another record's is
    the same 404."""
    appraisal = record.appraisals.filter(pk=pk).first()
    if appraisal is None:
        raise policies.not_found(record.code)
    return appraisal


def appraisals_pending_count(user) -> int:
    """Appraisals of records in the caller's scope waiting for approval (the heads' to-do)."""
    return _pending(_scoped(user))


def failed_count(user) -> int:
    """Records in the caller's scope that failed their last check (the to-do list's item)."""
    return _scoped(user).filter(last_check_ok=False).count()
