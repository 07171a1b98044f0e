"""Statistics of the at-most-one-trip reform per matter, per department and for the county,
over a date range. Everything is counted by the database (conditional aggregates with GROUP BY);
Python only divides the sums of each group.

Definitions (documented in docs/statistics.md):
- submitted: submitted_at in the range; accepted: accepted_on in the range; finished:
  finished_on in the range (approved, denied or not accepted); withdrawn: withdrawn by the
  applicant (撤回) with withdrawn_at in the range; a withdrawal sets no finished_on, so a
  withdrawn case is never finished nor in the on-time rate;
- on-time rate: of the finished cases that had a deadline (were accepted), those finished on or
  before deadline_on (the deadline already moved by clock stops);
- handling working days: working days d with accepted_on < d <= finished_on (受理次日起算),
  counted with the WorkdayOrdinal calendar, against the version's promised_days;
- trips: finished cases with 0 trips, and with at most 1;
- online share: submitted online or on a phone; mobile share: on a phone;
- rating: finished cases that were rated, average level and share rated 4 or 5;
- targets: of the non-secret matters (their current published version), the share that can be
  finished on a phone (target 80 %) and the share that can be applied for online (100 %).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.cases.models import Application, CaseCommitment, CaseStatus, Channel
from onetrip.catalogue.models import Matter
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.departments.models import Department
from onetrip.exchange import selectors as exchange_selectors

from . import services
from .models import WorkdayOrdinal

MOBILE_READY_TARGET = 0.8
ONLINE_TARGET = 1.0
MAX_RANGE_DAYS = 3 * 366


@dataclass
class Scope:
    kind: str  # "county" or "department"
    department: Department | None = None


@dataclass
class Report:
    scope: Scope
    from_on: datetime.date
    to_on: datetime.date
    totals: dict
    targets: dict
    departments: list[dict] = field(default_factory=list)
    matters: list[dict] = field(default_factory=list)
    id_only: dict = field(default_factory=dict)  # 一证通办: materials pulled, trips saved
    # 告知承诺: proofs replaced by a commitment, and what the checks found
    commitments: dict = field(default_factory=dict)


def _refused() -> PermissionDenied:
    return PermissionDenied(
        "statistics.permission_denied", _("You do not have permission to do this.")
    )


def scope_for(*, user, scope: str = "", department_code: str = "") -> Scope:
    """Supervisors (county-wide supervision.view) see the county and any department; a
    department head (supervision.view in their department) sees their department only; a
    department outside the caller's view is the same 404 as a missing one."""
    staff = staff_for_user(user=user)
    if staff is None or not has_permission(user, "supervision.view"):
        raise _refused()
    county_wide = department_ids_visible_to(staff=staff) is None
    scope = scope or ("county" if county_wide and not department_code else "department")
    if scope not in ("county", "department"):
        raise DomainError(
            "statistics.invalid_scope", _("Choose the county or a department."), status=422
        )
    if scope == "county":
        if not county_wide:
            raise _refused()
        return Scope("county")
    if not department_code:
        if county_wide:
            raise DomainError("statistics.department_needed", _("Choose a department."), status=422)
        return Scope("department", staff.department)
    department = Department.objects.filter(code=department_code).first()
    if department is None or not (county_wide or department.pk == staff.department_id):
        raise NotFound(
            "statistics.department_not_found",
            _("No such department."),
            detail={"department": department_code},
        )
    return Scope("department", department)


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """This year so far."""
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), today


def parse_range(from_text: str = "", to_text: str = "") -> tuple[datetime.date, datetime.date]:
    default_from, default_to = default_range()
    try:
        from_on = datetime.date.fromisoformat(from_text) if from_text else default_from
        to_on = datetime.date.fromisoformat(to_text) if to_text else default_to
    except ValueError as error:
        raise DomainError(
            "statistics.invalid_date", _("Enter dates as YYYY-MM-DD."), status=422
        ) from error
    if from_on > to_on:
        raise DomainError(
            "statistics.invalid_range", _("The start date is after the end date."), status=422
        )
    if (to_on - from_on).days > MAX_RANGE_DAYS:
        raise DomainError(
            "statistics.range_too_long",
            _("Choose a range of at most three years."),
            detail={"max_days": MAX_RANGE_DAYS},
            status=422,
        )
    return from_on, to_on


def _ordinal(column: str):
    return Subquery(
        WorkdayOrdinal.objects.filter(day=OuterRef(column)).values("ordinal")[:1],
        output_field=IntegerField(),
    )


def _aggregates(from_on: datetime.date, to_on: datetime.date) -> dict:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(from_on, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(to_on + datetime.timedelta(days=1), datetime.time.min, zone)
    submitted = Q(submitted_at__gte=start, submitted_at__lt=end)
    finished = Q(finished_on__gte=from_on, finished_on__lte=to_on)
    timed = finished & Q(deadline_on__isnull=False, accepted_on__isnull=False)
    return {
        "submitted": Count("pk", filter=submitted),
        "accepted": Count("pk", filter=Q(accepted_on__gte=from_on, accepted_on__lte=to_on)),
        "finished": Count("pk", filter=finished),
        "withdrawn": Count(
            "pk",
            filter=Q(status=CaseStatus.WITHDRAWN, withdrawn_at__gte=start, withdrawn_at__lt=end),
        ),
        "timed": Count("pk", filter=timed),
        "on_time": Count("pk", filter=timed & Q(finished_on__lte=F("deadline_on"))),
        "days_sum": Sum(_ordinal("finished_on") - _ordinal("accepted_on"), filter=timed),
        "promised_sum": Sum("matter_version__promised_days", filter=timed),
        "zero_trips": Count("pk", filter=finished & Q(trips=0)),
        "one_trip": Count("pk", filter=finished & Q(trips__lte=1)),
        "online": Count("pk", filter=submitted & Q(channel__in=[Channel.ONLINE, Channel.MOBILE])),
        "mobile": Count("pk", filter=submitted & Q(channel=Channel.MOBILE)),
        "rated": Count("rating", filter=finished & Q(rating__isnull=False)),
        "level_sum": Sum("rating__level", filter=finished),
        "satisfied": Count("rating", filter=finished & Q(rating__level__gte=4)),
    }


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def _average(total, count):
    return round(total / count, 2) if count and total is not None else None


def _finish_row(row: dict) -> dict:
    """Shares and averages from one group's counts and sums."""
    return {
        **row,
        "on_time_rate": _ratio(row["on_time"], row["timed"]),
        "avg_days": _average(row["days_sum"], row["timed"]),
        "avg_promised_days": _average(row["promised_sum"], row["timed"]),
        "zero_trip_share": _ratio(row["zero_trips"], row["finished"]),
        "one_trip_share": _ratio(row["one_trip"], row["finished"]),
        "online_share": _ratio(row["online"], row["submitted"]),
        "mobile_share": _ratio(row["mobile"], row["submitted"]),
        "avg_level": _average(row["level_sum"], row["rated"]),
        "satisfied_share": _ratio(row["satisfied"], row["rated"]),
    }


def _target_counts():
    public = Q(current_version__isnull=False, current_version__is_secret=False)
    return {
        "matters": Count("pk", filter=public),
        "mobile_ready": Count("pk", filter=public & Q(current_version__mobile_ready=True)),
        "online": Count("pk", filter=public & Q(current_version__online=True)),
    }


def _finish_targets(row: dict) -> dict:
    return {
        **row,
        "mobile_ready_share": _ratio(row["mobile_ready"], row["matters"]),
        "online_share": _ratio(row["online"], row["matters"]),
        "mobile_ready_target": MOBILE_READY_TARGET,
        "online_target": ONLINE_TARGET,
        "mobile_ready_met": bool(row["matters"])
        and row["mobile_ready"] >= MOBILE_READY_TARGET * row["matters"],
        "online_met": bool(row["matters"]) and row["online"] >= ONLINE_TARGET * row["matters"],
    }


def statistics_report(*, scope: Scope, from_on: datetime.date, to_on: datetime.date) -> Report:
    """The report for `scope` (from scope_for: the caller's rights are already checked)."""
    cases = Application.objects.exclude(status=CaseStatus.DRAFT)
    matters = Matter.objects.all()
    if scope.department is not None:
        cases = cases.filter(department=scope.department)
        matters = matters.filter(department=scope.department)
    earliest = cases.filter(
        finished_on__gte=from_on, finished_on__lte=to_on, accepted_on__isnull=False
    ).aggregate(earliest=Min("accepted_on"))["earliest"]
    services.calendar_ensure(start=min(earliest or from_on, from_on), end=to_on)
    aggregates = _aggregates(from_on, to_on)

    totals = _finish_row(cases.aggregate(**aggregates))
    targets = _finish_targets(matters.aggregate(**_target_counts()))

    by_matter = list(
        cases.values("matter_version__matter_id")
        .annotate(**aggregates)
        .filter(Q(submitted__gt=0) | Q(accepted__gt=0) | Q(finished__gt=0) | Q(withdrawn__gt=0))
        .order_by("matter_version__matter_id")
    )
    names = {
        matter.pk: (matter.code, matter.current_version.name if matter.current_version else "")
        for matter in Matter.objects.filter(
            pk__in=[row["matter_version__matter_id"] for row in by_matter]
        ).select_related("current_version", "department")
    }
    matter_rows = []
    for row in by_matter:
        code, name = names.get(row.pop("matter_version__matter_id"), ("", ""))
        matter_rows.append(_finish_row({"code": code, "name": name or code, **row}))
    matter_rows.sort(key=lambda r: (-r["submitted"], r["code"]))

    department_rows = []
    if scope.kind == "county":
        by_department = {
            row.pop("department_id"): row
            for row in cases.values("department_id")
            .annotate(**aggregates)
            .order_by("department_id")
        }
        department_targets = {
            row.pop("department_id"): row
            for row in matters.values("department_id")
            .annotate(**_target_counts())
            .order_by("department_id")
        }
        ids = set(by_department) | set(department_targets)
        for department in Department.objects.filter(pk__in=ids).order_by("code"):
            counts = by_department.get(department.pk) or {
                key: (0 if key not in ("days_sum", "promised_sum", "level_sum") else None)
                for key in aggregates
            }
            targets_row = department_targets.get(department.pk) or {
                "matters": 0,
                "mobile_ready": 0,
                "online": 0,
            }
            department_rows.append(
                {
                    "code": department.code,
                    "name": department.name,
                    **_finish_row(counts),
                    "targets": _finish_targets(targets_row),
                }
            )
    return Report(
        scope,
        from_on,
        to_on,
        totals,
        targets,
        department_rows,
        matter_rows,
        id_only=_id_only_savings(scope, from_on, to_on),
        commitments=_commitment_figures(scope, from_on, to_on),
    )


def _id_only_savings(scope: Scope, from_on: datetime.date, to_on: datetime.date) -> dict:
    """What ID-only handling saved in the period: materials pulled instead of brought, and
    trips (applications that needed no visit to hand a material in)."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(from_on, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(
        to_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    departments = [scope.department.pk] if scope.department is not None else None
    return exchange_selectors.id_only_savings(since=since, until=until, department_ids=departments)


def _commitment_figures(scope: Scope, from_on: datetime.date, to_on: datetime.date) -> dict:
    """Proofs replaced by a written commitment (告知承诺) in cases accepted in the period, and
    their checks: found true, found untrue, still open."""
    commitments = CaseCommitment.objects.filter(
        application__accepted_on__gte=from_on, application__accepted_on__lte=to_on
    )
    if scope.department is not None:
        commitments = commitments.filter(application__department=scope.department)
    return commitments.aggregate(
        made=Count("id"),
        confirmed=Count("id", filter=Q(outcome="confirmed")),
        untrue=Count("id", filter=Q(outcome="untrue")),
        open=Count("id", filter=Q(outcome="")),
    )


def report_as_dict(report: Report) -> dict:
    """The report as plain JSON-able data (API, charts)."""
    department = report.scope.department
    return {
        "scope": report.scope.kind,
        "department": {"code": department.code, "name": department.name} if department else None,
        "from": report.from_on.isoformat(),
        "to": report.to_on.isoformat(),
        "totals": report.totals,
        "targets": report.targets,
        "departments": report.departments,
        "matters": report.matters,
        "id_only": report.id_only,
        "commitments": report.commitments,
    }
