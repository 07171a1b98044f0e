"""The CKAN Action API through Django's test client: both mounts, GET and POST, with and
without a trailing slash, CKAN's envelope and error types."""

import json

import pytest

from onetrip.opendata.models import OpenDataset

pytestmark = pytest.mark.django_db


def call(client, name, *, post=None, prefix="/opendata/api/3/action/", slash=False, **params):
    url = prefix + name + ("/" if slash else "")
    if post is not None:
        response = client.post(url, data=json.dumps(post), content_type="application/json")
    else:
        response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json"), response.status_code
    return response, response.json()


@pytest.mark.parametrize("prefix", ["/opendata/api/action/", "/opendata/api/3/action/"])
@pytest.mark.parametrize("slash", [False, True])
def test_both_mounts_answer_get_and_post_without_redirect(client, catalogue, prefix, slash):
    response, body = call(client, "package_list", prefix=prefix, slash=slash)
    assert response.status_code == 200
    assert body["success"] is True
    assert body["result"] == ["jt-bus", "scjg-gtgsh", "sthj-air"]
    assert body["help"].startswith("http://testserver/opendata/api/3/action/help_show")

    # POST with a JSON body needs no CSRF token and is not redirected either.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response, body = call(
        csrf_client, "package_show", post={"id": "sthj-air"}, prefix=prefix, slash=slash
    )
    assert response.status_code == 200
    assert body["result"]["title"] == "空气质量监测数据"


def test_unpublished_datasets_are_not_listed_or_shown(client, catalogue):
    _response, body = call(client, "package_search", rows=100)
    assert body["result"]["count"] == 3
    for code in ("scjg-cond", "scjg-closed", "scjg-old"):
        response, body = call(client, "package_show", id=code)
        assert response.status_code == 404
        assert body["success"] is False
        assert body["error"]["__type"] == "Not Found Error"


def test_package_show_by_name_or_id_with_resources_tags_groups(client, catalogue):
    _r, body = call(client, "package_show", id="scjg-gtgsh")
    package = body["result"]
    assert package["name"] == "scjg-gtgsh"
    assert package["organization"]["name"] == "hy-scjg"
    assert package["organization"]["title"] == "县市场监管局"
    assert [t["name"] for t in package["tags"]] == ["个体工商户", "市场主体"]
    assert [g["name"] for g in package["groups"]] == ["economy"]
    assert [r["format"] for r in package["resources"]] == ["CSV", "JSON", "XLSX"]
    assert package["resources"][0]["url"] == (
        "http://testserver/opendata/dataset/scjg-gtgsh/download.csv"
    )
    assert package["resources"][0]["mimetype"] == "text/csv"
    assert package["metadata_modified"] >= package["metadata_created"]

    _r, again = call(client, "package_show", id=package["id"])
    assert again["result"]["name"] == "scjg-gtgsh"
    # The id is stable: publishing again does not change it.
    assert str(OpenDataset.objects.get(name="scjg-gtgsh").public_id) == package["id"]

    rid = package["resources"][2]["id"]
    _r, resource = call(client, "resource_show", id=rid)
    assert resource["result"]["format"] == "XLSX"
    assert resource["result"]["package_id"] == package["id"]


def test_package_search_q_fq_sort_rows_start(client, catalogue):
    def names(**params):
        response, body = call(client, "package_search", **params)
        assert response.status_code == 200, body
        return body["result"]["count"], [p["name"] for p in body["result"]["results"]]

    assert names(q="空气") == (1, ["sthj-air"])
    assert names(q="市场主体") == (1, ["scjg-gtgsh"])  # a tag
    assert names(q="transport")[1] == ["jt-bus"]  # a group
    assert names(q="tags:公交") == (1, ["jt-bus"])
    assert names(fq="organization:hy-scjg", sort="name asc") == (2, ["jt-bus", "scjg-gtgsh"])
    assert names(fq="tags:空气")[1] == ["sthj-air"]
    assert names(fq="groups:health")[1] == ["sthj-air"]
    assert names(fq="res_format:CSV")[0] == 3
    assert names(fq="res_format:SHP")[0] == 0
    assert names(fq="+organization:hy-scjg -tags:公交")[1] == ["scjg-gtgsh"]
    assert names(sort="name desc")[1] == ["sthj-air", "scjg-gtgsh", "jt-bus"]
    assert names(sort="name asc", rows=1, start=1) == (3, ["scjg-gtgsh"])
    assert names(sort="name asc", rows=0) == (3, [])

    # POST with a JSON body, numbers as numbers.
    _r, body = call(
        client, "package_search", post={"fq": "organization:hy-scjg", "rows": 1, "sort": "name asc"}
    )
    assert body["result"]["count"] == 2
    assert [p["name"] for p in body["result"]["results"]] == ["jt-bus"]


def test_title_sort_follows_the_titles(client, catalogue):
    _r, body = call(client, "package_search", sort="title_string asc")
    titles = [p["title"] for p in body["result"]["results"]]
    assert titles == sorted(titles)
    _r, body = call(client, "package_search", sort="metadata_modified desc")
    stamps = [p["metadata_modified"] for p in body["result"]["results"]]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"rows": "many"}, "rows"),
        ({"start": "-1"}, "start"),
        ({"sort": "colour asc"}, "sort"),
        ({"fq": "colour:red"}, "fq"),
    ],
)
def test_bad_search_parameters_are_validation_errors(client, catalogue, params, field):
    response, body = call(client, "package_search", **params)
    assert response.status_code == 409
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"][field]


def test_rows_are_capped_at_1000(client, catalogue):
    response, body = call(client, "package_search", rows="5000")
    assert response.status_code == 200
    assert len(body["result"]["results"]) == 3


def test_errors_use_ckans_envelope(client, catalogue):
    response, body = call(client, "no_such_action")
    assert response.status_code == 400
    assert body["success"] is False and body["error"]["__type"] == "Bad Request"

    response = client.post(
        "/opendata/api/3/action/package_show", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Bad Request"

    response, body = call(client, "package_show")
    assert response.status_code == 409
    assert body["error"]["__type"] == "Validation Error" and body["error"]["id"]

    response, body = call(client, "resource_show", id="not-a-uuid")
    assert response.status_code == 404
    assert body["error"]["__type"] == "Not Found Error"

    response = client.put("/opendata/api/3/action/package_list")
    assert response.status_code == 405
    assert response.json()["success"] is False


def test_organizations_groups_tags(client, catalogue):
    _r, body = call(client, "organization_list")
    assert body["result"] == ["hy-scjg", "hy-sthj"]
    _r, body = call(client, "organization_list", all_fields="true")
    assert {o["name"]: o["package_count"] for o in body["result"]} == {"hy-scjg": 2, "hy-sthj": 1}
    _r, body = call(client, "organization_show", id="hy-sthj", include_datasets="true")
    assert body["result"]["title"] == "嘉兴市生态环境局海盐分局"
    assert [p["name"] for p in body["result"]["packages"]] == ["sthj-air"]
    response, body = call(client, "organization_show", id="nobody")
    assert response.status_code == 404

    _r, body = call(client, "group_list")
    assert body["result"] == ["economy", "environment", "health", "transport"]
    _r, body = call(client, "group_show", id="health", include_datasets=True)
    assert body["result"]["package_count"] == 1
    assert body["result"]["packages"][0]["name"] == "sthj-air"
    response, _b = call(client, "group_show", id="sport-and-leisure")
    assert response.status_code == 404

    _r, body = call(client, "tag_list")
    assert set(body["result"]) == {"个体工商户", "市场主体", "空气", "监测", "公交", "交通"}
    _r, body = call(client, "tag_list", query="监")
    assert body["result"] == ["监测"]

    _r, body = call(client, "status_show")
    assert body["result"]["ckan_version"].startswith("2.")


def test_changes_in_the_catalogue_are_published(client, catalogue):
    air = catalogue["air"]
    air.name = "环境空气质量"
    air.save()
    _r, body = call(client, "package_show", id="sthj-air")
    assert body["result"]["title"] == "环境空气质量"
    air.opening_class = "closed"
    air.save()
    response, _b = call(client, "package_show", id="sthj-air")
    assert response.status_code == 404


def test_package_search_query_count_does_not_grow_with_rows(
    client, catalogue, django_assert_max_num_queries, settings
):
    from django.core.cache import cache

    from onetrip.opendata import services
    from onetrip.opendata.tests.conftest import make_dataset

    for n in range(40):
        make_dataset(
            catalogue["market"],
            f"BULK-{n:03d}",
            f"批量数据{n}",
            keywords="批量,测试",
            themes=["economy"],
        )
    services.opendata_sync()
    # As in production: the catalogue is checked for changes at most every 30 s, not per call.
    settings.ONETRIP_OPENDATA_SYNC_SECONDS = 30
    cache.set(services.SYNC_CACHE_KEY, 1, 30)
    settings.ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS = 0
    # The catalogue version, the count (and on SQLite the catalogue's size, to plan the page
    # query), the page's ids and their stored JSON, whatever the page size; the counts are
    # then cached under the version.
    with django_assert_max_num_queries(5):
        response, body = call(client, "package_search", rows=50, fq="tags:批量")
    assert response.status_code == 200
    assert body["result"]["count"] == 40
    assert len(body["result"]["results"]) == 40
    with django_assert_max_num_queries(3):
        _response, again = call(client, "package_search", rows=50, fq="tags:批量")
    assert again == body
