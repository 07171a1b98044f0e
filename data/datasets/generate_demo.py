# ruff: noqa: E501 - a data generator: long literal rows read better on one line
"""Writes data/datasets/330424.json: the DEMO data catalogue of 海盐县 (invented, for the demo
county only). Deterministic: run `python data/datasets/generate_demo.py` to rebuild the file.
Names of places, firms and figures are made up; coordinates scatter around 武原街道
(about 120.94E, 30.52N)."""

import datetime
import json
import random
from pathlib import Path

rng = random.Random(330424)
TOWNS = [
    "武原街道",
    "西塘桥街道",
    "秦山街道",
    "望海街道",
    "沈荡镇",
    "百步镇",
    "于城镇",
    "澉浦镇",
    "通元镇",
]
ROADS = [
    "海滨东路",
    "城北路",
    "枣园路",
    "勤俭路",
    "新桥北路",
    "朝阳东路",
    "华星路",
    "盐湖路",
    "长安路",
    "天宁路",
    "百尺北路",
    "武原大道",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗沈顾钱"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕"


def lonlat():
    return round(120.94 + rng.uniform(-0.06, 0.06), 6), round(30.52 + rng.uniform(-0.05, 0.05), 6)


def address():
    return f"海盐县{rng.choice(TOWNS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def person():
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone():
    return f"0573-8{rng.randint(1000000, 9999999)}"


def day(start: datetime.date, spread: int) -> str:
    return (start + datetime.timedelta(days=rng.randint(0, spread))).isoformat()


def f(name, label, type_="string", sensitivity=1, mask="none"):
    return {
        "name": name,
        "label": label,
        "field_type": type_,
        "sensitivity": sensitivity,
        "masking_rule": mask,
    }


def uscc(n):
    return f"91330424MA{n:07d}X"[:18]


def dataset(
    code,
    name,
    owner,
    fields,
    *,
    key,
    sharing="free",
    opening="open",
    cycle="monthly",
    source="records",
    themes=(),
    keywords="",
    description="",
    basis="",
    records=None,
):
    entry = {
        "code": code,
        "name": name,
        "owner": owner,
        "description": description or name,
        "update_cycle": cycle,
        "sharing_class": sharing,
        "opening_class": opening,
        "legal_basis": basis or "《浙江省公共数据条例》",
        "source": source,
        "key_field": key,
        "keywords": keywords,
        "themes": list(themes),
        "fields": fields,
    }
    if records is not None:
        entry["records"] = records
    return entry


LOC = [f("lon", "经度", "decimal"), f("lat", "纬度", "decimal")]
datasets = [
    dataset(
        "POP-BASE",
        "人口综合库",
        "县公安局",
        [
            f("id_number", "公民身份号码", "string", 4, "id_number"),
            f("name", "姓名", "string", 3, "name"),
            f("gender", "性别", "string", 2),
            f("birth_date", "出生日期", "date", 3, "date_year"),
            f("household_region", "户籍地区划", "string", 2),
            f("address", "住址", "string", 3, "address"),
            f("phone", "联系电话", "string", 4, "phone"),
        ],
        key="id_number",
        sharing="on_approval",
        opening="closed",
        cycle="realtime",
        source="population",
        themes=["人口", "基础数据库"],
        keywords="人口 户籍 身份证",
        description="全县户籍和常住人口基础信息（人口综合库）。",
        basis="《中华人民共和国居民身份证法》；《浙江省公共数据条例》",
    ),
    dataset(
        "ENT-BASE",
        "法人综合库",
        "县市场监管局",
        [
            f("uscc", "统一社会信用代码", "string", 1),
            f("name", "名称", "string", 1),
            f("entity_type", "市场主体类型", "string", 1),
            f("legal_representative", "法定代表人", "string", 2, "name"),
            f("registered_capital", "注册资本（万元）", "decimal", 1),
            f("address", "住所", "string", 1),
            f("status", "登记状态", "string", 1),
            f("established_on", "成立日期", "date", 1),
        ],
        key="uscc",
        sharing="on_approval",
        opening="open",
        cycle="realtime",
        source="entities",
        themes=["法人", "基础数据库", "市场监管"],
        keywords="企业 法人 统一社会信用代码",
        description="全县市场主体登记信息（法人综合库）。",
        basis="《企业信息公示暂行条例》",
    ),
    dataset(
        "CREDIT-BASE",
        "公共信用信息库",
        "县发改局",
        [
            f("subject_type", "主体类型", "string", 1),
            f("subject_id", "主体标识（身份证号或统一社会信用代码）", "string", 4, "id_number"),
            f("grade", "信用等级", "string", 2),
            f("good_records", "有效守信记录数", "integer", 2),
            f("bad_records", "有效失信记录数", "integer", 2),
            f("red_listed", "是否列入红名单", "boolean", 2),
            f("black_listed", "是否列入黑名单", "boolean", 2),
            f("treatment", "分级监管措施", "string", 2),
        ],
        key="subject_id",
        sharing="on_approval",
        opening="closed",
        cycle="daily",
        source="credit",
        themes=["信用", "基础数据库"],
        keywords="信用 红名单 黑名单 联合惩戒",
        description="自然人和法人的公共信用信息、信用等级及红黑名单。",
        basis="《浙江省公共信用信息管理条例》",
    ),
]

toilets = [
    {
        "id": f"GC{n:04d}",
        "name": f"{rng.choice(ROADS)}公厕{n}",
        "address": address(),
        "level": rng.choice(["一类", "二类", "三类"]),
        "open_hours": rng.choice(["全天", "06:00-22:00"]),
        "accessible": rng.random() < 0.6,
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 161)
]
datasets.append(
    dataset(
        "PUB-TOILET",
        "公共厕所分布",
        "县综合执法局",
        [
            f("id", "编号"),
            f("name", "名称"),
            f("address", "地址"),
            f("level", "等级"),
            f("open_hours", "开放时间"),
            f("accessible", "无障碍设施", "boolean"),
            *LOC,
        ],
        key="id",
        themes=["城市管理", "生活服务"],
        keywords="公厕 厕所 便民",
        records=toilets,
    )
)
parking = [
    {
        "id": f"TC{n:04d}",
        "name": f"{rng.choice(ROADS)}{rng.choice(['地面', '地下', '立体'])}停车场",
        "address": address(),
        "spaces": rng.randint(20, 600),
        "charging_spaces": rng.randint(0, 40),
        "fee": rng.choice(["免费", "首小时免费，之后2元/小时", "3元/小时"]),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 121)
]
datasets.append(
    dataset(
        "PUB-PARKING",
        "公共停车场",
        "县住建局",
        [
            f("id", "编号"),
            f("name", "名称"),
            f("address", "地址"),
            f("spaces", "泊位数", "integer"),
            f("charging_spaces", "充电泊位数", "integer"),
            f("fee", "收费标准"),
            *LOC,
        ],
        key="id",
        cycle="monthly",
        themes=["交通出行", "城市管理"],
        keywords="停车 泊位 充电桩",
        records=parking,
    )
)
air = []
for n in range(300):
    on = datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
    aqi = rng.randint(18, 160)
    air.append(
        {
            "date": on.isoformat(),
            "station": "海盐县城区站",
            "aqi": aqi,
            "level": "优"
            if aqi <= 50
            else "良"
            if aqi <= 100
            else "轻度污染"
            if aqi <= 150
            else "中度污染",
            "pm25": rng.randint(5, 110),
            "pm10": rng.randint(10, 150),
            "o3": rng.randint(20, 200),
            "primary_pollutant": "—" if aqi <= 50 else rng.choice(["PM2.5", "O3", "PM10"]),
        }
    )
datasets.append(
    dataset(
        "AIR-DAILY",
        "空气质量日报",
        "县生态环境分局",
        [
            f("date", "日期", "date"),
            f("station", "监测站点"),
            f("aqi", "空气质量指数", "integer"),
            f("level", "空气质量级别"),
            f("pm25", "PM2.5（μg/m³）", "integer"),
            f("pm10", "PM10（μg/m³）", "integer"),
            f("o3", "臭氧（μg/m³）", "integer"),
            f("primary_pollutant", "首要污染物"),
        ],
        key="date",
        cycle="daily",
        themes=["生态环境"],
        keywords="空气 AQI PM2.5 环境",
        records=air,
    )
)
water = []
for section in [
    "长山河海盐段",
    "盐平塘",
    "海盐塘",
    "六里塘",
    "白洋河",
    "南台头闸",
    "澉浦塘",
    "沈荡塘",
]:
    for month in range(1, 13):
        water.append(
            {
                "id": f"{section}-2025{month:02d}",
                "section": section,
                "month": f"2025-{month:02d}",
                "grade": rng.choice(["II类", "III类", "III类", "IV类"]),
                "ph": round(rng.uniform(6.8, 8.2), 2),
                "do": round(rng.uniform(4.5, 9.5), 2),
                "codmn": round(rng.uniform(2, 6), 2),
                "nh3n": round(rng.uniform(0.1, 1.2), 2),
            }
        )
datasets.append(
    dataset(
        "WATER-QUALITY",
        "地表水水质监测",
        "县生态环境分局",
        [
            f("id", "编号"),
            f("section", "断面名称"),
            f("month", "监测月份"),
            f("grade", "水质类别"),
            f("ph", "pH", "decimal"),
            f("do", "溶解氧（mg/L）", "decimal"),
            f("codmn", "高锰酸盐指数（mg/L）", "decimal"),
            f("nh3n", "氨氮（mg/L）", "decimal"),
        ],
        key="id",
        themes=["生态环境", "水利"],
        keywords="水质 断面 河道 五水共治",
        records=water,
    )
)
KINDS = [
    "食品经营许可",
    "药品经营许可",
    "特种设备使用登记",
    "公共场所卫生许可",
    "建设工程规划许可",
    "道路运输经营许可",
]
licences = [
    {
        "number": f"XK330424{2025}{n:05d}",
        "holder": f"海盐县{rng.choice(['鑫源', '盐都', '海韵', '天宁', '南北湖', '秦港', '金禾'])}{rng.choice(['贸易', '餐饮', '科技', '物流', '建材'])}有限公司",
        "uscc": uscc(n),
        "kind": rng.choice(KINDS),
        "decided_on": day(datetime.date(2025, 1, 1), 500),
        "valid_until": day(datetime.date(2028, 1, 1), 700),
        "authority": rng.choice(
            [
                "海盐县市场监督管理局",
                "海盐县卫生健康局",
                "海盐县交通运输局",
                "海盐县自然资源和规划局",
            ]
        ),
    }
    for n in range(1, 301)
]
datasets.append(
    dataset(
        "LIC-PUBLICITY",
        "行政许可公示",
        "县市场监管局",
        [
            f("number", "许可决定书文号"),
            f("holder", "行政相对人名称"),
            f("uscc", "统一社会信用代码"),
            f("kind", "许可类别"),
            f("decided_on", "许可决定日期", "date"),
            f("valid_until", "有效期至", "date"),
            f("authority", "许可机关"),
        ],
        key="number",
        sharing="free",
        opening="open",
        cycle="daily",
        themes=["信用", "市场监管"],
        keywords="双公示 行政许可",
        basis="《国务院办公厅关于推行“双随机、一公开”监管工作的通知》；双公示制度",
        records=licences,
    )
)
inspections = [
    {
        "task": f"SSJ2025-{n:04d}",
        "target": f"海盐县{rng.choice(['宏达', '星辰', '海盐湾', '绿野', '嘉禾'])}{rng.choice(['食品', '五金', '纺织', '餐饮'])}有限公司",
        "uscc": uscc(1000 + n),
        "item": rng.choice(
            ["食品安全抽查", "产品质量抽查", "广告行为检查", "价格行为检查", "登记事项检查"]
        ),
        "inspected_on": day(datetime.date(2025, 3, 1), 400),
        "result": rng.choice(
            ["未发现问题", "未发现问题", "未发现问题", "发现问题已责令整改", "不配合检查"]
        ),
        "department": "海盐县市场监督管理局",
    }
    for n in range(1, 221)
]
datasets.append(
    dataset(
        "RANDOM-INSPECT",
        "双随机抽查结果",
        "县市场监管局",
        [
            f("task", "抽查任务编号"),
            f("target", "检查对象"),
            f("uscc", "统一社会信用代码"),
            f("item", "检查事项"),
            f("inspected_on", "检查日期", "date"),
            f("result", "检查结果"),
            f("department", "检查机关"),
        ],
        key="task",
        cycle="monthly",
        themes=["市场监管", "信用"],
        keywords="双随机 一公开 抽查",
        records=inspections,
    )
)
stops = [
    {
        "id": f"ZD{n:04d}",
        "name": f"{rng.choice(ROADS)}{rng.choice(['站', '口站', '东站', '西站'])}",
        "routes": "、".join(
            sorted({f"{rng.randint(101, 130)}路" for _ in range(rng.randint(1, 4))})
        ),
        "shelter": rng.random() < 0.7,
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 251)
]
datasets.append(
    dataset(
        "BUS-STOP",
        "公交站点",
        "县交通运输局",
        [
            f("id", "站点编号"),
            f("name", "站点名称"),
            f("routes", "途经线路"),
            f("shelter", "有候车亭", "boolean"),
            *LOC,
        ],
        key="id",
        themes=["交通出行"],
        keywords="公交 站点 线路",
        records=stops,
    )
)
venues = [
    {
        "id": f"WH{n:03d}",
        "name": name,
        "kind": kind,
        "address": address(),
        "phone": phone(),
        "open_hours": "09:00-17:00（周一闭馆）",
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n, (name, kind) in enumerate(
        [
            ("海盐县图书馆", "图书馆"),
            ("海盐县博物馆", "博物馆"),
            ("海盐县文化馆", "文化馆"),
            ("张元济图书馆", "图书馆"),
            ("海盐县大剧院", "剧院"),
            ("海盐腔非遗展示馆", "展示馆"),
            ("澉浦镇文化站", "乡镇文化站"),
            ("沈荡镇文化站", "乡镇文化站"),
            ("百步镇文化站", "乡镇文化站"),
            ("于城镇文化站", "乡镇文化站"),
            ("通元镇文化站", "乡镇文化站"),
            ("秦山街道文化站", "乡镇文化站"),
            ("望海街道文化站", "乡镇文化站"),
            ("西塘桥街道文化站", "乡镇文化站"),
            ("武原街道文化站", "乡镇文化站"),
        ]
        + [(f"农村文化礼堂{i}", "文化礼堂") for i in range(1, 46)],
        start=1,
    )
]
datasets.append(
    dataset(
        "CULTURE-VENUE",
        "文化场馆",
        "县文化广电旅游体育局",
        [
            f("id", "编号"),
            f("name", "场馆名称"),
            f("kind", "类型"),
            f("address", "地址"),
            f("phone", "联系电话"),
            f("open_hours", "开放时间"),
            *LOC,
        ],
        key="id",
        cycle="quarterly",
        themes=["文化旅游", "生活服务"],
        keywords="图书馆 博物馆 文化礼堂",
        records=venues,
    )
)
scenic = [
    {
        "id": f"JQ{n:02d}",
        "name": name,
        "grade": grade,
        "address": address(),
        "phone": phone(),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n, (name, grade) in enumerate(
        [
            ("南北湖风景区", "AAAA"),
            ("绮园", "AAA"),
            ("海盐县核电科技馆", "AAA"),
            ("澉浦古镇", "AAA"),
            ("六里山", "AA"),
            ("鱼鳞海塘", "AAA"),
            ("白洋河湿地", "AA"),
            ("秦山景区", "AAA"),
            ("天宁寺", "AA"),
            ("通元农业园", "AA"),
            ("百步农创园", "AA"),
            ("沈荡酿酒文化园", "AAA"),
        ],
        start=1,
    )
]
datasets.append(
    dataset(
        "SCENIC-A",
        "A级景区",
        "县文化广电旅游体育局",
        [
            f("id", "编号"),
            f("name", "景区名称"),
            f("grade", "等级"),
            f("address", "地址"),
            f("phone", "咨询电话"),
            *LOC,
        ],
        key="id",
        cycle="yearly",
        themes=["文化旅游"],
        keywords="景区 旅游 南北湖",
        records=scenic,
    )
)
medical = [
    {
        "id": f"YL{n:04d}",
        "name": (
            f"海盐县{rng.choice(TOWNS)}社区卫生服务{'中心' if n < 12 else '站'}{n}"
            if n < 60
            else f"{rng.choice(SURNAMES)}氏诊所{n}"
        ),
        "kind": (
            "社区卫生服务中心"
            if n < 12
            else "社区卫生服务站"
            if n < 60
            else rng.choice(["诊所", "门诊部", "村卫生室"])
        ),
        "address": address(),
        "phone": phone(),
        "insurance": rng.random() < 0.8,
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 151)
]
medical[:3] = [
    {**medical[i], "name": name, "kind": "医院"}
    for i, name in enumerate(["海盐县人民医院", "海盐县中医院", "海盐县妇幼保健院"])
]
datasets.append(
    dataset(
        "MED-INST",
        "医疗机构名录",
        "县卫生健康局",
        [
            f("id", "编号"),
            f("name", "机构名称"),
            f("kind", "机构类别"),
            f("address", "地址"),
            f("phone", "联系电话"),
            f("insurance", "医保定点", "boolean"),
            *LOC,
        ],
        key="id",
        cycle="quarterly",
        themes=["医疗卫生"],
        keywords="医院 卫生院 诊所 医保定点",
        records=medical,
    )
)
schools = [
    {
        "id": f"XX{n:03d}",
        "name": f"海盐县{rng.choice(TOWNS)}{'中心' if n % 3 == 0 else '第' + str(n)}{kind}",
        "kind": kind,
        "public": rng.random() < 0.85,
        "address": address(),
        "phone": phone(),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n, kind in enumerate(
        ["幼儿园"] * 28 + ["小学"] * 18 + ["初级中学"] * 10 + ["高级中学"] * 4, start=1
    )
]
datasets.append(
    dataset(
        "SCHOOL-LIST",
        "学校名录",
        "县教育局",
        [
            f("id", "编号"),
            f("name", "学校名称"),
            f("kind", "学段"),
            f("public", "公办", "boolean"),
            f("address", "地址"),
            f("phone", "联系电话"),
            *LOC,
        ],
        key="id",
        cycle="yearly",
        themes=["教育"],
        keywords="学校 幼儿园 小学 中学 招生",
        records=schools,
    )
)
elderly = [
    {
        "id": f"YY{n:03d}",
        "name": f"海盐县{rng.choice(TOWNS)}{rng.choice(['颐养院', '敬老院', '居家养老服务照料中心'])}{n}",
        "beds": rng.randint(20, 300),
        "nursing_beds": rng.randint(0, 120),
        "public": rng.random() < 0.6,
        "address": address(),
        "phone": phone(),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 41)
]
datasets.append(
    dataset(
        "ELDERLY-CARE",
        "养老机构",
        "县民政局",
        [
            f("id", "编号"),
            f("name", "机构名称"),
            f("beds", "床位数", "integer"),
            f("nursing_beds", "护理型床位数", "integer"),
            f("public", "公办", "boolean"),
            f("address", "地址"),
            f("phone", "联系电话"),
            *LOC,
        ],
        key="id",
        cycle="quarterly",
        themes=["社会保障", "民政"],
        keywords="养老 敬老院 床位",
        records=elderly,
    )
)
shelters = [
    {
        "id": f"BN{n:03d}",
        "name": f"{rng.choice(ROADS)}应急避难场所{n}",
        "kind": rng.choice(["室内", "室外", "综合"]),
        "capacity": rng.randint(200, 5000),
        "address": address(),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 46)
]
datasets.append(
    dataset(
        "SHELTER",
        "应急避难场所",
        "县应急管理局",
        [
            f("id", "编号"),
            f("name", "名称"),
            f("kind", "类型"),
            f("capacity", "可容纳人数", "integer"),
            f("address", "地址"),
            *LOC,
        ],
        key="id",
        cycle="yearly",
        themes=["应急管理"],
        keywords="避难 应急 防台",
        records=shelters,
    )
)
stations = [
    {
        "id": f"SY{n:03d}",
        "name": f"{rng.choice(['长山河', '盐平塘', '海盐塘', '白洋河', '六里塘'])}{rng.choice(['水位站', '雨量站', '水文站'])}{n}",
        "kind": rng.choice(["水位", "雨量", "水位雨量"]),
        "warning_level_m": round(rng.uniform(2.2, 3.4), 2),
        **dict(zip(("lon", "lat"), lonlat(), strict=True)),
    }
    for n in range(1, 61)
]
datasets.append(
    dataset(
        "WATER-STATION",
        "水雨情监测站点",
        "县水利局",
        [
            f("id", "站点编号"),
            f("name", "站点名称"),
            f("kind", "监测类型"),
            f("warning_level_m", "警戒水位（米）", "decimal"),
            *LOC,
        ],
        key="id",
        cycle="yearly",
        themes=["水利", "应急管理"],
        keywords="水位 雨量 防汛",
        records=stations,
    )
)
drug = [
    {
        "id": f"YP{n:04d}",
        "name": f"海盐{rng.choice(['康佳', '百姓', '仁和', '民生', '惠民'])}大药房{rng.choice(TOWNS)}店{n}",
        "licence": f"浙CB573{n:04d}",
        "uscc": uscc(3000 + n),
        "address": address(),
        "insurance": rng.random() < 0.7,
        "valid_until": day(datetime.date(2026, 6, 1), 1500),
    }
    for n in range(1, 91)
]
datasets.append(
    dataset(
        "DRUG-RETAIL",
        "药品零售企业",
        "县市场监管局",
        [
            f("id", "编号"),
            f("name", "企业名称"),
            f("licence", "药品经营许可证号"),
            f("uscc", "统一社会信用代码"),
            f("address", "经营地址"),
            f("insurance", "医保定点", "boolean"),
            f("valid_until", "许可证有效期至", "date"),
        ],
        key="id",
        sharing="free",
        opening="conditional",
        themes=["市场监管", "医疗卫生"],
        keywords="药店 药品 许可证",
        records=drug,
    )
)
coops = [
    {
        "id": f"HZS{n:03d}",
        "name": f"海盐县{rng.choice(TOWNS)}{rng.choice(['蔬菜', '葡萄', '水产', '粮油', '花卉', '生猪'])}专业合作社{n}",
        "uscc": f"93330424MA{n:07d}"[:18],
        "members": rng.randint(5, 300),
        "leader": person(),
        "leader_phone": f"13{rng.randint(100000000, 999999999)}",
    }
    for n in range(1, 81)
]
datasets.append(
    dataset(
        "AGRI-COOP",
        "农民专业合作社",
        "县农业农村局",
        [
            f("id", "编号"),
            f("name", "合作社名称"),
            f("uscc", "统一社会信用代码"),
            f("members", "成员数", "integer"),
            f("leader", "负责人", "string", 3, "name"),
            f("leader_phone", "负责人手机", "string", 4, "phone"),
        ],
        key="id",
        sharing="on_approval",
        opening="conditional",
        cycle="quarterly",
        themes=["农业农村"],
        keywords="合作社 农业",
        records=coops,
    )
)
# Personal datasets: rows arrive from the departments' systems through the exchange; the demo
# catalogue lists them without rows.
for code, name, owner, fields, key, sharing, themes, keywords in [
    (
        "SOCIAL-INSURANCE",
        "社会保险参保信息",
        "县人力社保局",
        [
            f("id_number", "公民身份号码", "string", 4, "id_number"),
            f("name", "姓名", "string", 3, "name"),
            f("insurance_kind", "险种"),
            f("status", "参保状态"),
            f("since", "参保日期", "date", 2),
        ],
        "id_number",
        "on_approval",
        ["社会保障"],
        "社保 参保 养老保险",
    ),
    (
        "MEDICAL-INSURANCE",
        "医疗保险参保信息",
        "县医保局",
        [
            f("id_number", "公民身份号码", "string", 4, "id_number"),
            f("name", "姓名", "string", 3, "name"),
            f("status", "参保状态"),
            f("category", "参保类别"),
        ],
        "id_number",
        "on_approval",
        ["社会保障", "医疗卫生"],
        "医保 参保",
    ),
    (
        "MARRIAGE",
        "婚姻登记信息",
        "县民政局",
        [
            f("id_number", "公民身份号码", "string", 4, "id_number"),
            f("name", "姓名", "string", 3, "name"),
            f("spouse_id_number", "配偶身份号码", "string", 4, "id_number"),
            f("spouse_name", "配偶姓名", "string", 3, "name"),
            f("registered_on", "登记日期", "date", 3, "date_year"),
            f("kind", "登记类型"),
        ],
        "id_number",
        "on_approval",
        ["民政"],
        "婚姻 结婚 离婚",
    ),
    (
        "REAL-ESTATE",
        "不动产登记信息",
        "县自然资源规划局",
        [
            f("certificate", "不动产权证号", "string", 3, "full"),
            f("owner_id_number", "权利人证件号码", "string", 4, "id_number"),
            f("owner_name", "权利人", "string", 3, "name"),
            f("location", "坐落", "string", 3, "address"),
            f("area", "面积（平方米）", "decimal", 3, "full"),
        ],
        "owner_id_number",
        "on_approval",
        ["自然资源"],
        "不动产 房产",
    ),
    (
        "HOUSING-SUBSIDY",
        "公共租赁住房保障对象",
        "县住建局",
        [
            f("id_number", "公民身份号码", "string", 4, "id_number"),
            f("name", "姓名", "string", 3, "name"),
            f("subsidy", "保障方式"),
        ],
        "id_number",
        "not_shared",
        ["住房保障"],
        "公租房 住房保障",
    ),
    (
        "BIRTH-MEDICAL",
        "出生医学证明信息",
        "县卫生健康局",
        [
            f("certificate", "出生医学证明编号", "string", 3, "full"),
            f("child_name", "新生儿姓名", "string", 3, "name"),
            f("mother_id_number", "母亲身份号码", "string", 4, "id_number"),
            f("born_on", "出生日期", "date", 3, "date_year"),
            f("hospital", "接生机构"),
        ],
        "mother_id_number",
        "on_approval",
        ["医疗卫生", "人口"],
        "出生 新生儿",
    ),
]:
    datasets.append(
        dataset(
            code,
            name,
            owner,
            fields,
            key=key,
            sharing=sharing,
            opening="closed",
            cycle="daily",
            themes=themes,
            keywords=keywords,
        )
    )

document = {
    "format": "onetrip-datasets/1",
    "region": "330424",
    "notes": "DEMO DATA (演示数据): an invented data catalogue of 海盐县 for the demo county. Names, numbers, figures and coordinates are made up; generated by data/datasets/generate_demo.py.",
    "datasets": datasets,
}
path = Path(__file__).with_name("330424.json")
path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(
    f"{path}: {len(datasets)} datasets, {sum(len(d.get('records', [])) for d in datasets)} records"
)
