"""Ratings (好差评) through the pages: once per case, only by the applicant, a comment for bad
ratings, a follow-up answered only by the implementing department's head."""

from django.utils import translation

from onetrip.cases.models import CaseStatus
from onetrip.conftest import PASSWORD
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification
from onetrip.ratings.models import FollowUpStatus, Rating, RatingFollowUp, RatingLevel


def rate(client, case, level, comment=""):
    return client.post(f"/applications/{case.number}/rate/", {"level": level, "comment": comment})


def test_applicant_rates_once_and_case_becomes_rated(client, citizen, case_factory):
    case = case_factory()
    client.force_login(citizen)
    page = client.get(f"/applications/{case.number}/")
    assert f"/applications/{case.number}/rate/" in page.content.decode()
    assert rate(client, case, 5, "很快").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RATED
    assert Rating.objects.get(application=case).level == 5
    assert not RatingFollowUp.objects.exists()
    assert AuditEntry.objects.filter(action="ratings.rating.submit", target_id=case.number).exists()
    assert case.events.filter(action="rate", to_status="rated").exists()
    again = rate(client, case, 1, "再评一次")
    assert again.status_code == 409
    assert Rating.objects.get(application=case).level == 5
    with translation.override("zh-hans"):
        label = str(RatingLevel.VERY_SATISFIED.label)  # 非常满意 once the catalogue has it
    page = client.get(f"/applications/{case.number}/rate/").content.decode()
    assert f'data-testid="rating-level">{label}<' in page


def test_not_accepted_case_may_be_rated_but_running_one_not(client, citizen, case_factory):
    client.force_login(citizen)
    refused = case_factory(status="not_accepted", accepted_on=None, deadline_on=None)
    assert rate(client, refused, 3).status_code == 302
    running = case_factory(status="in_review", finished_on=None)
    response = rate(client, running, 4)
    assert response.status_code == 409
    running.refresh_from_db()
    assert running.status == "in_review" and not Rating.objects.filter(application=running).exists()


def test_bad_rating_needs_a_comment(client, citizen, case_factory):
    case = case_factory()
    client.force_login(citizen)
    response = rate(client, case, 2, "  ")
    assert response.status_code == 422
    assert 'data-testid="error"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and not Rating.objects.exists()
    assert rate(client, case, 9, "x").status_code == 422


def test_only_the_applicant_rates(client, person_factory, staff_factory, case_factory, head):
    case = case_factory()
    stranger = person_factory(name="王五")
    client.force_login(stranger)
    assert client.get(f"/applications/{case.number}/rate/").status_code == 404
    assert rate(client, case, 5).status_code == 404
    client.force_login(head)  # staff may see the case, but do not rate it
    assert rate(client, case, 5).status_code == 404
    assert not Rating.objects.exists()


def test_bad_rating_follow_up_answered_by_the_head_then_confirmed(
    client,
    citizen,
    case_factory,
    head,
    reviewer,
    staff_factory,
    supervisor,
    django_capture_on_commit_callbacks,
):
    case = case_factory()
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        assert rate(client, case, 1, "窗口态度差，等了两个小时").status_code == 302
    follow_up = RatingFollowUp.objects.get()
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.due_on > case.finished_on
    assert Notification.objects.filter(user=head).exists()  # the head is told

    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    url = f"/workbench/ratings/{follow_up.pk}/"
    for outsider in (other_head,):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "不是我们"}).status_code == 404
        assert "窗口态度差" not in client.get("/workbench/ratings/").content.decode()
    client.force_login(reviewer)  # same department, not a head
    assert client.get("/workbench/ratings/").status_code == 403
    assert client.post(url, {"answer": "x"}).status_code == 403
    client.force_login(supervisor)  # reads the county's follow-ups, does not answer
    assert client.get(url).status_code == 200
    client.post(url, {"answer": "督查代答"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN

    client.force_login(head)
    listing = client.get("/workbench/ratings/").content.decode()
    assert case.number in listing
    assert client.post(url, {"answer": ""}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"answer": "已约谈窗口人员，增设叫号屏"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.ANSWERED and follow_up.answered_by == head
    assert client.post(url, {"answer": "再答"}).status_code == 409
    assert Notification.objects.filter(user=citizen, body__contains="叫号屏").exists()
    assert AuditEntry.objects.filter(action="ratings.follow_up.answer").exists()

    client.force_login(citizen)
    page = client.get(f"/applications/{case.number}/rate/").content.decode()
    assert "叫号屏" in page
    assert (
        client.post(f"/applications/{case.number}/rate/confirm/", {"note": "好"}).status_code == 302
    )
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="ratings.follow_up.confirm").exists()


def test_sign_in_required(client, case_factory):
    case = case_factory()
    assert client.get(f"/applications/{case.number}/rate/").status_code == 302
    assert client.get("/workbench/ratings/").status_code == 302
    assert PASSWORD
