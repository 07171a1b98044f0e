"""An administrator enters a year's arrangement; it overrides (or adds to) the package."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.workdays.models import HolidayDay, HolidayYear
from onetrip.workdays.selectors import workday_add, workday_check
from onetrip.workdays.services import holiday_year_set

D = datetime.date
pytestmark = pytest.mark.django_db

# An invented 2027 arrangement (the package does not know 2027 yet).
DAYS_2027 = [
    {"date": "2027-01-01", "is_workday": False, "name": "New Year's Day"},  # Friday
    {"date": "2027-01-02", "is_workday": False, "name": "New Year's Day"},
    {"date": "2027-01-03", "is_workday": False, "name": "New Year's Day"},
    {"date": "2027-01-09", "is_workday": True, "name": "New Year's Day"},  # Saturday worked
]


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", password="x-Long-Password-1")


def test_an_entered_year_adds_a_year_the_package_does_not_know(admin_user):
    assert workday_add(D(2026, 12, 31), 1) == (D(2027, 1, 1), True)
    holiday_year_set(actor=admin_user, year=2027, days=DAYS_2027, notice="国办发明电〔2026〕1号")
    assert workday_add(D(2026, 12, 31), 1) == (D(2027, 1, 4), False)
    assert workday_add(D(2027, 1, 8), 1) == (D(2027, 1, 9), False)
    assert workday_check(D(2027, 1, 1)) == (False, False, "New Year's Day")
    entry = AuditEntry.objects.get(action="workdays.holiday_year.set")
    assert entry.actor_id == admin_user.pk
    assert entry.detail["days_off"] == 3 and entry.detail["adjusted_workdays"] == 1


def test_an_entered_year_overrides_the_package(admin_user):
    assert workday_add(D(2026, 9, 30), 3) == (D(2026, 10, 10), False)
    # Suppose the arrangement changed: only 1-3 October off, no Saturday worked.
    days = [{"date": f"2026-10-0{d}", "is_workday": False, "name": "National Day"} for d in (1, 2)]
    holiday_year_set(actor=admin_user, year=2026, days=days)
    assert workday_add(D(2026, 9, 30), 1) == (D(2026, 10, 5), False)  # 3-4 Oct are a weekend
    assert workday_check(D(2026, 10, 10)).is_workday is False
    assert workday_check(D(2026, 2, 16)).is_workday is True  # the package no longer counts


def test_entering_a_year_again_replaces_its_days(admin_user):
    holiday_year_set(actor=admin_user, year=2027, days=DAYS_2027)
    holiday_year_set(actor=admin_user, year=2027, days=DAYS_2027[:1])
    assert list(HolidayDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert AuditEntry.objects.filter(action="workdays.holiday_year.set").count() == 2


@pytest.mark.parametrize(
    ("days", "code"),
    [
        ([{"date": "2028-01-01", "is_workday": False}], "workdays.day_outside_year"),
        ([{"date": "2027-13-01", "is_workday": False}], "workdays.invalid_day"),
        ([{"date": "2027-01-01", "is_workday": "maybe"}], "workdays.invalid_day"),
        ([{"date": "2027-01-01"}, {"date": "2027-01-01"}], "workdays.duplicate_day"),
        (["2027-01-01"], "workdays.invalid_day"),
    ],
)
def test_bad_days_are_refused_and_change_nothing(admin_user, days, code):
    holiday_year_set(actor=admin_user, year=2027, days=DAYS_2027)
    with pytest.raises(DomainError) as caught:
        holiday_year_set(actor=admin_user, year=2027, days=days)
    assert caught.value.code == code
    assert HolidayDay.objects.count() == len(DAYS_2027)


def test_only_an_administrator_may_enter_a_year(db):
    clerk = get_user_model().objects.create_user("clerk", password="x-Long-Password-1")
    with pytest.raises(PermissionDenied):
        holiday_year_set(actor=clerk, year=2027, days=DAYS_2027)
    assert not HolidayYear.objects.exists()


def test_import_command_reads_json_and_csv(tmp_path):
    json_file = tmp_path / "2027.json"
    json_file.write_text(json.dumps({"year": 2027, "days": DAYS_2027}), encoding="utf-8")
    csv_file = tmp_path / "2028.csv"
    csv_file.write_text(
        "date,is_workday,name\n2028-01-03,false,元旦\n2028-01-08,true,元旦\n", encoding="utf-8"
    )
    call_command("workdays", "import", str(json_file))
    call_command("workdays", "import", str(csv_file), "--notice", "test notice")
    assert workday_add(D(2026, 12, 31), 1) == (D(2027, 1, 4), False)
    assert workday_check(D(2028, 1, 3)) == (False, False, "元旦")
    assert workday_check(D(2028, 1, 8)).is_workday
    assert HolidayYear.objects.get(year=2028).notice == "test notice"
    assert (
        AuditEntry.objects.filter(
            action="workdays.holiday_year.set", actor_label="cli:workdays import"
        ).count()
        == 2
    )


def test_a_bad_file_imports_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    good_2027 = {"year": 2027, "days": DAYS_2027}
    bad_2028 = {"year": 2028, "days": [{"date": "2029-01-01", "is_workday": False}]}
    bad.write_text(json.dumps([good_2027, bad_2028]), encoding="utf-8")
    with pytest.raises(CommandError, match="2028"):
        call_command("workdays", "import", str(bad))
    assert not HolidayYear.objects.exists()
    with pytest.raises(CommandError):
        call_command("workdays", "import", str(tmp_path / "missing.json"))


def test_export_gives_the_package_year_as_an_import_file(tmp_path, capsys):
    call_command("workdays", "export", "2026")
    exported = json.loads(capsys.readouterr().out)
    assert {"date": "2026-02-14", "is_workday": True, "name": "Spring Festival"} in exported["days"]
    # the exported file, imported back, changes no answer
    path = tmp_path / "2026.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    call_command("workdays", "import", str(path))
    assert workday_add(D(2026, 9, 30), 3) == (D(2026, 10, 10), False)
    assert workday_add(D(2026, 2, 13), 10) == (D(2026, 3, 5), False)


def test_admin_enters_a_year_with_its_days(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/workdays/holidayyear/add/",
        {
            "year": "2027",
            "notice": "",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01",
            "days-0-name": "New Year's Day",
            "days-1-date": "2027-01-09",
            "days-1-is_workday": "on",
            "days-1-name": "New Year's Day",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert workday_check(D(2027, 1, 1)) == (False, False, "New Year's Day")
    assert workday_check(D(2027, 1, 9)).is_workday
    assert AuditEntry.objects.filter(action="workdays.holiday_year.admin_add").exists()


def test_admin_refuses_a_day_of_another_year(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/workdays/holidayyear/add/",
        {
            "year": "2027",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2028-01-01",
        },
    )
    assert response.status_code == 200
    assert not HolidayYear.objects.exists()
