"""package_search over what the sync stores: the stored package JSON, the tags and groups in
OpenLabel, the n-gram text index, the catalogue version and the answers cached under it. Each
answer must be what the catalogue says at the time of the request."""

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from onetrip.datasets.models import Dataset, OpeningClass
from onetrip.opendata import answers, packages, selectors, services, textindex
from onetrip.opendata.models import OpenDataset, OpenLabel, OpenPackage, PortalState

from .conftest import make_dataset

pytestmark = pytest.mark.django_db

SEARCH = "/opendata/api/3/action/package_search"


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()["result"]


def names(client, **params):
    result = search(client, **params)
    return result["count"], sorted(p["name"] for p in result["results"])


def search_texts() -> dict[str, str]:
    """Each public dataset's lowercase search text, as the sync makes it."""
    return {
        row.name: packages.copied(row.dataset)[3]
        for row in selectors.public_datasets().order_by("name")
    }


# --- free text: exactly the substring test --------------------------------------------------


ALPHABET = "ab空气质量 -"


@pytest.fixture
def strings_catalogue(department_factory):
    """Datasets whose texts are made of few characters, so that words often occur in part
    (all their pairs present, but not one after the other)."""
    owner = department_factory(code="HY-TEST", name="测试局")
    texts = [
        "空气质量",
        "空气 质量",
        "质量空气",
        "气质",
        "ab ba",
        "aba",
        "abab-ab",
        "空气质量空气",
        "b",
        "a a a",
    ]
    for n, text in enumerate(texts):
        make_dataset(owner, f"T-{n:02d}", text, description=text[::-1])
    services.opendata_sync()


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.text(alphabet=ALPHABET, min_size=1, max_size=6))
def test_text_matches_exactly_the_datasets_that_contain_the_word(strings_catalogue, word):
    texts = search_texts()
    expected = sorted(name for name, text in texts.items() if word.lower() in text)
    # fq=text:"…" takes the word as it is (spaces too); q splits it into words.
    count, ids = selectors.package_search_ids(fq=f'text:"{word}"', rows=1000)
    assert count == len(expected)
    found = OpenDataset.objects.filter(id__in=ids).values_list("name", flat=True)
    assert sorted(found) == expected
    words = word.split()
    if words:
        expected_q = [n for n, t in texts.items() if all(w.lower() in t for w in words)]
        assert selectors.package_search_ids(q=word, rows=0)[0] == len(expected_q)


def test_free_text_in_any_case_and_script(client, catalogue):
    assert names(client, q="SCJG-GTGSH") == (1, ["scjg-gtgsh"])  # the code, upper case
    assert names(client, q="gtgsh")[1] == ["scjg-gtgsh"]
    assert names(client, q="工商户")[1] == ["scjg-gtgsh"]  # inside 个体工商户
    assert names(client, q="气")[1] == ["sthj-air"]  # one character
    assert names(client, q="空气 监测")[1] == ["sthj-air"]  # every word
    assert names(client, q="空气 公交")[0] == 0
    assert names(client, q="hy-scjg")[1] == ["jt-bus", "scjg-gtgsh"]  # the organization
    assert names(client, q="health")[1] == ["sthj-air"]  # a group
    assert names(client, fq="-text:空气", sort="name asc")[1] == ["jt-bus", "scjg-gtgsh"]
    assert names(client, q="气监")[0] == 0  # both pairs' characters, not one after the other


# --- tags, groups, organizations --------------------------------------------------------------


def test_tags_and_groups_follow_the_catalogue(client, catalogue):
    assert names(client, fq="tags:空气")[1] == ["sthj-air"]
    assert names(client, fq="groups:environment")[1] == ["sthj-air"]
    assert names(client, fq="groups:生态环境")[1] == ["sthj-air"]  # a theme's Chinese name
    assert names(client, fq="tags:空")[0] == 0  # a tag is matched whole

    air = catalogue["air"]
    air.keywords = "大气,监测"
    air.themes = ["health"]
    air.save()
    assert names(client, fq="tags:空气")[0] == 0
    assert names(client, fq="tags:大气")[1] == ["sthj-air"]
    assert names(client, fq="groups:environment")[0] == 0
    assert "大气" in client.get("/opendata/api/3/action/tag_list").json()["result"]

    air.opening_class = OpeningClass.CLOSED
    air.save()
    assert names(client, fq="tags:大气")[0] == 0
    assert names(client, q="空气")[0] == 0
    tags = client.get("/opendata/api/3/action/tag_list").json()["result"]
    assert "大气" not in tags and "监测" not in tags
    # Tags, groups and index entries exist only for public datasets.
    row = OpenDataset.objects.get(name="sthj-air")
    assert not OpenLabel.objects.filter(open_dataset=row).exists()

    air.opening_class = OpeningClass.OPEN
    air.save()
    assert names(client, fq="tags:大气")[1] == ["sthj-air"]
    assert names(client, q="空气")[1] == ["sthj-air"]


def test_organization_by_name_or_department_code(client, catalogue):
    assert names(client, fq="organization:hy-scjg")[0] == 2
    assert names(client, fq="organization:HY-SCJG")[0] == 2  # the department's code
    assert names(client, fq="owner_org:hy-sthj")[1] == ["sthj-air"]
    assert names(client, fq="-organization:hy-scjg")[1] == ["sthj-air"]


# --- the stored package JSON ------------------------------------------------------------------


def test_package_text_round_trips_any_content(client, catalogue):
    tricky = 'a "url": "x\\y" \x01\x02 </script> 😀 \u2028 end'
    shops = catalogue["shops"]
    shops.description = tricky
    shops.legal_basis = '"url": "'
    shops.save()
    result = search(client, q="scjg-gtgsh")
    (package,) = result["results"]
    assert package["notes"] == tricky
    assert package["extras"][2] == {"key": "legal_basis", "value": '"url": "'}
    assert package["url"] == "http://testserver/opendata/dataset/scjg-gtgsh/"
    assert [r["url"] for r in package["resources"]] == [
        f"http://testserver/opendata/dataset/scjg-gtgsh/download.{fmt}"
        for fmt in ("csv", "json", "xlsx")
    ]
    shown = client.get("/opendata/api/3/action/package_show", {"id": "scjg-gtgsh"}).json()
    assert shown["result"] == package


def test_addresses_follow_the_request(client, catalogue):
    response = client.get(SEARCH, {"q": "jt-bus"}, secure=True, HTTP_HOST="localhost:8443")
    (package,) = response.json()["result"]["results"]
    assert package["url"] == "https://localhost:8443/opendata/dataset/jt-bus/"
    assert package["resources"][0]["url"] == (
        "https://localhost:8443/opendata/dataset/jt-bus/download.csv"
    )
    assert b"\x01" not in response.content


def test_department_rename_reaches_the_packages(client, catalogue):
    market = catalogue["market"]
    market.name = "县市场监督管理局"
    market.save()  # the datasets themselves are unchanged
    (package,) = search(client, q="jt-bus")["results"]
    assert package["author"] == "县市场监督管理局"
    assert package["organization"]["title"] == "县市场监督管理局"


def test_rows_without_stored_json_are_answered_and_then_stored(client, catalogue, settings):
    expected = search(client, sort="name asc")
    # As after the upgrade that brought OpenPackage: rows published, no JSON stored yet.
    OpenPackage.objects.all().delete()
    settings.ONETRIP_OPENDATA_SYNC_SECONDS = 30
    cache.set(services.SYNC_CACHE_KEY, 1, 30)
    answers.searches.clear()
    assert search(client, sort="name asc") == expected
    shown = client.get("/opendata/api/3/action/package_show", {"id": "jt-bus"}).json()
    assert shown["result"]["name"] == "jt-bus"
    assert services.opendata_sync()["refreshed"] == 3
    assert OpenPackage.objects.count() == 3


# --- the catalogue version and the answers cached under it ------------------------------------


def test_catalogue_version_changes_with_every_change_and_only_then(catalogue):
    assert selectors.catalogue_stamp() is None
    services.opendata_sync()
    first = selectors.catalogue_stamp()
    assert first
    services.opendata_sync()  # nothing changed
    assert selectors.catalogue_stamp() == first

    air = catalogue["air"]
    air.description = "新的描述"
    air.save()
    services.opendata_sync()
    second = selectors.catalogue_stamp()
    assert second != first

    row = OpenDataset.objects.get(name="sthj-air")
    Dataset.objects.filter(pk=air.pk).delete()  # the published row goes with it
    assert selectors.catalogue_stamp() != second
    assert not OpenDataset.objects.filter(pk=row.pk).exists()
    assert selectors.package_search_ids(q="空气", rows=10) == (0, [])
    assert row.pk not in _indexed_ids()


def _indexed_ids() -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {textindex.TEXTS}")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def test_cached_answers_are_replaced_by_any_change(client, catalogue, settings):
    settings.ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS = 600
    first = search(client, q="空气")
    assert [p["title"] for p in first["results"]] == ["空气质量监测数据"]
    assert search(client, q="空气") == first

    air = catalogue["air"]
    air.name = "环境空气质量"
    air.save()
    assert [p["title"] for p in search(client, q="空气")["results"]] == ["环境空气质量"]

    make_dataset(catalogue["market"], "SCJG-AIR", "室内空气抽检", keywords="空气")
    assert search(client, q="空气")["count"] == 2
    assert search(client, fq="tags:空气")["count"] == 2

    Dataset.objects.filter(code="SCJG-AIR").delete()
    assert search(client, q="空气")["count"] == 1
    assert search(client, fq="tags:空气")["count"] == 1


def test_a_repeated_search_is_one_query(client, catalogue, settings, django_assert_max_num_queries):
    settings.ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS = 600
    services.opendata_sync()
    settings.ONETRIP_OPENDATA_SYNC_SECONDS = 30
    cache.set(services.SYNC_CACHE_KEY, 1, 30)
    first = client.get(SEARCH, {"fq": "groups:health", "rows": 5})
    with django_assert_max_num_queries(1):  # the catalogue version
        again = client.get(SEARCH, {"fq": "groups:health", "rows": 5})
    assert again.content == first.content
    assert json.loads(again.content)["result"]["count"] == 1


def test_answer_cache_keeps_to_its_size():
    kept = answers.AnswerCache(max_bytes=10)
    kept.put("a", b"12345", 60)
    kept.put("b", b"12345", 60)
    assert kept.get("a") == b"12345"  # a is now the most recently used
    kept.put("c", b"123", 60)
    assert kept.get("b") is None and kept.get("a") == b"12345" and kept.get("c") == b"123"
    kept.put("d", b"x", -1)  # already expired
    assert kept.get("d") is None
    kept.put("big", b"x" * (answers.ENTRY_BYTES + 1), 60)
    assert kept.get("big") is None


def test_portal_state_is_one_row(catalogue):
    services.opendata_sync()
    services.portal_changed()
    assert PortalState.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_large_sync_renews_postgresql_statistics(catalogue, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans without statistics")
    monkeypatch.setattr(services, "VACUUM_AFTER", 3)
    services.opendata_sync()  # publishes the three open datasets, then VACUUM (ANALYZE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'opendata_opendataset'"
        )
        assert cursor.fetchone() == (True,)


def test_text_index_rebuild_gives_the_same_answers(catalogue):
    services.opendata_sync()
    words = ["空气", "工商户", "气", "hy-scjg", "公交线路", "zz"]
    before = {word: selectors.package_search_ids(q=word, rows=10) for word in words}
    textindex.rebuild()
    assert {word: selectors.package_search_ids(q=word, rows=10) for word in words} == before
    assert before["空气"][0] == 1 and before["zz"][0] == 0
