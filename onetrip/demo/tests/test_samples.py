"""The demo's sample applications: after loading the demo the workbench has something to show
(statistics, e-supervision, the intake queue, bad-rating follow-ups), the history is
consistent, and nothing is texted to the invented people."""

import datetime
import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onetrip.accounts.models import User
from onetrip.cases.models import RUNNING_STATUSES, Application, CaseStatus, PauseKind
from onetrip.cases.selectors import case_list_for_intake, case_page_for_supervision
from onetrip.cases.services import TOLERATED_SUPPLY_DAYS, case_link
from onetrip.demo.models import DemoSample
from onetrip.demo.samples import STORIES
from onetrip.demo.services import demo_load
from onetrip.notify import sending
from onetrip.notify.backends import LocmemSmsBackend
from onetrip.notify.models import Notification
from onetrip.ratings.models import FollowUpStatus, RatingFollowUp
from onetrip.workdays.selectors import workday_add

TOTAL = sum(count for _outcome, count in STORIES)
# The status each planned outcome ends in (running cases: accepted, or in review after a step).
STATUS = {
    "submitted": {CaseStatus.SUBMITTED},
    "intake_correction": {CaseStatus.CORRECTION},
    "review_correction": {CaseStatus.CORRECTION},
    "green": set(RUNNING_STATUSES),
    "tolerated": set(RUNNING_STATUSES),
    "yellow": set(RUNNING_STATUSES),
    "red": set(RUNNING_STATUSES),
    "suspended": {CaseStatus.SUSPENDED},
    "approved": {CaseStatus.APPROVED},
    "issued": {CaseStatus.RESULT_ISSUED},
    "delivered": {CaseStatus.DELIVERED},
    "denied": {CaseStatus.DELIVERED},
    "rated": {CaseStatus.RATED},
    "bad_open": {CaseStatus.RATED},
    "bad_answered": {CaseStatus.RATED},
    "not_accepted": {CaseStatus.NOT_ACCEPTED, CaseStatus.RATED},
}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_load(migrate=False)


def staff(username: str) -> User:
    return User.objects.get(username=username)


def samples():
    return Application.objects.filter(
        pk__in=DemoSample.objects.values("application_id")
    ).select_related("matter_version")


@pytest.mark.django_db
def test_statistics_show_volumes_on_time_rate_trips_channels_and_ratings(demo, client):
    today = timezone.localdate()
    client.force_login(staff("demo-supervisor"))
    response = client.get(
        "/api/v1/statistics",
        {"scope": "county", "from": (today - datetime.timedelta(days=90)).isoformat()},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    totals = data["totals"]
    assert totals["submitted"] == TOTAL and totals["accepted"] > 30 and totals["finished"] > 30
    assert 0.5 < totals["on_time_rate"] < 1  # mostly on time, a few late
    assert 0 < totals["zero_trip_share"] < totals["one_trip_share"] < 1  # some came twice
    assert 0 < totals["mobile_share"] < totals["online_share"] < 1
    assert totals["rated"] >= 15 and 3 < totals["avg_level"] < 5
    assert totals["avg_days"] > 0 and totals["avg_promised_days"] > 0
    busy = [row for row in data["departments"] if row["submitted"]]
    assert len(busy) >= 10
    assert len(data["matters"]) >= 30
    assert data["id_only"]["materials"] > 0 and data["id_only"]["trips"] > 0
    page = client.get("/workbench/statistics/")
    assert page.status_code == 200
    # The demo department head sees her own department's figures.
    client.force_login(staff("demo-head"))
    own = client.get(
        "/api/v1/statistics", {"from": (today - datetime.timedelta(days=90)).isoformat()}
    ).json()
    assert own["scope"] == "department" and own["totals"]["finished"] > 0


@pytest.mark.django_db
def test_supervision_lists_yellow_and_red_cases(demo, client):
    supervisor, head = staff("demo-supervisor"), staff("demo-head")
    county = case_page_for_supervision(user=supervisor)
    assert county.red >= 1 and county.yellow >= 1
    assert {case.colour for case in county.cases} == {"red", "yellow"}
    own = case_page_for_supervision(user=head)
    assert own.red >= 1 and own.yellow >= 1  # some in the head's own department
    client.force_login(supervisor)
    page = client.get("/workbench/cases/supervision/").content.decode()
    red = next(case for case in county.cases if case.colour == "red")
    assert red.number in page


@pytest.mark.django_db
def test_the_window_clerk_has_submitted_cases_to_accept(demo, client):
    clerk = staff("demo-clerk")
    queue = [case for case in case_list_for_intake(user=clerk) if case.status == "submitted"]
    assert len(queue) >= 3
    assert {case.channel for case in queue} >= {"counter", "online"}
    client.force_login(clerk)
    page = client.get("/workbench/cases/intake/").content.decode()
    assert all(case.number in page for case in queue)
    # The sample cases are live: the clerk accepts one, and its deadline starts today.
    case = next(case for case in queue if case.channel != "counter")
    response = client.post(f"/workbench/cases/{case.number}/accept/", {"note": ""})
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.status == "accepted" and case.accepted_on == today
    assert case.deadline_on == workday_add(today, case.matter_version.promised_days).date


@pytest.mark.django_db
def test_a_bad_rating_has_an_open_follow_up_for_the_department_head(demo, client):
    head = staff("demo-head")
    follow_ups = RatingFollowUp.objects.filter(department=head.staff.department)
    open_one = follow_ups.get(status=FollowUpStatus.OPEN)
    assert open_one.rating.level <= 2 and open_one.rating.comment
    assert open_one.due_on >= timezone.localdate()
    assert follow_ups.filter(status=FollowUpStatus.ANSWERED, answered_by=head).count() == 1
    client.force_login(head)
    page = client.get("/workbench/ratings/").content.decode()
    assert open_one.rating.application.number in page
    response = client.post(f"/workbench/ratings/{open_one.pk}/", {"answer": "已整改（测试）"})
    assert response.status_code in (200, 302)
    open_one.refresh_from_db()
    assert open_one.status == FollowUpStatus.ANSWERED


@pytest.mark.django_db
def test_sample_cases_are_consistent_and_back_dated(demo):
    now, today = timezone.now(), timezone.localdate()
    outcomes = dict(DemoSample.objects.values_list("application_id", "outcome"))
    assert len(outcomes) == TOTAL
    cases = list(samples().prefetch_related("events", "pauses"))
    assert {case.channel for case in cases} == {"online", "mobile", "counter"}
    assert {case.trips for case in cases} >= {0, 1, 2}
    assert len({case.department_id for case in cases}) >= 10
    assert len({case.matter_version_id for case in cases}) >= 30
    earliest = now - datetime.timedelta(days=80)
    for case in cases:
        outcome = outcomes[case.pk]
        assert case.status in STATUS[outcome], (case.number, outcome, case.status)
        assert earliest < case.created_at <= case.submitted_at < now
        events = list(case.events.all())
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[0].at == case.created_at and events[-1].at < now
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status, case.number
        assert events[-1].to_status == case.status
        if case.accepted_on is not None:
            assert case.submitted_at <= case.accepted_at
            deadline = workday_add(case.accepted_on, case.matter_version.promised_days).date
            for pause in case.pauses.all():
                assert pause.started_on >= case.accepted_on
                if pause.working_days:
                    deadline = workday_add(deadline, pause.working_days).date
            assert case.deadline_on == deadline, case.number
        if case.finished_on is not None:
            assert case.finished_on <= today and case.finished_at >= case.submitted_at
        if case.status in (CaseStatus.DELIVERED, CaseStatus.RATED) and case.accepted_on:
            assert case.delivered_at >= case.finished_at
        if "approve" in {e.action for e in events} and case.matter_version.licence_type_code:
            assert case.licence_number, case.number  # approval issued the e-licence
    # Ratings were given after delivery, by the applicant.
    for case in samples().filter(status=CaseStatus.RATED).select_related("rating"):
        assert case.rating.rated_by_id == case.applicant_id
        assert case.rating.rated_at >= (case.delivered_at or case.finished_at)


@pytest.mark.django_db
def test_messages_give_the_planned_deadlines(demo):
    """The applicant's messages name the dates the case shows: the acceptance message the
    deadline from the planned acceptance day, a resume message the deadline after that stop,
    and not dates computed from the day the demo was loaded."""
    date = re.compile(r"\d{4}-\d{2}-\d{2}")
    supplied_by_seen = False
    accepted = samples().filter(accepted_on__isnull=False).prefetch_related("pauses")
    for case in accepted:
        messages = Notification.objects.filter(user_id=case.applicant_id, link=case_link(case))
        dated = [date.findall(m.body) for m in messages.order_by("id") if date.search(m.body)]
        at_acceptance = workday_add(case.accepted_on, case.matter_version.promised_days).date
        assert dated[0][0] == at_acceptance.isoformat(), case.number
        if len(dated[0]) > 1:  # tolerated missing materials: the date to supply them by
            supply = workday_add(case.accepted_on, TOLERATED_SUPPLY_DAYS).date
            assert dated[0][1] == supply.isoformat(), case.number
            supplied_by_seen = True
        pauses = list(case.pauses.all())
        # (No story resumes a suspension yet; one that does is checked here.)
        if pauses and pauses[-1].kind == PauseKind.SUSPENSION and pauses[-1].ended_on:
            assert dated[-1] == [case.deadline_on.isoformat()], case.number
    assert accepted.count() >= 30 and supplied_by_seen


def test_notices_state_the_planned_dates_and_are_sealed_over_them(demo):
    """The written notices say what the case shows (not the load day), were issued on the
    planned days, and their seals still check."""
    from onetrip.cases.notices import notice_sealed_ok

    accepted = samples().filter(accepted_on__isnull=False)
    checked = 0
    for case in accepted.prefetch_related("notices__department"):
        notice = next(n for n in case.notices.all() if n.kind == "acceptance")
        at_acceptance = workday_add(case.accepted_on, case.matter_version.promised_days).date
        assert notice.content["accepted_on"] == case.accepted_on.isoformat(), case.number
        assert notice.content["deadline_on"] == at_acceptance.isoformat(), case.number
        assert timezone.localdate(notice.issued_at) == case.accepted_on, case.number
        for notice in case.notices.all():
            assert not notice.signature or notice_sealed_ok(notice), notice.number
        checked += 1
    assert checked >= 30


@pytest.mark.django_db(transaction=True)
def test_loading_texts_nobody_and_prints_the_samples(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    LocmemSmsBackend.outbox.clear()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)  # commits: on-commit tasks really run
    assert f"{TOTAL} sample applications (DEMO DATA" in out.getvalue()
    sending.send_pending()  # whatever a sender thread might still hold
    assert LocmemSmsBackend.outbox == []
    assert DemoSample.objects.count() == TOTAL


@pytest.mark.django_db
def test_the_demos_fees_were_paid_when_approved_and_one_waits(demo, client):
    from onetrip.payments.models import OrderStatus, PaymentOrder, Reconciliation

    orders = list(PaymentOrder.objects.select_related("department"))
    assert orders and all(o.reference.startswith("case:") for o in orders)
    waiting = [o for o in orders if o.status == OrderStatus.UNPAID]
    l2 = User.objects.get(phone="13957300002")
    assert [o.payer for o in waiting] == [l2]  # the demo citizen's approved fee case
    for order in orders:
        case = Application.objects.get(number=order.reference.partition(":")[2])
        assert case.matter_version.is_fee
        if order.status == OrderStatus.PAID:
            approved = case.events.get(action="approve").at
            assert approved < order.created_at < order.paid_at
    # Yesterday's statement holds a second payment of one order: to refund.
    yesterday = Reconciliation.objects.get(day=timezone.localdate() - datetime.timedelta(days=1))
    assert [d["kind"] for d in yesterday.differences] == ["paid_twice"]
    client.force_login(staff("demo-finance"))
    page = client.get("/workbench/").content.decode()
    assert "待处理的对账差异" in page
    client.force_login(l2)
    page = client.get(f"/me/payments/{waiting[0].public_id}/").content.decode()
    assert waiting[0].code in page and "在线缴纳" in page


@pytest.mark.django_db
def test_the_demos_running_cases_carry_commitments_to_check(demo, client):
    """Sample cases of matters whose guide offers a commitment (告知承诺) made it instead of
    uploading the proof; their reviewers find them on the to-do list."""
    from onetrip.accounts.selectors import staff_list
    from onetrip.cases.models import CaseCommitment

    waiting = list(
        CaseCommitment.objects.filter(outcome="", check_due_on__isnull=False).select_related(
            "application", "matter_material"
        )
    )
    assert waiting
    for commitment in waiting:
        case = commitment.application
        assert commitment.text == commitment.matter_material.commitment
        assert commitment.check_due_on == workday_add(case.accepted_on, 20).date
        assert not case.materials.filter(matter_material=commitment.matter_material).exists()
    department = waiting[0].application.department_id
    reviewer = next(
        s.user for s in staff_list(department_ids={department}) if "reviewer" in s.role_set()
    )
    client.force_login(reviewer)
    assert "待核查的告知承诺" in client.get("/workbench/").content.decode()


@pytest.mark.django_db
def test_without_a_gateway_the_demo_charges_but_invents_no_online_payment(demo, settings):
    """Production settings have no gateway until one is configured, and `onetrip gen` (the
    benchmark's data set) loads the demo county under them: only the waiting order is made."""
    from onetrip.demo.payments import payments_load
    from onetrip.payments.models import OrderStatus, PaymentOrder, Reconciliation, SandboxPayment

    for model in (Reconciliation, SandboxPayment, PaymentOrder):
        model.objects.all().delete()
    settings.ONETRIP_PAYMENT_GATEWAY = ""
    payments_load()
    assert [o.status for o in PaymentOrder.objects.all()] == [OrderStatus.UNPAID]
    assert not SandboxPayment.objects.exists() and not Reconciliation.objects.exists()


@pytest.mark.django_db
def test_the_demos_open_data_requests(demo, client):
    from onetrip.datarequests.models import DataRequest, RequestStatus

    assert DataRequest.objects.count() == 3
    assert DataRequest.objects.filter(status=RequestStatus.ACCEPTED).count() == 1
    page = client.get("/opendata/requests/").content.decode()
    assert "开放户籍业务办理网点信息" in page and "已纳入本年度数据开放计划" not in page
    client.force_login(staff("demo-police-data"))
    page = client.get("/workbench/").content.decode()
    assert "待答复的公众数据需求" in page


@pytest.mark.django_db
def test_the_demos_closed_cases_are_archived_and_pass_their_check(demo, client):
    from onetrip.archive.models import ArchiveRecord
    from onetrip.archive.services import ARCHIVABLE_STATUSES

    closed = Application.objects.filter(status__in=ARCHIVABLE_STATUSES)
    records = ArchiveRecord.objects.all()
    assert records.count() == closed.count() > 0
    assert all(record.last_check_ok for record in records)
    archivist = staff("demo-archivist")
    mine = records.filter(department=archivist.staff.department)
    assert mine.exists()
    client.force_login(archivist)
    page = client.get("/workbench/archive/").content.decode()
    assert mine.first().code in page
    title = client.get(f"/workbench/archive/{mine.first().code}/").content.decode()
    assert "申请表" in title and "办理过程记录" in title  # the package's files, in Chinese


@pytest.mark.django_db
def test_the_demos_appointments(demo, client):
    from onetrip.appointments.models import Appointment, AppointmentStatus

    l2 = User.objects.get(phone="13957300002")
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert l2 in {a.user for a in booked}
    assert Appointment.objects.filter(status=AppointmentStatus.NO_SHOW).count() == 1
    client.force_login(l2)
    mine = booked.get(user=l2)
    page = client.get(f"/appointments/{mine.number}/").content.decode()
    assert mine.number in page and "请携带" in page
