"""An open-data catalogue of our own: two departments, open datasets with records (some with
personal fields that must come out masked), and datasets that must stay unpublished."""

import pytest

from onetrip.datasets.models import (
    Dataset,
    DatasetField,
    DatasetRecord,
    MaskingRule,
    OpeningClass,
)

PEOPLE = [
    {
        "shop": "海盐老街茶馆",
        "holder": "张三丰",
        "id_number": "330424199001011234",
        "phone": "13812345678",
        "address": "浙江省嘉兴市海盐县武原街道向阳路8号",
        "registered_on": "2019-05-12",
    },
    {
        "shop": "南北湖民宿",
        "holder": "李四",
        "id_number": "33042419850202567X",
        "phone": "13998765432",
        "address": "浙江省嘉兴市海盐县澉浦镇南北湖路1号",
        "registered_on": "2021-11-03",
    },
]
# What must never appear in any published download.
SECRETS = ["张三丰", "330424199001011234", "13812345678", "向阳路8号", "2019-05-12", "13998765432"]


@pytest.fixture(autouse=True)
def sync_every_request(settings):
    settings.ONETRIP_OPENDATA_SYNC_SECONDS = 0


def make_dataset(owner, code, name, *, opening=OpeningClass.OPEN, active=True, **extra):
    return Dataset.objects.create(
        code=code,
        name=name,
        owner=owner,
        opening_class=opening,
        is_active=active,
        **extra,
    )


@pytest.fixture
def catalogue(department_factory):
    market = department_factory(code="HY-SCJG", name="县市场监管局")
    market.phone = "0573-86012345"
    market.save()
    environment = department_factory(code="HY-STHJ", name="嘉兴市生态环境局海盐分局")

    shops = make_dataset(
        market,
        "SCJG-GTGSH",
        "个体工商户登记信息",
        description="全县个体工商户的登记信息（已脱敏）。",
        update_cycle="monthly",
        keywords="个体工商户,市场主体",
        themes=["economy"],
        legal_basis="《政府信息公开条例》",
    )
    rules = [
        ("shop", "字号名称", MaskingRule.NONE),
        ("holder", "经营者", MaskingRule.NAME),
        ("id_number", "身份证号", MaskingRule.ID_NUMBER),
        ("phone", "联系电话", MaskingRule.PHONE),
        ("address", "经营场所", MaskingRule.ADDRESS),
        ("registered_on", "登记日期", MaskingRule.DATE_YEAR),
    ]
    for position, (name, label, rule) in enumerate(rules):
        DatasetField.objects.create(
            dataset=shops, position=position, name=name, label=label, masking_rule=rule
        )
    for row in PEOPLE:
        DatasetRecord.objects.create(dataset=shops, key=row["id_number"], data=row)

    air = make_dataset(
        environment,
        "STHJ-AIR",
        "空气质量监测数据",
        description="各监测站点每日空气质量。",
        update_cycle="daily",
        keywords="空气,监测",
        themes=["environment", "health"],
    )
    DatasetField.objects.create(dataset=air, position=0, name="station", label="站点")
    DatasetField.objects.create(
        dataset=air, position=1, name="aqi", label="AQI", field_type="integer"
    )
    for station, aqi in [("武原", 42), ("澉浦", 55)]:
        DatasetRecord.objects.create(dataset=air, data={"station": station, "aqi": aqi})

    bus = make_dataset(
        market,
        "JT-BUS",
        "公交线路",
        description="公交线路与站点。",
        keywords="公交,交通",
        themes=["transport"],
        update_cycle="yearly",
    )
    hidden = [
        make_dataset(market, "SCJG-COND", "有条件开放数据", opening=OpeningClass.CONDITIONAL),
        make_dataset(market, "SCJG-CLOSED", "不予开放数据", opening=OpeningClass.CLOSED),
        make_dataset(market, "SCJG-OLD", "停用的开放数据", active=False),
    ]
    return {"shops": shops, "air": air, "bus": bus, "hidden": hidden, "market": market}
