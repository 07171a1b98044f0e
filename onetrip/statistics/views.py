"""The statistics page of the workbench (tables, charts drawn by our static/statistics/charts.js
with the locally served ECharts from a json_script blob) and its Excel export."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.core import access, audit
from onetrip.core.errors import DomainError, NotFound
from onetrip.departments.models import Department

from . import excel, selectors

staff_required = access.staff_required


def _report(request):
    """(report, error): the report for the query string, or the reason it cannot be made."""
    try:
        scope = selectors.scope_for(
            user=request.user,
            scope=request.GET.get("scope", ""),
            department_code=request.GET.get("department", ""),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        raise
    from_on, to_on = selectors.parse_range(request.GET.get("from", ""), request.GET.get("to", ""))
    return selectors.statistics_report(scope=scope, from_on=from_on, to_on=to_on)


def _chart_data(report) -> dict:
    rows = report.departments if report.scope.kind == "county" else report.matters
    rows = [row for row in rows if row["submitted"] or row["finished"]][:15]
    return {
        "labels": [row["name"] for row in rows],
        "series": {
            "submitted": [row["submitted"] for row in rows],
            "finished": [row["finished"] for row in rows],
            "on_time": [_percent(row["on_time_rate"]) for row in rows],
            "zero_trips": [_percent(row["zero_trip_share"]) for row in rows],
            "online": [_percent(row["online_share"]) for row in rows],
        },
        "names": {
            "volumes": _("Volumes"),
            "submitted": _("Submitted"),
            "finished": _("Finished"),
            "shares": _("Shares (%)"),
            "on_time": _("On-time rate"),
            "zero_trips": _("Share with 0 trips"),
            "online": _("Online share"),
            "targets": _("The plan's targets"),
            "mobile_ready": _("Mobile-ready matters"),
            "online_matters": _("Matters online"),
            "actual": _("Actual"),
            "goal": _("Goal"),
        },
        "targets": {
            "actual": [
                _percent(report.targets["mobile_ready_share"]),
                _percent(report.targets["online_share"]),
            ],
            "goal": [
                _percent(report.targets["mobile_ready_target"]),
                _percent(report.targets["online_target"]),
            ],
        },
    }


def _percent(value):
    return None if value is None else round(value * 100, 1)


@staff_required
def statistics_page(request):
    error, status = None, 200
    try:
        report = _report(request)
    except DomainError as refused:
        error, status = refused, refused.status
        report = None
    staff = account_selectors.staff_for_user(user=request.user)
    county_wide = account_selectors.department_ids_visible_to(staff=staff) is None
    context = {
        "staff": staff,
        "can_verify": account_policies.has_permission(request.user, "accounts.verify_in_person"),
        "can_grant": account_policies.has_permission(request.user, "accounts.grant_department"),
        "report": report,
        "error": error,
        "county_wide": county_wide,
        "departments": Department.objects.order_by("code") if county_wide else [],
        "query": request.GET.urlencode(),
        "chart": _chart_data(report) if report else None,
    }
    return render(request, "statistics/page.html", context, status=status)


@staff_required
def statistics_export(request):
    try:
        report = _report(request)
    except DomainError as refused:
        return HttpResponse(refused.message, status=refused.status, content_type="text/plain")
    audit.record(
        actor=request.user,
        action="statistics.report.export",
        purpose="statistics export",
        request=request,
        detail={
            "scope": report.scope.kind,
            "department": report.scope.department.code if report.scope.department else "",
            "from": report.from_on.isoformat(),
            "to": report.to_on.isoformat(),
        },
    )
    name = f"statistics-{report.from_on:%Y%m%d}-{report.to_on:%Y%m%d}.xlsx"
    return HttpResponse(
        excel.report_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
