"""The real CKAN client (`ckanapi`) and its command line against a live server, with
http://HOST/opendata as the site URL."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest
import requests

from .conftest import SECRETS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, catalogue):
    return live_server.url + "/opendata"


@pytest.mark.parametrize("get_only", [False, True])  # POST with a JSON body, or GET
def test_ckanapi_lists_searches_shows_and_downloads(site, get_only):
    with ckanapi.RemoteCKAN(site, user_agent="onetrip-tests", get_only=get_only) as ckan:
        assert ckan.action.package_list() == ["jt-bus", "scjg-gtgsh", "sthj-air"]
        assert ckan.action.status_show()["ckan_version"].startswith("2.")

        found = ckan.action.package_search(q="空气")
        assert found["count"] == 1 and found["results"][0]["name"] == "sthj-air"
        found = ckan.action.package_search(fq="organization:hy-scjg", sort="name desc")
        assert [p["name"] for p in found["results"]] == ["scjg-gtgsh", "jt-bus"]
        found = ckan.action.package_search(sort="name asc", rows=2, start=2)
        assert found["count"] == 3 and [p["name"] for p in found["results"]] == ["sthj-air"]
        found = ckan.action.package_search(fq="tags:个体工商户 res_format:CSV")
        assert [p["name"] for p in found["results"]] == ["scjg-gtgsh"]

        package = ckan.action.package_show(id="scjg-gtgsh")
        assert package["organization"]["title"] == "县市场监管局"
        assert ckan.action.organization_list() == ["hy-scjg", "hy-sthj"]
        assert "economy" in ckan.action.group_list()
        assert ckan.action.group_show(id="economy")["package_count"] == 1
        assert "公交" in ckan.action.tag_list()

        csv_resource = next(r for r in package["resources"] if r["format"] == "CSV")
        resource = ckan.action.resource_show(id=csv_resource["id"])
        assert resource["url"] == site + "/dataset/scjg-gtgsh/download.csv"
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="scjg-closed")
        with pytest.raises(ckanapi.ValidationError) as error:
            ckan.action.package_search(sort="colour asc")
        assert error.value.error_dict["sort"]

    download = requests.get(resource["url"], timeout=10, allow_redirects=False)
    assert download.status_code == 200
    text = download.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["holder"] for r in rows] == ["张**", "李*"]
    assert rows[0]["id_number"] == "330424********1234"
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("path", ["api/action", "api/3/action"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_no_redirects_for_get_or_post(site, path, slash):
    url = f"{site}/{path}/package_show{slash}"
    got = requests.get(url, params={"id": "sthj-air"}, timeout=10, allow_redirects=False)
    posted = requests.post(url, json={"id": "sthj-air"}, timeout=10, allow_redirects=False)
    for response in (got, posted):
        assert response.status_code == 200, (response.status_code, response.headers)
        assert response.json()["result"]["name"] == "sthj-air"


def test_ckanapi_command_line(site):
    ckanapi_cli = Path(sys.executable).parent / "ckanapi"
    result = subprocess.run(
        [str(ckanapi_cli), "action", "package_list", "-r", site],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["jt-bus", "scjg-gtgsh", "sthj-air"]

    result = subprocess.run(
        [str(ckanapi_cli), "action", "package_show", "id=sthj-air", "-r", site],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "空气质量监测数据"
