"""The workbench's to-do list (待办): for each kind of work the staff member's roles give them,
how many items wait and how many are overdue, linking to where they are done."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from onetrip.accounts import policies
from onetrip.appointments import selectors as appointment_selectors
from onetrip.archive import policies as archive_policies
from onetrip.archive import selectors as archive_selectors
from onetrip.cases.models import CaseStatus
from onetrip.cases.selectors import case_list_for_intake, commitment_counts
from onetrip.datarequests import selectors as request_selectors
from onetrip.exchange.selectors import grants_pending_for_owner
from onetrip.objections import selectors as objection_selectors
from onetrip.payments import policies as payment_policies
from onetrip.payments import selectors as payment_selectors


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    waiting: int
    overdue: int = 0


def todo_items(*, user) -> list[Todo]:
    items = []
    if policies.has_permission(user, "cases.intake"):
        waiting = case_list_for_intake(user=user).filter(status=CaseStatus.SUBMITTED).count()
        items.append(Todo(_("Applications to accept"), reverse("casework:intake"), waiting))
    if policies.has_permission(user, "cases.review") or policies.has_permission(
        user, "cases.decide"
    ):
        counts = commitment_counts(user=user)
        if counts["open"]:  # listed only while one waits
            items.append(
                Todo(
                    _("Commitments to check"),
                    reverse("casework:list") + "?commitments=open",
                    counts["open"],
                    counts["overdue"],
                )
            )
    if policies.has_permission(user, "exchange.approve"):
        waiting = grants_pending_for_owner(user=user).count()
        items.append(
            Todo(_("Data sharing requests to decide"), reverse("exchangework:grants"), waiting)
        )
    if objection_selectors.is_officer(user) or objection_selectors.may_oversee(user):
        counts = objection_selectors.queue_counts(user=user)
        items.append(
            Todo(
                _("Data objections to answer"),
                reverse("objectionswork:list"),
                counts["open"],
                counts["overdue"],
            )
        )
    counts = request_selectors.queue_counts(user=user)  # none for those who are not officers
    if counts["open"]:  # rare: listed only while one waits
        items.append(
            Todo(
                _("Open-data requests to answer"),
                reverse("datarequestwork:list"),
                counts["open"],
                counts["overdue"],
            )
        )
    counts = payment_selectors.unpaid_counts(user=user)  # none for those who do not collect
    if counts["unpaid"]:  # the payer's move: shown only while there is something to follow
        items.append(
            Todo(
                _("Fees awaiting payment"),
                reverse("paymentwork:list") + "?status=unpaid",
                counts["unpaid"],
                counts["overdue"],
            )
        )
    if payment_policies.may_reconcile(user):
        items.append(
            Todo(
                _("Reconciliation differences to handle"),
                reverse("paymentwork:reconciliation"),
                payment_selectors.differences_open(),
            )
        )
    if policies.has_permission(user, "cases.intake"):
        booked = appointment_selectors.waiting_today()
        if booked:  # shown on days people are coming
            items.append(
                Todo(_("Appointments to check in today"), reverse("appointmentwork:day"), booked)
            )
    if archive_policies.may_approve(user):
        pending = archive_selectors.appraisals_pending_count(user)
        if pending:
            items.append(
                Todo(
                    _("Archive appraisals waiting for approval"),
                    reverse("archivework:list") + "?appraisal=pending",
                    pending,
                )
            )
    if archive_policies.may_check(user):
        failed = archive_selectors.failed_count(user)
        if failed:  # nothing to do while every record passes
            items.append(
                Todo(
                    _("Archive records that failed their check"),
                    reverse("archivework:list") + "?check=failed",
                    failed,
                )
            )
    return items
