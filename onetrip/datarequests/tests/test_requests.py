"""Data needs and error reports (数据需求与纠错): filed on the open-data portal, answered by the
department that holds the data, published without the requester's name."""

import datetime

import pytest
from django.utils import translation

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.datarequests import services
from onetrip.datarequests.models import DataRequest, RequestStatus
from onetrip.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def report(citizen, dataset, **changes):
    values = {
        "actor": citizen,
        "kind": "error",
        "dataset": dataset,
        "title": "名录中店铺地址有误",
        "description": "海盐老街茶馆已于今年迁至向阳路10号，名录仍为旧址。",
    }
    return services.request_file(**{**values, **changes})


def test_an_error_report_goes_to_the_datasets_owner_and_is_answered(citizen, officer, shops):
    item = report(citizen, shops)
    assert item.number.startswith("SJJC") and item.department == shops.owner
    assert item.status == RequestStatus.OPEN and item.due_on > item.filed_at.date()
    assert Notification.objects.filter(user=officer, title__contains=item.number).exists()
    services.request_answer(
        actor=officer, item=item, accepted=True, answer="已核实并更正，下次更新后生效。"
    )
    item.refresh_from_db()
    assert item.status == RequestStatus.ACCEPTED and item.answered_by == officer
    assert Notification.objects.filter(user=citizen, body__contains="已核实并更正").exists()
    assert [e.action for e in AuditEntry.objects.order_by("id")][-2:] == [
        "datarequests.file",
        "datarequests.answer",
    ]
    with pytest.raises(DomainError) as caught:
        services.request_answer(actor=officer, item=item, accepted=False, answer="再答一次")
    assert caught.value.code == "datarequests.already_answered"


def test_every_problem_is_told_at_once_and_nothing_saved(citizen, inspections):
    with pytest.raises(DomainError) as caught:
        report(citizen, inspections, title="短", description="太短")
    assert caught.value.status == 422
    assert set(caught.value.detail["fields"]) == {"dataset", "title", "description"}
    with pytest.raises(DomainError) as caught:
        report(citizen, None, kind="need")
    assert set(caught.value.detail["fields"]) == {"department"}
    assert not DataRequest.objects.exists()


def test_a_need_goes_to_the_chosen_department(citizen, market, officer):
    item = report(citizen, None, kind="need", department=market, title="开放食品抽检结果数据")
    assert item.number.startswith("SJXQ") and item.department == market


def test_only_the_departments_data_officers_answer(citizen, shops, other_officer, officer):
    item = report(citizen, shops)
    with pytest.raises(PermissionDenied):
        services.request_answer(actor=other_officer, item=item, accepted=True, answer="好的")
    with pytest.raises(DomainError) as caught:
        services.request_answer(actor=officer, item=item, accepted=False, answer=" ")
    assert caught.value.code == "datarequests.answer_needed"


def test_officers_are_reminded_once_the_working_day_before(citizen, officer, shops):
    from onetrip.datarequests import tasks

    item = report(citizen, shops)
    Notification.objects.all().delete()
    early = item.due_on - datetime.timedelta(days=20)
    assert services.requests_remind_due(today=early) == 0
    assert tasks.remind_due(today=item.due_on.isoformat()) == 1
    assert services.requests_remind_due(today=item.due_on) == 0
    reminder = Notification.objects.get(user=officer)
    assert item.number in reminder.title and item.title == reminder.body
