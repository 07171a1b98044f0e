"""Downloads in CSV, JSON and XLSX: every field masked by its rule, counted per format."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from onetrip.opendata.models import DownloadCount

from .conftest import SECRETS

pytestmark = pytest.mark.django_db

URL = "/opendata/dataset/scjg-gtgsh/download.{}"


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response) if hasattr(response, "__iter__") else response.content


def test_csv_is_streamed_and_masked(client, catalogue):
    response = client.get(URL.format("csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="scjg-gtgsh.csv"' in response["Content-Disposition"]
    text = body_of(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {
        "shop": "海盐老街茶馆",
        "holder": "张**",
        "id_number": "330424********1234",
        "phone": "138****5678",
        "address": "浙江省嘉兴市****",
        "registered_on": "2019",
    }
    assert rows[1]["id_number"] == "330424********567X"
    for secret in SECRETS:
        assert secret not in text


def test_json_is_masked(client, catalogue):
    response = client.get(URL.format("json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    text = body_of(response).decode()
    rows = json.loads(text)
    assert [r["holder"] for r in rows] == ["张**", "李*"]
    assert rows[1]["phone"] == "139****5432"
    for secret in SECRETS:
        assert secret not in text


def test_xlsx_is_masked(client, catalogue):
    response = client.get(URL.format("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body_of(response))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["字号名称", "经营者"]  # labels, then field names
    assert values[1][:3] == ["shop", "holder", "id_number"]
    assert values[2] == [
        "海盐老街茶馆",
        "张**",
        "330424********1234",
        "138****5678",
        "浙江省嘉兴市****",
        "2019",
    ]
    flat = " ".join(str(v) for row in values for v in row)
    for secret in SECRETS:
        assert secret not in flat


def test_a_field_without_a_rule_is_not_shown_in_clear(client, catalogue):
    from onetrip.datasets.models import DatasetRecord

    # A value the record holds but no field declares is left out entirely.
    DatasetRecord.objects.create(
        dataset=catalogue["shops"], data={"shop": "新店", "holder": "王五", "secret": "不公开"}
    )
    text = body_of(client.get(URL.format("json"))).decode()
    assert "不公开" not in text and "王五" not in text
    assert "王*" in text


def test_download_counts_per_format(client, catalogue):
    for fmt, times in (("csv", 2), ("json", 1), ("xlsx", 3)):
        for _ in range(times):
            body_of(client.get(URL.format(fmt)))
    counts = dict(
        DownloadCount.objects.filter(open_dataset__name="scjg-gtgsh").values_list("format", "count")
    )
    assert counts == {"csv": 2, "json": 1, "xlsx": 3}
    page = client.get("/opendata/dataset/scjg-gtgsh/").content.decode()
    assert 'data-testid="od-count-xlsx">3' in page.replace("\n", "").replace("  ", "") or (
        "3" in page.split('data-testid="od-count-xlsx"')[1][:40]
    )


def test_unknown_format_and_unpublished_datasets_are_404(client, catalogue):
    assert client.get(URL.format("pdf")).status_code == 404
    assert client.get("/opendata/dataset/scjg-closed/download.csv").status_code == 404
    assert client.get("/opendata/dataset/scjg-closed/").status_code == 404
    assert not DownloadCount.objects.exists()
