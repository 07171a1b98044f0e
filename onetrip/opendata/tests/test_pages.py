"""The public pages: list with search and filters, a dataset's page, in a phone browser with
axe; and the same pages through the test client."""

import pytest

from onetrip.conftest import assert_accessible, screenshot


@pytest.mark.django_db
def test_list_filters_by_search_department_theme_keyword(client, catalogue):
    def titles(**params):
        html = client.get("/opendata/", params).content.decode()
        return [t for t in ("个体工商户登记信息", "空气质量监测数据", "公交线路") if t in html]

    assert titles() == ["个体工商户登记信息", "空气质量监测数据", "公交线路"]
    assert titles(q="空气") == ["空气质量监测数据"]
    assert titles(organization="hy-scjg") == ["个体工商户登记信息", "公交线路"]
    assert titles(group="health") == ["空气质量监测数据"]
    assert titles(tag="公交") == ["公交线路"]
    html = client.get("/opendata/").content.decode()
    assert "有条件开放数据" not in html and "不予开放数据" not in html
    assert client.get("/opendata/", {"q": 'x:"y', "page": "nope"}).status_code == 200


@pytest.mark.django_db
def test_dataset_page_shows_fields_with_their_masking(client, catalogue):
    response = client.get("/opendata/dataset/scjg-gtgsh/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("县市场监管局", "全县个体工商户", "身份证号", "id_number", "download.csv"):
        assert text in html
    assert html.count('data-testid="od-field"') == 6
    # Every masked field says so.
    assert html.count('class="masked"') == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_portal_pages_on_a_phone_are_accessible(phone_page, catalogue):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="数据开放").or_(
        page.get_by_role("link", name="Open data")
    ).first.click()
    page.wait_for_url("**/opendata/")
    assert page.locator('[data-testid="od-item"]').count() == 3
    assert_accessible(page)
    screenshot(page, "opendata-list-phone")

    page.fill('[data-testid="od-q"]', "工商户")
    page.click('[data-testid="od-search"]')
    page.wait_for_url("**q=**")
    assert page.locator('[data-testid="od-item"]').count() == 1
    page.locator('[data-testid="od-item"] a').first.click()
    page.wait_for_url("**/dataset/scjg-gtgsh/")
    assert page.locator('[data-testid="od-field"]').count() == 6
    assert_accessible(page)

    with page.expect_download() as info:
        page.click('[data-testid="od-download-csv"]')
    content = open(info.value.path(), encoding="utf-8-sig").read()
    assert "张**" in content and "张三丰" not in content
    page.reload()
    assert "1" in page.locator('[data-testid="od-count-csv"]').inner_text()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "opendata-detail-phone")
