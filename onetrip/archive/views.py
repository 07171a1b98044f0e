"""Workbench pages of the e-archive: search the records, open one (its description, files,
checks and uses), take its package or one file out for a stated purpose, check it again.
Thin: parse → selector → service → render."""

import zipfile

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.core.uploads import private_file_response

from . import package as packages
from . import policies, selectors, services, xlsx
from .models import AppraisalDecision, AppraisalStatus, CheckStage, Retention, UseAction

CHECK_FILTERS = {
    "ok": gettext_lazy("Passed"),
    "failed": gettext_lazy("Failed"),
    "unchecked": gettext_lazy("Not checked yet"),
}

APPRAISAL_FILTERS = {
    "pending": gettext_lazy("Appraisal waiting for approval"),
    "destroyed": gettext_lazy("Destroyed (destruction register)"),
}

_may_view = access.signed_in_and(lambda user: access.is_staff(user) and policies.may_view(user))


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _filters(request) -> selectors.RecordFilter:
    retention = request.GET.get("retention", "")
    check = request.GET.get("check", "")
    appraisal = request.GET.get("appraisal", "")
    return selectors.RecordFilter(
        q=request.GET.get("q", "").strip()[:64],
        department_id=_int(request.GET.get("department", "")),
        year=_int(request.GET.get("year", "")),
        retention=retention if retention in Retention.values else "",
        check=check if check in CHECK_FILTERS else "",
        expiring=request.GET.get("expiring") == "1",
        appraisal=appraisal if appraisal in APPRAISAL_FILTERS else "",
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@_may_view
def record_list(request):
    filters = _filters(request)
    if request.GET.get("format") == "xlsx":
        name = f"archive-{filters.appraisal or 'records'}-{timezone.localdate():%Y%m%d}.xlsx"
        return HttpResponse(
            xlsx.records_workbook(user=request.user, filters=filters, request=request),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "private, no-store",
            },
        )
    page = selectors.record_page_for_staff(
        user=request.user, filters=filters, page=request.GET.get("page", 1), request=request
    )
    overview = selectors.overview_for(request.user)
    return render(
        request,
        "archive/list.html",
        {
            "page_obj": page,
            "filters": filters,
            "query": _query_without_page(request),
            "departments": overview.departments,
            "years": overview.years,
            "retentions": Retention.choices,
            "checks": CHECK_FILTERS.items(),
            "failed": overview.failed,
            "expiring": overview.expiring,
            "pending": overview.pending if policies.may_approve(request.user) else 0,
            "appraisal_filters": APPRAISAL_FILTERS.items(),
        },
    )


def _record(request, code: str, *, purpose: str = "archive record page"):
    try:
        return selectors.record_get_for_staff(
            user=request.user, code=code, request=request, purpose=purpose
        )
    except NotFound as error:
        raise Http404(error.message) from error


def _listed_files(record) -> list[dict]:
    """The files metadata.xml lists (empty when the package cannot be read: the check says
    why)."""
    try:
        with record.package.open("rb") as stored, zipfile.ZipFile(stored) as archive:
            _fields, listed = packages.read_metadata(archive.read(packages.METADATA))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, *packages.XML_ERRORS):
        return []
    for item in listed:
        item["category_label"] = packages.CATEGORIES.get(item.get("category"), "")
    return listed


def _outcome_label(status: str) -> str:
    from onetrip.cases.models import CaseStatus

    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def _appraisal_context(user, record) -> dict:
    appraisals = list(record.appraisals.select_related("proposed_by", "decided_by"))
    open_one = next((a for a in appraisals if a.status == AppraisalStatus.PROPOSED), None)
    return {
        "appraisals": appraisals,
        "open_appraisal": open_one,
        "due": services.is_due_for_appraisal(record),
        "may_appraise": policies.may_appraise(user) and open_one is None,
        "may_approve": (
            policies.may_approve(user)
            and open_one is not None
            and open_one.proposed_by_id != user.pk
        ),
        "decisions": AppraisalDecision.choices,
        "keep_years_max": services.KEEP_YEARS_MAX,
    }


def _detail(request, record, *, error=None, status=200):
    checks = list(record.checks.select_related("by")[:10])
    for check in checks:
        for item in check.findings:
            item["message"] = packages.finding_message(item["code"])
            item["property_label"] = packages.PROPERTIES.get(item["property"], "")
    return render(
        request,
        "archive/detail.html",
        {
            "record": record,
            "files": _listed_files(record),
            "checks": checks,
            "uses": record.uses.all()[:20],
            "may_check": policies.may_check(request.user),
            "outcome_label": _outcome_label(record.outcome),
            "error": error,
            **_appraisal_context(request.user, record),
        },
        status=status,
    )


@_may_view
def record_detail(request, code: str):
    return _detail(request, _record(request, code))


@_may_view
@require_POST
def record_take(request, code: str):
    """The package, or one file of it, for a stated purpose (利用登记)."""
    record = _record(request, code, purpose="archive use")
    path = request.POST.get("file", "")
    try:
        body = selectors.package_open(record, path)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        return _detail(request, record, error=error, status=error.status)
    try:
        services.record_use(
            actor=request.user,
            record=record,
            action=UseAction.OPEN_FILE if path else UseAction.DOWNLOAD_PACKAGE,
            purpose=request.POST.get("purpose", ""),
            file_name=path,
            request=request,
        )
    except DomainError as error:
        body.close()
        return _detail(request, record, error=error, status=error.status)
    name = path.rsplit("/", 1)[-1] if path else f"{record.code}.zip"
    return private_file_response(body, filename=name)


@_may_view
@require_POST
def record_check(request, code: str):
    record = _record(request, code)
    try:
        check = services.record_check(record=record, stage=CheckStage.MANUAL, actor=request.user)
    except DomainError as error:
        return _detail(request, record, error=error, status=error.status)
    if check.passed:
        messages.success(request, _("The four-property check passed."))
    else:
        messages.error(request, _("The four-property check found problems: see below."))
    return redirect("archivework:detail", code=record.code)


@_may_view
@require_POST
def record_appraise(request, code: str):
    """到期鉴定: the archivist's opinion, waiting for a department head."""
    record = _record(request, code)
    try:
        services.appraisal_propose(
            actor=request.user,
            record=record,
            decision=request.POST.get("decision", ""),
            years=request.POST.get("years"),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as error:
        return _detail(request, record, error=error, status=error.status)
    messages.success(request, _("The appraisal is waiting for a department head's approval."))
    return redirect("archivework:detail", code=record.code)


@_may_view
@require_POST
def appraisal_decide(request, code: str, pk: int):
    record = _record(request, code)
    try:
        appraisal = selectors.appraisal_of(record=record, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    approve = request.POST.get("approve") == "1"
    try:
        services.appraisal_decide(
            actor=request.user,
            appraisal=appraisal,
            approve=approve,
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as error:
        return _detail(request, record, error=error, status=error.status)
    messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("archivework:detail", code=record.code)
