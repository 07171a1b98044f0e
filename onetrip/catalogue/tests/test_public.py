"""The demo catalogue, Chinese search, the public API and the portal pages."""

import json

import pytest
from django.core.management import call_command

from onetrip.catalogue import services
from onetrip.catalogue.models import LifeEvent, Matter, MatterVersion

from .conftest import DEMO_FILE

pytestmark = pytest.mark.django_db


def _names(response):
    return [item["name"] for item in response.json()["items"]]


def test_demo_file_is_marked_and_large_enough():
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    assert document["demo"] is True and "DEMO DATA" in document["notes"]
    assert len(document["matters"]) >= 40
    assert len({m["department"] for m in document["matters"]}) >= 12
    assert {"开办餐饮店", "新生儿出生", "企业开办"} <= {e["name"] for e in document["life_events"]}


def test_loading_is_idempotent_and_a_change_makes_a_new_version(demo_datasets, tmp_path, capsys):
    first = services.matters_load(path=DEMO_FILE)
    assert first.created == 48 and first.life_events == 4
    call_command("matters", "load", str(DEMO_FILE))
    assert "0 created, 0 updated, 48 unchanged" in capsys.readouterr().out
    assert MatterVersion.objects.count() == 48

    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    document["matters"][0]["promised_days"] = 2
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = services.matters_load(path=changed)
    assert (result.updated, result.unchanged) == (1, 47)
    matter = Matter.objects.get(code=document["matters"][0]["code"])
    assert (matter.current_version.number, matter.current_version.promised_days) == (2, 2)
    assert matter.versions.get(number=1).promised_days == 1


def test_a_bad_file_loads_nothing(county_departments, tmp_path):
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    document["matters"][5]["department"] = "NO-SUCH-DEPT"
    document["matters"][6]["legal_days"] = "十天"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(services.DomainError) as caught:
        services.matters_load(path=path)
    assert caught.value.code == "catalogue.invalid_file"
    assert [p["index"] for p in caught.value.detail["problems"]] == [5, 6]
    assert not Matter.objects.exists() and not LifeEvent.objects.exists()


@pytest.mark.parametrize("query", ["个体", "个体工商户", "我想开店", "开个体户"])
def test_search_finds_the_individual_business_registration(client, demo_catalogue, query):
    response = client.get("/api/v1/matters", {"q": query})
    assert response.status_code == 200
    names = _names(response)
    assert "个体工商户设立登记" in names[:3], names


def test_search_in_chinese_ranks_by_meaningful_words(client, demo_catalogue):
    assert _names(client.get("/api/v1/matters", {"q": "新生儿户口"}))[0] == "出生户口登记"
    assert "食品经营许可" not in _names(client.get("/api/v1/matters", {"q": "户口"}))
    assert client.get("/api/v1/matters", {"q": "火星移民"}).json()["count"] == 0


def test_filters_by_department_applicant_and_life_event(client, demo_catalogue):
    by_department = client.get("/api/v1/matters", {"department": "330424-SCJGJ"}).json()
    assert by_department["count"] == 6
    assert {i["department_code"] for i in by_department["items"]} == {"330424-SCJGJ"}

    legal = client.get("/api/v1/matters", {"applicant": "legal", "q": "个体"}).json()
    assert "个体工商户设立登记" not in [i["name"] for i in legal["items"]]
    person = client.get("/api/v1/matters", {"applicant": "person"}).json()["items"]
    assert all(i["applicant_kind"] in ("person", "both") for i in person)

    newborn = client.get("/api/v1/matters", {"life_event": "newborn"}).json()
    assert {i["name"] for i in newborn["items"]} == {
        "出生医学证明首次签发",
        "出生户口登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
    }


def test_pagination_and_secret_matters_stay_out(client, demo_catalogue):
    first = client.get("/api/v1/matters").json()
    assert (first["count"], first["pages"], first["page_size"], len(first["items"])) == (
        47,
        3,
        20,
        20,
    )
    last = client.get("/api/v1/matters", {"page": 3}).json()
    assert (last["page"], len(last["items"])) == (3, 7)
    beyond = client.get("/api/v1/matters", {"page": 99}).json()
    assert beyond["page"] == 3
    seen = {
        i["code"]
        for p in (1, 2, 3)
        for i in client.get("/api/v1/matters", {"page": p}).json()["items"]
    }
    assert len(seen) == 47 and "330424-GAJ-900" not in seen
    bad = client.get("/api/v1/matters", {"page": "two"})
    assert (bad.status_code, bad.json()["code"]) == (422, "api.invalid_input")


def test_guide_detail_and_404s(client, demo_catalogue):
    response = client.get("/api/v1/matters/330424-SCJGJ-001")
    assert response.status_code == 200
    guide = response.json()
    assert guide["name"] == "个体工商户设立登记"
    assert (guide["max_trips"], guide["promised_days"], guide["mobile_ready"]) == (0, 1, True)
    assert guide["materials"][0]["source_ref"] == "POP-BASE.id_number"
    assert guide["materials"][0]["source_fields"] == ["name", "gender", "birth_date", "address"]
    assert {f["name"] for f in guide["form_schema"]} >= {"id_number", "business_name"}
    assert "open-restaurant" in guide["life_events"]
    for code in ("NO-SUCH-CODE", "330424-GAJ-900"):  # unknown, secret
        missing = client.get(f"/api/v1/matters/{code}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "catalogue.matter_not_found"


def test_list_endpoint_query_ceiling(client, demo_catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/matters", {"q": "登记", "applicant": "person"})
    assert response.json()["count"] > 5
    with django_assert_max_num_queries(4):
        client.get("/api/v1/matters/330424-SCJGJ-001")


def test_life_events_api(client, demo_catalogue):
    events = {e["code"]: e for e in client.get("/api/v1/life-events").json()}
    assert events["open-restaurant"]["name"] == "开办餐饮店"
    assert "330424-SCJGJ-004" in events["open-restaurant"]["matters"]


def test_portal_pages(client, demo_catalogue):
    page = client.get("/matters/", {"q": "开店"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "个体工商户设立登记" in html and "开办餐饮店" in html
    assert 'href="/matters/330424-SCJGJ-001/"' in html

    guide = client.get("/matters/330424-SCJGJ-001/").content.decode()
    assert "个体工商户设立登记" in guide and "海盐县市场监督管理局" in guide
    assert 'data-testid="mobile-ready"' in guide
    # The guide says which data ID-only handling fetches instead of the ID card.
    assert (
        "经您同意，从人口综合库（海盐县公安局）调取：公民身份号码、姓名、性别、出生日期、住址"
        in guide
    )
    assert "联系电话" not in guide[guide.index('id="materials-title"') :]
    assert client.get("/matters/330424-GAJ-900/").status_code == 404
    assert (
        client.get("/matters/", {"life_event": "newborn"})
        .content.decode()
        .count('data-testid="matter-item"')
        == 4
    )
