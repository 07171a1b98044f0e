"""The notice register (文书台账): every written notice the departments in a staff member's
scope issued, filtered by kind, date, number and whether the applicant has opened it, on a page
and as an Excel file. Names are masked as on the public check page; the notices themselves open
through their case (audited there)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.core import audit
from onetrip.core.xlsx import workbook_bytes

from .models import CaseNotice, NoticeKind
from .notices import addressee_masked, notice_title

EXPORT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class RegisterFilter:
    kind: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    q: str = ""
    opened: str = ""  # "yes", "no" or "" (either)

    @classmethod
    def from_query(cls, query) -> "RegisterFilter":
        """From a page's GET parameters; what does not parse is left out, not refused."""
        kind = query.get("kind", "")
        opened = query.get("opened", "")
        return cls(
            kind=kind if kind in NoticeKind.values else "",
            since=_date(query.get("since")),
            until=_date(query.get("until")),
            q=(query.get("q") or "").strip()[:40],
            opened=opened if opened in ("yes", "no") else "",
        )

    def as_detail(self) -> dict:
        return {
            "kind": self.kind,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.q,
            "opened": self.opened,
        }


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


def _bounds(day: datetime.date, *, end: bool) -> datetime.datetime:
    """The start of a local day (or of the next one, for an inclusive end)."""
    if end:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def notice_register(*, user, filters: RegisterFilter):
    """The notices of the cases the staff member may see, newest first."""
    staff = staff_for_user(user=user)
    if staff is None:
        return CaseNotice.objects.none()
    queryset = CaseNotice.objects.select_related("application", "department")
    visible = department_ids_visible_to(staff=staff)
    if visible is not None:
        queryset = queryset.filter(Q(department_id__in=visible) | Q(application__intake_clerk=user))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.since:
        queryset = queryset.filter(issued_at__gte=_bounds(filters.since, end=False))
    if filters.until:
        queryset = queryset.filter(issued_at__lt=_bounds(filters.until, end=True))
    if filters.q:
        queryset = queryset.filter(number__startswith=filters.q.upper())
    if filters.opened:
        queryset = queryset.filter(received_at__isnull=filters.opened == "no")
    return queryset.order_by("-issued_at", "-id")


def register_row(notice: CaseNotice) -> dict:
    """One line of the register as people read it."""
    return {
        "notice": notice,
        "title": notice_title(notice),
        "addressee": addressee_masked(notice),
        "matter": notice.content.get("matter_name", ""),
    }


def register_workbook(*, user, filters: RegisterFilter, request=None) -> bytes:
    """The register as an Excel file (at most EXPORT_MAX_ROWS notices); the export is audited."""
    notices = list(notice_register(user=user, filters=filters)[:EXPORT_MAX_ROWS])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Notice register")
    sheet.append(
        [
            _("Notice number"),
            _("Notice"),
            _("Case number"),
            _("Service"),
            _("Applicant"),
            _("Department"),
            pgettext("notice", "Issued at"),
            _("Sealed"),
            _("Opened by the applicant"),
        ]
    )
    for notice in notices:
        row = register_row(notice)
        sheet.append(
            [
                notice.number,
                str(row["title"]),
                notice.application.number,
                row["matter"],
                row["addressee"],
                notice.department.name,
                timezone.localtime(notice.issued_at).strftime("%Y-%m-%d %H:%M"),
                _("Yes") if notice.signature else _("No"),
                timezone.localtime(notice.received_at).strftime("%Y-%m-%d %H:%M")
                if notice.received_at
                else "",
            ]
        )
    audit.record(
        actor=user,
        action="cases.notices.export",
        purpose="notice register export",
        request=request,
        detail={**filters.as_detail(), "rows": len(notices)},
    )
    return workbook_bytes(workbook)
