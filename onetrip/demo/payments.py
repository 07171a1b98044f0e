"""The demo county's payments (统一公共支付): the sample cases of matters that charge a fee were
paid online when they were approved (orders and the sandbox gateway's ledger dated then), the
demo L2 citizen's approved fee case waits for payment, one payer paid twice at the gateway
yesterday, and the last week is reconciled, so the finance officer has one difference to check.
Made through the services once; nothing here when there are no sample cases. The history paid
online is the sandbox gateway's: a server with no gateway (production settings, where `onetrip
gen` loads the demo county too) or a real one gets only the order waiting to be paid."""

import datetime
import re

from django.utils import timezone

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.models import StaffRole
from onetrip.cases import services as case_services
from onetrip.cases.models import Application, CaseEvent, CaseStatus
from onetrip.notify.models import Notification
from onetrip.payments import services as payment_services
from onetrip.payments.gateway import SandboxGateway, gateway_name
from onetrip.payments.models import PaymentOrder, SandboxPayment

GATEWAY_ACTOR = "gateway:sandbox"
COLLECTING_ROLES = {StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.DEPARTMENT_HEAD}
HISTORY = (CaseStatus.RESULT_ISSUED, CaseStatus.DELIVERED, CaseStatus.RATED)
RECONCILED_DAYS = 7
# The demo catalogue's fee standards as items (a county's own file may have other matters:
# those are charged the first amount their fee text names).
DEMO_FEES = {
    "居民身份证换领": [("居民身份证工本费", "20")],
    "机动车驾驶证期满换证": [("机动车驾驶证工本费", "10")],
    "不动产转移登记（二手房买卖）": [("不动产登记费（住宅）", "80"), ("不动产权证书工本费", "10")],
    "不动产抵押权首次登记": [("不动产登记费（住宅）", "80")],
}


def fee_items(version) -> list[dict]:
    items = DEMO_FEES.get(version.name)
    if items is None:
        found = re.search(r"\d+(?:\.\d{1,2})?", version.fee_description or "")
        items = [("办理费用", found.group(0) if found else "10")]
    return [{"name": name, "amount": amount} for name, amount in items]


def _collector(department_id: int):
    return next(
        (
            staff.user
            for staff in account_selectors.staff_list(department_ids={department_id})
            if COLLECTING_ROLES & staff.role_set()
        ),
        None,
    )


def _issued_and_paid_at(case: Application) -> tuple[datetime.datetime, datetime.datetime]:
    """A third and two thirds of the way from the approval to the result's issue, so that the
    case's history stays in order."""
    approved = case.events.filter(action="approve").order_by("at").first()
    start = approved.at if approved else case.finished_at or timezone.now()
    issued = case.events.filter(action="result_issue").order_by("at").first()
    span = (issued.at - start) if issued else datetime.timedelta(hours=3)
    return start + span / 3, start + span * 2 / 3


def _issue(case: Application, collector) -> PaymentOrder:
    return payment_services.order_create(
        actor=collector,
        department=case.department,
        reference=case_services.payment_reference(case),
        purpose=f"{case.matter_version.name}（{case.number}）",
        payer=case.applicant,
        payer_type=case.subject_type,
        payer_number=case.subject_id,
        payer_name=case.subject_name,
        items=fee_items(case.matter_version),
        link=case_services.case_link(case),
    )


def _collect(order: PaymentOrder, paid_at: datetime.datetime, suffix: str = "") -> str:
    """The sandbox gateway's ledger line of a payment; its transaction id."""
    transaction_id = f"SBXDEMO{order.pk:06d}{suffix}"
    SandboxPayment.objects.create(
        transaction_id=transaction_id,
        code=order.code,
        amount=order.amount,
        paid_at=paid_at,
        method="alipay" if order.pk % 2 else "wechat",
    )
    return transaction_id


def _paid_back_then(case: Application, collector) -> PaymentOrder:
    """Charged and paid online when the case was approved, with everything dated then."""
    issued_at, paid_at = _issued_and_paid_at(case)
    order = _issue(case, collector)
    transaction_id = _collect(order, paid_at)
    payment_services.settle(
        code=order.code,
        transaction_id=transaction_id,
        amount=order.amount,
        paid_at=paid_at,
        gateway="sandbox",
        actor=GATEWAY_ACTOR,
    )
    PaymentOrder.objects.filter(pk=order.pk).update(created_at=issued_at)
    CaseEvent.objects.filter(application=case, action="paid").update(
        at=paid_at, from_status=CaseStatus.APPROVED, to_status=CaseStatus.APPROVED
    )
    Notification.objects.filter(user_id=case.applicant_id, link=order.link).filter(
        body__contains=order.code
    ).update(created_at=issued_at, read_at=paid_at)
    Notification.objects.filter(user_id=case.applicant_id, link=order.link).filter(
        body__contains=order.receipt_number or "-"
    ).update(created_at=paid_at, read_at=paid_at)
    order.refresh_from_db()
    return order


def payments_load() -> None:
    if PaymentOrder.objects.exists():
        return
    cases = (
        Application.objects.filter(
            matter_version__is_fee=True, status__in=(CaseStatus.APPROVED, *HISTORY)
        )
        .select_related("matter_version", "department", "applicant")
        .order_by("finished_at", "pk")
    )
    sandbox = gateway_name() == SandboxGateway.name
    paid = []
    for case in cases:
        collector = _collector(case.department_id)
        if collector is None:
            continue
        if not case.events.filter(action="approve").exists():
            continue  # rated after a refusal: nothing was charged
        if case.status == CaseStatus.APPROVED:  # waits for the applicant to pay
            case_services.case_charge(
                actor=collector, case=case, items=fee_items(case.matter_version)
            )
        elif sandbox:
            paid.append(_paid_back_then(case, collector))
    if not sandbox:
        return
    today = timezone.localdate()
    if paid:  # a payer paid a second time by mistake yesterday: to be refunded
        yesterday_noon = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(10, 12))
        )
        _collect(paid[-1], yesterday_noon, suffix="B")
    for back in range(RECONCILED_DAYS, 0, -1):
        payment_services.reconcile(day=today - datetime.timedelta(days=back), actor="demo loader")
