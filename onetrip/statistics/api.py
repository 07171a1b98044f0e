"""GET /api/v1/statistics: the statistics report for staff (supervisors: county or any
department; department heads: their own department)."""

import datetime

from ninja import Query, Router, Schema

from onetrip.identity.api_auth import bearer_or_session

from . import selectors

router = Router(tags=["statistics"], auth=bearer_or_session)


class DepartmentRef(Schema):
    code: str
    name: str


class StatisticsOut(Schema):
    scope: str
    department: DepartmentRef | None
    from_on: datetime.date
    to_on: datetime.date
    totals: dict
    targets: dict
    departments: list[dict]
    matters: list[dict]
    id_only: dict  # 一证通办: {"materials": pulled instead of brought, "trips": saved}
    # 告知承诺 in cases accepted in the period: {"made", "confirmed", "untrue", "open"}
    commitments: dict


@router.get("statistics", response=StatisticsOut)
def statistics(
    request,
    scope: str = "",
    department: str = "",
    from_on: str = Query("", alias="from"),
    to_on: str = Query("", alias="to"),
):
    """Volumes, on-time rate, handling working days against promised, trips, online and mobile
    shares, ratings and the plan's targets, for the county or one department over a date range
    (default: this year). Counts are integers, shares fractions (0.8 = 80 %)."""
    report = selectors.statistics_report(
        scope=selectors.scope_for(user=request.user, scope=scope, department_code=department),
        **dict(zip(("from_on", "to_on"), selectors.parse_range(from_on, to_on), strict=True)),
    )
    data = selectors.report_as_dict(report)
    data["from_on"], data["to_on"] = report.from_on, report.to_on
    return data
