import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/workdays/add"


def test_adds_working_days_across_national_day(client):
    response = client.get(URL, {"start": "2026-09-30", "days": "3"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-10", "provisional": False}


def test_zero_days_is_the_start(client):
    assert client.get(URL, {"start": "2026-02-16", "days": "0"}).json() == {
        "date": "2026-02-16",
        "provisional": False,
    }


def test_far_future_is_provisional(client):
    assert client.get(URL, {"start": "2035-09-28", "days": "1"}).json() == {
        "date": "2035-10-01",
        "provisional": True,
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-02-30", "days": "1"}, "workdays.invalid_date"),
        ({"start": "yesterday", "days": "1"}, "workdays.invalid_date"),
        ({"days": "1"}, "workdays.invalid_date"),
        ({"start": "2026-01-05", "days": "-1"}, "workdays.invalid_days"),
        ({"start": "2026-01-05", "days": "3651"}, "workdays.invalid_days"),
        ({"start": "2026-01-05", "days": "1e9"}, "workdays.invalid_days"),
        ({"start": "2026-01-05"}, "workdays.invalid_days"),
        ({"start": "9999-12-30", "days": "10"}, "workdays.out_of_range"),
    ],
)
def test_bad_input_gets_a_json_error(client, params, code):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"] and "detail" in body


def test_the_largest_count_is_answered(client):
    response = client.get(URL, {"start": "2026-01-05", "days": "3650"})
    assert response.status_code == 200
    assert response.json()["provisional"] is True
