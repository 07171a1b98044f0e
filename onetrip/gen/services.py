"""`onetrip gen`: a deterministic, county-size synthetic data set. SYNTHETIC DATA.

Builds on the demo county (regions, departments, the published catalogue; `demo_load` runs first
if the county is missing) and adds, for settings.ONETRIP_REGION:

- persons: PopulationRecord rows with valid citizen IDs (GB 11643 check character), the
  county's address code, birth dates 1930–today with the gender digit matching, names, phones,
  household regions and addresses from the region table;
- entities: EntityRecord rows with valid USCCs (GB 32100 check character), types, legal
  representatives drawn from the persons, capital, dates, status;
- accounts: a pool of applicant accounts (Application.applicant is required) for some adult
  persons, with an unusable password (no password hashing at all), and their Person rows;
- cases: Application rows over the published catalogue, spread over the last three years, with
  a realistic status mix; deadlines are `workday_add(accepted_on, promised_days)` from a
  working-day table computed once;
- datasets (only with `datasets` > 0): catalogue Dataset rows (+ their DatasetField rows, no
  DatasetRecord rows) with opening class open, spread over the county's departments, themes and
  keywords, for the open-data portal's search (the portal publishes them on its next sync).

Determinism: everything comes from `random.Random(f"onetrip-gen:{seed}:<part>")` (string seeds
hash with SHA-512, independent of PYTHONHASHSEED), the county's rows read in code order and the
fixed `today`; nothing depends on the clock, dict or set order. Each part is a stream: the
first N rows are the same whatever N is, so a larger N tops up.

Idempotency: every generated row has a unique key (citizen ID, USCC, username `gen<seed>-…`,
case number `YYYY-<county>-G<seed>-NNNNNN`); keys already in the database are skipped, so a
second run with the same seed inserts nothing.

Speed: rows go in as plain tuples (SQLite: executemany; PostgreSQL: COPY), in batches, each
batch its own transaction; no model save(), no signals, no per-row audit entry. ONE audit entry
records the run (seed, today, counts, timings): the data are synthetic.
"""

import bisect
import datetime
import hashlib
import itertools
import json
import random
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.models import Person, User
from onetrip.accounts.validators import citizen_id_check_char
from onetrip.cases.models import Application
from onetrip.catalogue.models import Matter, VersionStatus
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.datasets.models import Dataset, DatasetField
from onetrip.demo import data as demo_data
from onetrip.demo.services import demo_load
from onetrip.departments.models import Department
from onetrip.regions import selectors as region_selectors
from onetrip.registries.models import EntityRecord, PopulationRecord
from onetrip.workdays.selectors import workday_check

from . import names

ACTOR = "onetrip gen"
PARTS = ("persons", "entities", "accounts", "cases")
DEFAULTS = {"persons": 450_000, "entities": 40_000, "accounts": 20_000, "cases": 1_000_000}
BATCH_SIZE = 20_000
HISTORY_DAYS = 3 * 365  # cases are spread over the last three years
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PHONE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()


@dataclass
class GenOptions:
    seed: int = 1
    persons: int = DEFAULTS["persons"]
    entities: int = DEFAULTS["entities"]
    accounts: int = DEFAULTS["accounts"]
    cases: int = DEFAULTS["cases"]
    only: tuple[str, ...] = PARTS
    today: datetime.date | None = None
    batch_size: int = BATCH_SIZE
    datasets: int = 0  # synthetic catalogue datasets (open), made only when > 0


@dataclass
class GenReport:
    seed: int
    today: datetime.date
    region_code: str
    inserted: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    supervision: dict[str, int] = field(default_factory=dict)


# --- The county: regions and the published catalogue, read once, in code order.


class Place(NamedTuple):
    region_id: int
    prefix: str  # address up to the village or community, from the city down
    is_village: bool


class MatterInfo(NamedTuple):
    code: str
    version_id: int
    department_id: int
    applicant_kind: str
    promised_days: int
    online: bool
    mobile_ready: bool
    counter: bool
    steps: int
    accept_step: bool  # the first step is "accept", done by acceptance itself
    has_result: bool
    weight: float


@dataclass
class County:
    code6: str
    name: str
    places: list[Place]
    towns: list[str]
    matters: list[MatterInfo]


def _county(region_code: str, rng: random.Random) -> County:
    county = region_selectors.region_get(code=region_code)
    if county is None:
        raise DomainError(
            "gen.county_missing",
            _("The county's regions are not loaded."),
            detail={"region": region_code},
        )
    villages = list(region_selectors.region_descendants(code=county.code, level="village"))
    towns = list(region_selectors.region_towns(county_code=county.code))
    places = []
    by_id = {region.pk: region for region in [*towns, *villages]}
    chain_cache = {}
    for region in villages or towns or [county]:
        chain = []
        current = region
        while current is not None and current.level not in ("province",):
            chain.append(current.name)
            current = by_id.get(current.parent_id) or (
                current.parent if current.parent_id else None
            )
        chain_cache[region.pk] = "".join(reversed(chain))
        places.append(Place(region.pk, chain_cache[region.pk], region.name.endswith("村")))
    versions = (
        Matter.objects.filter(current_version__status=VersionStatus.PUBLISHED)
        .select_related("current_version")
        .order_by("code")
    )
    matters = []
    for matter in versions:
        version = matter.current_version
        steps = list(version.steps or [])
        matters.append(
            MatterInfo(
                code=matter.code,
                version_id=version.pk,
                department_id=matter.department_id,
                applicant_kind=version.applicant_kind,
                promised_days=max(int(version.promised_days), 0),
                online=bool(version.online),
                mobile_ready=bool(version.mobile_ready),
                counter=bool(version.counter),
                steps=len(steps),
                accept_step=bool(steps and steps[0].get("key") == "accept"),
                has_result=bool(version.result_name or version.licence_type_code),
                # Popularity: a few matters take most cases (Zipf-like over a seeded shuffle).
                weight=0.0,
            )
        )
    if not matters:
        raise DomainError(
            "gen.catalogue_empty",
            _("The county has no published matters to generate cases for."),
            detail={"region": region_code},
        )
    ranks = list(range(1, len(matters) + 1))
    rng.shuffle(ranks)
    matters = [m._replace(weight=1.0 / rank) for m, rank in zip(matters, ranks, strict=True)]
    return County(
        code6=county.code[:6],
        name=county.name,
        places=places,
        towns=[town.name for town in towns] or [county.name],
        matters=matters,
    )


# --- Working days: one table for the whole run instead of a workday_add call per case.


class WorkdayTable:
    """workday_add(start, n) and friends for every day in [first, last], from workday_check."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.first = first
        size = (last - first).days + 1
        self.is_work = []
        self.workdays: list[int] = []  # day offsets of working days
        provisional_cum = [0]
        for offset in range(size):
            info = workday_check(first + datetime.timedelta(days=offset))
            self.is_work.append(info.is_workday)
            provisional_cum.append(provisional_cum[-1] + info.provisional)
            if info.is_workday:
                self.workdays.append(offset)
        self._provisional_cum = provisional_cum

    def offset(self, day: datetime.date) -> int:
        return (day - self.first).days

    def day(self, offset: int) -> datetime.date:
        return self.first + datetime.timedelta(days=offset)

    def add(self, start: int, n: int) -> tuple[int, bool]:
        """The n-th working day after day offset `start` (n = 0: start itself)."""
        if n == 0:
            return start, False
        index = bisect.bisect_right(self.workdays, start) + n - 1
        end = self.workdays[index]
        return end, self._provisional_cum[end + 1] - self._provisional_cum[start + 1] > 0

    def same_or_next(self, offset: int) -> int:
        return self.workdays[bisect.bisect_left(self.workdays, offset)]

    def between(self, start: int, end: int) -> int:
        """Working days in (start, end]."""
        return bisect.bisect_right(self.workdays, end) - bisect.bisect_right(self.workdays, start)


# --- Streams. Each yields dicts keyed by field attname, deterministic for the seed.


class PersonRow(NamedTuple):
    id_number: str
    name: str
    gender: str
    birth: datetime.date
    region_id: int
    address: str
    phone: str


def _birth_years(today: datetime.date) -> tuple[list[int], list[float]]:
    years = list(range(1930, today.year + 1))
    weights = []
    for year in years:
        if year < 1945:
            weight = 0.15 + 0.04 * (year - 1930)
        elif year < 1960:
            weight = 0.9
        elif year < 1976:
            weight = 1.35
        elif year < 1991:
            weight = 1.15
        elif year < 2006:
            weight = 0.85
        else:
            weight = 0.7
        weights.append(weight)
    return years, list(itertools.accumulate(weights))


def _demo_taken(county: County) -> tuple[set[str], set[str]]:
    ids = {person.id_number(county.code6) for person in demo_data.DEMO_PEOPLE}
    phones = {person.phone for person in demo_data.DEMO_PEOPLE}
    for _name, _gender, _birth, id_number, phone in demo_data.population(county.code6):
        ids.add(id_number)
        phones.add(phone)
    return ids, phones


def person_stream(*, seed: int, county: County, today: datetime.date) -> Iterator[PersonRow]:
    rng = random.Random(f"onetrip-gen:{seed}:persons")
    years, year_cum = _birth_years(today)
    surnames = [s for s, _w in names.SURNAMES]
    surname_cum = list(itertools.accumulate(w for _s, w in names.SURNAMES))
    taken_ids, taken_phones = _demo_taken(county)
    code6 = county.code6
    while True:
        year = rng.choices(years, cum_weights=year_cum)[0]
        birth = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(366))
        if birth.year != year or birth > today:
            continue
        male = rng.random() < 0.5
        gender_digit = rng.choice("13579" if male else "02468")
        first17 = f"{code6}{birth:%Y%m%d}{rng.randrange(100):02d}{gender_digit}"
        id_number = first17 + citizen_id_check_char(first17)
        if id_number in taken_ids:
            continue
        phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}"
        if phone in taken_phones or phone.startswith("1395730"):
            continue
        taken_ids.add(id_number)
        taken_phones.add(phone)
        chars = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.78 else "")
        name = rng.choices(surnames, cum_weights=surname_cum)[0] + given
        place = rng.choice(county.places)
        if place.is_village:
            address = f"{place.prefix}{rng.randint(1, 24)}组{rng.randint(1, 120)}号"
        else:
            address = (
                f"{place.prefix}{rng.randint(1, 60)}幢{rng.randint(1, 6)}单元"
                f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
            )
        yield PersonRow(
            id_number,
            name,
            "male" if male else "female",
            birth,
            place.region_id,
            address,
            phone,
        )


def _adult(person: PersonRow, today: datetime.date, age: int = 18) -> bool:
    return (today.year - person.birth.year) - (
        (today.month, today.day) < (person.birth.month, person.birth.day)
    ) >= age


class EntityRow(NamedTuple):
    uscc: str
    name: str
    entity_type: str
    representative: PersonRow
    capital: Decimal
    address: str
    status: str
    established_on: datetime.date


# (prefix = registration authority + organisation type, type name, share, capital range 10k yuan)
ENTITY_TYPES = (
    ("92", "个体工商户", 52, (1, 50)),
    ("91", "有限责任公司", 36, (10, 5000)),
    ("91", "股份有限公司", 2, (1000, 50000)),
    ("91", "个人独资企业", 3, (10, 500)),
    ("91", "合伙企业", 1.5, (50, 3000)),
    ("93", "农民专业合作社", 4, (5, 500)),
    ("51", "社会团体", 0.8, (3, 50)),
    ("52", "民办非企业单位", 0.7, (3, 100)),
)


def entity_stream(
    *,
    seed: int,
    county: County,
    today: datetime.date,
    representatives: list[PersonRow],
) -> Iterator[EntityRow]:
    rng = random.Random(f"onetrip-gen:{seed}:entities")
    if not representatives:
        return
    type_cum = list(itertools.accumulate(t[2] for t in ENTITY_TYPES))
    taken = {uscc for uscc, *_rest in demo_data.companies(county.code6, county.name)}
    taken_names = set()
    prefix = county.name[:2]
    first_day = datetime.date(1992, 1, 1).toordinal()
    span = today.toordinal() - first_day
    while True:
        code, type_name, _share, (low, high) = rng.choices(ENTITY_TYPES, cum_weights=type_cum)[0]
        # Most registrations are recent: square the uniform draw towards today.
        established = datetime.date.fromordinal(first_day + int(span * (1 - rng.random() ** 2.2)))
        if established.year < 2016:
            body = f"{rng.randrange(10**8):08d}"
        else:
            body = "MA2" + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))
        uscc = demo_data.make_uscc(code, county.code6, body)
        if uscc in taken:
            continue
        town = rng.choice(county.towns)
        town_short = town.removesuffix("街道").removesuffix("镇")
        brand = "".join(rng.sample(names.BRAND_CHARS, 2))
        if code == "92":
            name = f"{county.name}{town_short}{brand}{rng.choice(names.SHOP_KINDS)}"
        elif code == "93":
            name = f"{county.name}{town_short}{brand}农业专业合作社"
        elif code == "51":
            name = f"{county.name}{brand}{rng.choice(('协会', '商会', '联合会', '促进会'))}"
        elif code == "52":
            name = f"{county.name}{brand}{rng.choice(('幼儿园', '培训学校', '养老服务中心'))}"
        else:
            industry, suffix = rng.choice(names.INDUSTRIES)
            if type_name == "个人独资企业":
                suffix = "经营部"
            elif type_name == "合伙企业":
                suffix = "（有限合伙）"
            name = f"{prefix}{brand}{industry}{suffix}"
        if name in taken_names:
            continue
        taken.add(uscc)
        taken_names.add(name)
        capital = Decimal(rng.randint(low, high)).quantize(Decimal("0.01"))
        road = f"{rng.choice(names.BRAND_CHARS)}{rng.choice(names.BRAND_CHARS)}"
        address = (
            f"{county.name}{town}{road}{rng.choice(names.ROAD_SUFFIXES)}{rng.randint(1, 888)}号"
        )
        draw = rng.random()
        status = "active" if draw < 0.92 else ("cancelled" if draw < 0.98 else "revoked")
        yield EntityRow(
            uscc,
            name,
            type_name,
            rng.choice(representatives),
            capital,
            address,
            status,
            established,
        )


# --- Writing rows fast: tuples through executemany (SQLite) or COPY (PostgreSQL).


class _Columns:
    """The concrete columns of a model (pk excluded) and how to turn values into DB values."""

    def __init__(self, model: type[models.Model], now: datetime.datetime):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = model._meta.db_table
        self.now = now
        self.vendor = connection.vendor

    def defaults(self, given: set[str]) -> dict[str, Callable[[], object]]:
        """Values for the columns a generator does not name (added later by another app)."""
        result = {}
        for f in self.fields:
            if f.attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                result[f.attname] = lambda: self.now
            elif f.has_default():
                result[f.attname] = f.get_default
            elif f.null:
                result[f.attname] = lambda: None
            elif isinstance(f, models.CharField | models.TextField) and f.blank:
                result[f.attname] = lambda: ""
            else:
                raise DomainError(
                    "gen.column_unknown",
                    _("A required column has no value in the generator."),
                    detail={"table": self.table, "column": f.column},
                )
        return result

    def converters(self) -> list[Callable[[object], object]]:
        out = []
        for f in self.fields:
            if isinstance(f, models.JSONField):
                out.append(lambda v: v if isinstance(v, str) or v is None else json.dumps(v))
            elif self.vendor == "postgresql":
                out.append(None)  # psycopg adapts dates, aware datetimes, UUIDs and Decimals
            elif isinstance(
                f, models.DateTimeField | models.DateField | models.UUIDField | models.DecimalField
            ):
                out.append(lambda v, f=f: None if v is None else f.get_db_prep_save(v, connection))
            else:
                out.append(None)
        return out

    def write(self, rows: Iterable[dict], *, batch_size: int) -> int:
        """Insert the rows (dicts by attname) in batches, one transaction per batch."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        defaults = self.defaults(set(first))
        converters = self.converters()
        attnames = [f.attname for f in self.fields]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)

        def as_tuple(row: dict) -> tuple:
            values = []
            for attname, convert in zip(attnames, converters, strict=True):
                value = row[attname] if attname in row else defaults[attname]()
                values.append(value if convert is None else convert(value))
            return tuple(values)

        written = 0
        rows = itertools.chain([first], rows)
        while tuples := [as_tuple(row) for row in itertools.islice(rows, batch_size)]:
            with transaction.atomic(), connection.cursor() as cursor:
                if self.vendor == "postgresql":
                    with cursor.copy(f"COPY {qn(self.table)} ({columns}) FROM STDIN") as copy:
                        for values in tuples:
                            copy.write_row(values)
                else:
                    placeholders = ", ".join(["%s"] * len(attnames))
                    cursor.executemany(
                        # Table and column names come from the model, values are parameters.
                        f"INSERT INTO {qn(self.table)} ({columns}) VALUES ({placeholders})",  # noqa: S608
                        tuples,
                    )
            written += len(tuples)
        return written


# --- Datasets: a big open catalogue for the open-data portal.

DATASET_SUBJECTS = (
    ("空气质量", "生态环境", "空气 AQI 监测"),
    ("水质监测", "生态环境", "水质 断面 河道"),
    ("公交线路", "交通出行", "公交 线路 站点"),
    ("停车泊位", "交通出行", "停车 泊位 充电桩"),
    ("学校名录", "教育", "学校 招生 学区"),
    ("幼儿园", "教育", "幼儿园 托育"),
    ("医疗机构", "医疗卫生", "医院 诊所 卫生院"),
    ("药品零售", "医疗卫生", "药店 药品"),
    ("养老机构", "社会保障", "养老 床位 敬老院"),
    ("社会救助", "民政", "低保 救助 特困"),
    ("农业合作社", "农业农村", "合作社 农业 家庭农场"),
    ("农产品价格", "农业农村", "农产品 价格 菜篮子"),
    ("市场主体", "市场监管", "企业 个体工商户 登记"),
    ("行政许可", "信用", "双公示 许可 信用"),
    ("行政处罚", "信用", "双公示 处罚 信用"),
    ("文化场馆", "文化旅游", "图书馆 博物馆 文化礼堂"),
    ("旅游景区", "文化旅游", "景区 旅游 民宿"),
    ("体育设施", "教育", "体育 健身 场馆"),
    ("避灾安置点", "应急管理", "避灾 应急 防台"),
    ("防汛水位", "水利", "水位 雨量 防汛"),
    ("公共厕所", "城市管理", "公厕 便民"),
    ("垃圾分类", "城市管理", "垃圾分类 环卫"),
    ("不动产登记统计", "自然资源", "不动产 登记 统计"),
    ("建设工程", "城乡建设", "施工许可 工程 建筑"),
    ("保障性住房", "住房", "公租房 住房保障"),
    ("就业岗位", "社保就业", "招聘 岗位 就业"),
    ("财政预决算", "财税金融", "预算 决算 财政"),
    ("政务服务事项", "政务服务", "办事指南 事项 最多跑一次"),
)
DATASET_SUFFIXES = ("名录", "统计", "信息", "明细", "年报", "月报", "分布", "目录")
DATASET_SCOPES = ("全县", "城区", "各镇（街道）", "重点区域")
DATASET_FIELDS = (
    ("name", "名称", "string", 1, "none"),
    ("address", "地址", "string", 1, "none"),
    ("town", "所在镇（街道）", "string", 1, "none"),
    ("category", "类别", "string", 1, "none"),
    ("count", "数量", "integer", 1, "none"),
    ("amount", "金额（元）", "decimal", 2, "none"),
    ("stat_date", "统计日期", "date", 1, "none"),
    ("contact", "联系人", "string", 3, "name"),
    ("phone", "联系电话", "string", 3, "phone"),
    ("location", "位置", "geometry", 1, "none"),
)
UPDATE_CYCLES = ("daily", "weekly", "monthly", "monthly", "quarterly", "yearly", "irregular")


def dataset_code(seed: int, k: int) -> str:
    return f"GEN{seed}-DS-{k:06d}"


def dataset_stream(
    *, seed: int, departments: list[Department], towns: list[str], now: datetime.datetime
) -> Iterator[tuple[dict, list[dict]]]:
    """(dataset row, field rows) for the k-th synthetic open dataset, k = 1, 2, …"""
    rng = random.Random(f"onetrip-gen:{seed}:datasets")
    for k in itertools.count(1):
        department = departments[rng.randrange(len(departments))]
        subject, theme, keywords = DATASET_SUBJECTS[rng.randrange(len(DATASET_SUBJECTS))]
        scope = rng.choice(DATASET_SCOPES)
        if scope == "各镇（街道）" and towns:
            scope = rng.choice(towns)
        year = now.year - rng.randrange(6)
        suffix = rng.choice(DATASET_SUFFIXES)
        other_theme = DATASET_SUBJECTS[rng.randrange(len(DATASET_SUBJECTS))][1]
        themes = [theme] if other_theme == theme or rng.random() < 0.6 else [theme, other_theme]
        extra = rng.choice(("开放", "共享", "公开", "便民", "统计", "监管"))
        created = now - datetime.timedelta(
            days=rng.randrange(3 * 365), seconds=rng.randrange(86400)
        )
        modified = min(now, created + datetime.timedelta(days=rng.randrange(400)))
        name = f"{scope}{subject}{suffix}（{year}年）"
        row = {
            "code": dataset_code(seed, k),
            "name": name,
            "description": (
                f"{department.name}发布的{scope}{subject}{suffix}，{year}年数据。"
                f"合成数据，仅供测试和性能评估使用。"
            ),
            "owner_id": department.pk,
            "update_cycle": rng.choice(UPDATE_CYCLES),
            "sharing_class": "free" if rng.random() < 0.7 else "on_approval",
            "opening_class": "open",
            "legal_basis": "《浙江省公共数据条例》",
            "source": "records",
            "key_field": "",
            "keywords": f"{keywords} {extra}",
            "themes": themes,
            "is_active": True,
            "created_at": created,
            "updated_at": modified,
        }
        chosen = sorted(rng.sample(range(len(DATASET_FIELDS)), rng.randint(3, 6)))
        fields = [
            {
                "position": position,
                "name": DATASET_FIELDS[i][0],
                "label": DATASET_FIELDS[i][1],
                "field_type": DATASET_FIELDS[i][2],
                "sensitivity": DATASET_FIELDS[i][3],
                "masking_rule": DATASET_FIELDS[i][4],
                "description": "",
            }
            for position, i in enumerate(chosen)
        ]
        yield row, fields


def _gen_datasets(
    *, options: GenOptions, region_code: str, county: County, now: datetime.datetime
) -> tuple[int, int]:
    """Inserts the first `options.datasets` synthetic datasets not yet there.

    Returns (inserted, skipped)."""
    region = region_selectors.region_get(code=region_code)
    departments = list(
        Department.objects.filter(region=region, is_active=True, parent__isnull=True).order_by(
            "code"
        )
    ) or list(Department.objects.filter(is_active=True).order_by("code"))
    if not departments:
        raise DomainError(
            "gen.no_departments",
            _("The county has no departments to own datasets."),
            detail={"region": region_code},
        )
    prefix = f"GEN{options.seed}-DS-"
    existing = _existing(Dataset.objects.filter(code__startswith=prefix), "code")
    stream = itertools.islice(
        dataset_stream(seed=options.seed, departments=departments, towns=county.towns, now=now),
        options.datasets,
    )
    fresh = [(row, fields) for row, fields in stream if row["code"] not in existing]
    inserted = _Columns(Dataset, now).write(
        (row for row, _fields in fresh), batch_size=options.batch_size
    )
    ids = dict(Dataset.objects.filter(code__startswith=prefix).values_list("code", "id"))
    field_rows = (
        {**field_row, "dataset_id": ids[row["code"]]}
        for row, fields in fresh
        for field_row in fields
    )
    _Columns(DatasetField, now).write(field_rows, batch_size=options.batch_size)
    return inserted, options.datasets - inserted


# --- Cases.


STATUS_DONE = ("approved", "result_issued", "delivered", "rated")
NOT_ACCEPTED_REASONS = (
    "申请事项不属于本部门职权范围，请向有关部门申请。",
    "申请人不具备申请资格。",
    "申请材料存在虚假内容。",
)
DENIAL_NOTES = (
    "经审查，申请不符合法定条件。",
    "现场核查不符合要求，不予许可。",
    "申请事项依法不予批准。",
)


@dataclass
class CaseContext:
    seed: int
    today: datetime.date
    county: County
    table: WorkdayTable
    tz: datetime.tzinfo
    pool: list[tuple[int, PersonRow]]  # (user id, person) of the applicant accounts
    entities: list[EntityRow]
    pool_index: dict[str, int] = field(default_factory=dict)  # id number → position in pool


def _day_counts(ctx: CaseContext, total: int) -> list[tuple[int, int]]:
    """Cases per day (day offset, count): exactly `total`, more on working days and later."""
    table = ctx.table
    last = table.offset(ctx.today)
    first = last - HISTORY_DAYS + 1
    weights = []
    for offset in range(first, last + 1):
        growth = 0.8 + 0.4 * (offset - first) / HISTORY_DAYS
        weights.append((1.0 if table.is_work[offset] else 0.12) * growth)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(e) for e in exact]
    remainder = total - sum(counts)
    order = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[:remainder]:
        counts[i] += 1
    return [(first + i, count) for i, count in enumerate(counts) if count]


def _at(ctx: CaseContext, offset: int, rng: random.Random, start=8.5, end=17.5):
    seconds = int((start + (end - start) * rng.random()) * 3600)
    day = ctx.table.day(offset)
    return datetime.datetime.combine(
        day, datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60), tzinfo=ctx.tz
    )


def case_stream(*, ctx: CaseContext, total: int) -> Iterator[dict]:
    rng = random.Random(f"onetrip-gen:{ctx.seed}:cases")
    county, table = ctx.county, ctx.table
    matter_cum = list(itertools.accumulate(m.weight for m in county.matters))
    today = table.offset(ctx.today)
    first = today - HISTORY_DAYS + 1
    serials: dict[int, int] = {}
    for offset, count in _day_counts(ctx, total):
        is_work = table.is_work[offset]
        progress = (offset - first) / HISTORY_DAYS
        p_mobile, p_counter = 0.22 + 0.3 * progress, 0.38 - 0.18 * progress
        year = table.day(offset).year
        for _i in range(count):
            matter = rng.choices(county.matters, cum_weights=matter_cum)[0]
            draw = rng.random()
            if is_work and draw < p_counter:
                channel = "counter"
            elif draw < p_counter + p_mobile:
                channel = "mobile"
            else:
                channel = "online"
            if channel == "mobile" and not matter.mobile_ready:
                channel = "online"
            if channel == "online" and not matter.online:
                channel = "counter"
            if channel == "counter" and not matter.counter:
                channel = "online" if matter.online else "counter"
            if channel == "counter" and not is_work:  # the hall is closed: comes next workday
                continue_offset = table.same_or_next(offset)
            else:
                continue_offset = offset
            kind = matter.applicant_kind
            legal = kind == "legal" or (kind == "both" and rng.random() < 0.3)
            if legal and ctx.entities:
                entity = rng.choice(ctx.entities)
                subject = ("legal", entity.uscc, entity.name)
                position = ctx.pool_index.get(entity.representative.id_number)
                if position is not None and rng.random() < 0.8:
                    applicant, acting_as = ctx.pool[position][0], "representative"
                else:
                    applicant, acting_as = rng.choice(ctx.pool)[0], "agent"
            else:
                user_id, person = rng.choice(ctx.pool)
                applicant, acting_as = user_id, "self"
                if rng.random() < 0.06:  # on behalf of a relative (授权代办)
                    user_id, person = rng.choice(ctx.pool)
                    acting_as = "agent"
                subject = ("person", person.id_number, person.name)
            serials[year] = serials.get(year, 0) + 1
            row = {
                "number": f"{year}-{county.code6}-G{ctx.seed}-{serials[year]:06d}",
                "matter_version_id": matter.version_id,
                "department_id": matter.department_id,
                "applicant_id": applicant,
                "subject_type": subject[0],
                "subject_id": subject[1],
                "subject_name": subject[2],
                "acting_as": acting_as,
                "channel": channel,
                "intake_clerk_id": None,
                "intake_window_id": None,
                "form_data": "{}",
                "current_step": 0,
                "submitted_at": None,
                "accepted_at": None,
                "accepted_on": None,
                "deadline_on": None,
                "deadline_provisional": False,
                "finished_at": None,
                "finished_on": None,
                "trips": 1 if channel == "counter" else 0,
                "not_accepted_reason": "",
                "decision_note": "",
                "licence_number": "",
                "delivery_method": "",
                "tracking_number": "",
                "delivered_at": None,
                "bundle_ref": "",
            }
            online_hours = (7.0, 23.0) if channel != "counter" else (8.5, 17.0)
            submitted = _at(ctx, continue_offset, rng, *online_hours)
            row["created_at"] = submitted - datetime.timedelta(minutes=rng.randint(3, 90))
            draw = rng.random()
            if draw < 0.008:  # an abandoned or unfinished draft
                row["status"] = "draft"
                yield row
                continue
            row["submitted_at"] = submitted
            accept_day = table.same_or_next(continue_offset)
            if channel != "counter" and rng.random() < 0.5:
                accept_day = table.add(continue_offset, 1)[0]  # the next working day
            if accept_day > today or (accept_day == today and rng.random() < 0.5):
                row["status"] = "submitted"  # awaiting intake
                yield row
                continue
            if draw < 0.025:
                row["status"] = "not_accepted"
                row["finished_at"] = _at(ctx, accept_day, rng)
                row["finished_on"] = table.day(accept_day)
                row["not_accepted_reason"] = rng.choice(NOT_ACCEPTED_REASONS)
                yield row
                continue
            accepted_at = _at(ctx, accept_day, rng)
            if accepted_at < submitted:
                accepted_at = submitted + datetime.timedelta(minutes=rng.randint(5, 40))
            row["accepted_at"] = accepted_at
            row["accepted_on"] = table.day(accept_day)
            promised = matter.promised_days
            deadline, provisional = table.add(accept_day, promised)
            row["deadline_on"] = table.day(deadline)
            row["deadline_provisional"] = provisional
            # Handling time in working days: most before or on the last day, a few late.
            late = rng.random()
            if late < 0.004:
                handling = promised + rng.randint(10, 250)  # stalled
            elif late < 0.06:
                handling = promised + 1 + int(rng.expovariate(1 / 7))
            elif promised == 0 or rng.random() < 0.45:
                handling = promised
            else:
                handling = rng.randrange(promised)
            finish = table.add(accept_day, handling)[0]
            steps = max(matter.steps, 1)
            first_step = 1 if matter.accept_step else 0
            if finish > today:  # still running
                if table.between(accept_day, today) == 0 and rng.random() < 0.6:
                    row["status"] = "accepted"
                    row["current_step"] = first_step
                else:
                    row["status"] = "in_review"
                    row["current_step"] = min(
                        steps - 1, first_step + rng.randrange(max(steps - first_step, 1))
                    )
                yield row
                continue
            row["current_step"] = steps - 1
            row["finished_at"] = max(_at(ctx, finish, rng), accepted_at)
            row["finished_on"] = table.day(finish)
            if rng.random() < 0.03:
                row["status"] = "denied"
                row["decision_note"] = rng.choice(DENIAL_NOTES)
                yield row
                continue
            if not matter.has_result:
                method = "electronic"
            else:
                draw = rng.random()
                method = "electronic" if draw < 0.45 else ("posted" if draw < 0.75 else "collected")
            deliver = finish + rng.choice((0, 0, 1, 1, 2, 3))
            if deliver > today:
                row["status"] = "result_issued" if deliver - finish > 1 else "approved"
                yield row
                continue
            row["delivery_method"] = method
            row["delivered_at"] = max(_at(ctx, deliver, rng), row["finished_at"])
            if method == "posted":
                row["tracking_number"] = f"SF{rng.randrange(10**12):012d}"
            elif method == "collected":
                row["trips"] += 1
            row["status"] = "rated" if rng.random() < 0.62 else "delivered"
            yield row


# --- The run.


def _existing(queryset, field_name: str) -> set[str]:
    return set(queryset.values_list(field_name, flat=True).iterator(chunk_size=50_000))


def _ensure_case_indexes() -> list[str]:
    """The indexes the supervision list and the department lists rely on (migrations create
    them; a hand-made database may lack them)."""
    created = []
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, Application._meta.db_table)
    for index in Application._meta.indexes:
        if index.name not in present:
            with connection.schema_editor() as editor:
                editor.add_index(Application, index)
            created.append(index.name)
    return created


def _analyze(models_: Iterable[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models_:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def gen_run(
    *,
    options: GenOptions,
    progress: Callable[[str], None] = lambda message: None,
    load_demo: bool = True,
) -> GenReport:
    """Generate (or top up) the synthetic county for settings.ONETRIP_REGION."""
    region_code = settings.ONETRIP_REGION
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = options.today or timezone.localdate()
    now = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=tz)
    report = GenReport(seed=options.seed, today=today, region_code=region_code)
    started = time.perf_counter()

    def timed(label: str, since: float) -> float:
        report.seconds[label] = round(time.perf_counter() - since, 2)
        return time.perf_counter()

    if load_demo and (
        region_selectors.region_get(code=region_code) is None
        or not Matter.objects.filter(current_version__isnull=False).exists()
    ):
        progress("loading the demo county first")
        demo_load(region_code=region_code, migrate=False)
    county = _county(region_code, random.Random(f"onetrip-gen:{options.seed}:county"))
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection only: a million inserts update several
        # indexes, and the default 2 MB cache makes SQLite re-read index pages from disk.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
    only = set(options.only)
    if "cases" in only:
        only.add("accounts")  # cases need applicants

    # Persons: the stream is needed by every part (representatives, applicants, subjects).
    mark = time.perf_counter()
    people = list(
        itertools.islice(
            person_stream(seed=options.seed, county=county, today=today), options.persons
        )
    )
    mark = timed("persons_generated", mark)
    if "persons" in only:
        existing = _existing(PopulationRecord.objects.all(), "id_number")
        rows = (
            {
                "id_number": p.id_number,
                "name": p.name,
                "gender": p.gender,
                "birth_date": p.birth,
                "household_region_id": p.region_id,
                "address": p.address,
                "phone": p.phone,
                "updated_at": now,
            }
            for p in people
            if p.id_number not in existing
        )
        report.inserted["persons"] = _Columns(PopulationRecord, now).write(
            rows, batch_size=options.batch_size
        )
        report.skipped["persons"] = len(people) - report.inserted["persons"]
        progress(
            f"persons: {report.inserted['persons']} inserted, {report.skipped['persons']} "
            "already there"
        )
        mark = timed("persons", mark)

    adults = [p for p in people if _adult(p, today)]
    pool_people = adults[: options.accounts]
    # Representatives: half from the account pool (they apply for their companies), half not.
    representatives = [p for p in adults if _adult(p, today, 20) and not _adult(p, today, 76)]
    rep_rng = random.Random(f"onetrip-gen:{options.seed}:representatives")
    reps = [
        rep_rng.choice(pool_people) if pool_people and rep_rng.random() < 0.5 else candidate
        for candidate in representatives[: max(options.entities * 2, 1)]
    ]
    entities = list(
        itertools.islice(
            entity_stream(seed=options.seed, county=county, today=today, representatives=reps),
            options.entities,
        )
    )
    if "entities" in only:
        existing = _existing(EntityRecord.objects.all(), "uscc")
        rows = (
            {
                "uscc": e.uscc,
                "name": e.name,
                "entity_type": e.entity_type,
                "legal_representative": e.representative.name,
                "legal_representative_id_number": e.representative.id_number,
                "registered_capital": e.capital,
                "address": e.address,
                "status": e.status,
                "established_on": e.established_on,
                "updated_at": now,
            }
            for e in entities
            if e.uscc not in existing
        )
        report.inserted["entities"] = _Columns(EntityRecord, now).write(
            rows, batch_size=options.batch_size
        )
        report.skipped["entities"] = len(entities) - report.inserted["entities"]
        progress(
            f"entities: {report.inserted['entities']} inserted, "
            f"{report.skipped['entities']} already there"
        )
        mark = timed("entities", mark)

    pool: list[tuple[int, PersonRow]] = []
    if "accounts" in only:
        prefix = f"gen{options.seed}-"
        usernames = [f"{prefix}{k:06d}" for k in range(len(pool_people))]
        existing = _existing(User.objects.filter(username__startswith=prefix), "username")
        taken_phones = _existing(User.objects.filter(phone__isnull=False), "phone")
        account_rng = random.Random(f"onetrip-gen:{options.seed}:accounts")
        joined = [
            now - datetime.timedelta(days=HISTORY_DAYS + account_rng.randrange(365))
            for _p in pool_people
        ]
        public_ids = [uuid.UUID(int=account_rng.getrandbits(128), version=4) for _p in pool_people]
        user_rows = (
            {
                "password": f"{UNUSABLE_PASSWORD_PREFIX}onetrip-gen",  # no password: cannot log in
                "last_login": None,
                "is_superuser": False,
                "username": username,
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_staff": False,
                "is_active": True,
                "date_joined": joined[k],
                "public_id": public_ids[k],
                "user_type": "person",
                "display_name": person.name,
                "phone": None if person.phone in taken_phones else person.phone,
                "assurance_level": "L2",  # in the population registry: real-name verified
                "failed_logins": 0,
                "locked_until": None,
                "totp_secret": "",
                "totp_confirmed_at": None,
            }
            for k, (username, person) in enumerate(zip(usernames, pool_people, strict=True))
            if username not in existing
        )
        inserted = _Columns(User, now).write(user_rows, batch_size=options.batch_size)
        ids = dict(User.objects.filter(username__startswith=prefix).values_list("username", "id"))
        existing_people = _existing(Person.objects.all(), "id_number")
        person_rows = (
            {
                "user_id": ids[username],
                "id_number": person.id_number,
                "name": person.name,
                "phone": person.phone,
                "region_id": person.region_id,
                "address": person.address,
                "verified_at": joined[k],
                "verified_in_person_at": None,
                "created_at": joined[k],
            }
            for k, (username, person) in enumerate(zip(usernames, pool_people, strict=True))
            if person.id_number not in existing_people
        )
        _Columns(Person, now).write(person_rows, batch_size=options.batch_size)
        pool = [(ids[u], p) for u, p in zip(usernames, pool_people, strict=True)]
        report.inserted["accounts"] = inserted
        report.skipped["accounts"] = len(usernames) - inserted
        progress(f"accounts: {inserted} inserted, {report.skipped['accounts']} already there")
        mark = timed("accounts", mark)

    if "cases" in only and options.cases > 0:
        if not pool:
            raise DomainError(
                "gen.no_applicants",
                _("Cases need applicants: generate some adult persons first."),
            )
        table = WorkdayTable(
            today - datetime.timedelta(days=HISTORY_DAYS + 30),
            today + datetime.timedelta(days=3 * 365),
        )
        mark = timed("workday_table", mark)
        ctx = CaseContext(
            seed=options.seed,
            today=today,
            county=county,
            table=table,
            tz=tz,
            pool=pool,
            entities=entities,
            pool_index={p.id_number: k for k, (_u, p) in enumerate(pool)},
        )
        marker = f"-{county.code6}-G{options.seed}-"
        existing = _existing(Application.objects.filter(number__contains=marker), "number")
        counter = itertools.count()

        def fresh():
            for row in case_stream(ctx=ctx, total=options.cases):
                if row["number"] in existing:
                    continue
                done = next(counter)
                if done and done % 100_000 == 0:
                    progress(f"cases: {done} …")
                yield row

        report.inserted["cases"] = _Columns(Application, now).write(
            fresh(), batch_size=options.batch_size
        )
        report.skipped["cases"] = options.cases - report.inserted["cases"]
        progress(
            f"cases: {report.inserted['cases']} inserted, {report.skipped['cases']} already there"
        )
        mark = timed("cases", mark)
        created = _ensure_case_indexes()
        if created:
            progress(f"created missing indexes: {', '.join(created)}")
    if options.datasets > 0:
        inserted, skipped = _gen_datasets(
            options=options, region_code=region_code, county=county, now=now
        )
        report.inserted["datasets"], report.skipped["datasets"] = inserted, skipped
        progress(f"datasets: {inserted} inserted, {skipped} already there")
        mark = timed("datasets", mark)
    if any(report.inserted.values()):
        _analyze([PopulationRecord, EntityRecord, User, Person, Application, Dataset])
        mark = timed("analyze", mark)
    report.supervision = supervision_counts(today=today)
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    audit.record(
        actor=ACTOR,
        action="gen.dataset.generate",
        target_type="gen.dataset",
        target_id=f"{region_code}/seed-{options.seed}",
        detail={
            "seed": options.seed,
            "today": today.isoformat(),
            "requested": {
                "persons": options.persons,
                "entities": options.entities,
                "accounts": options.accounts,
                "cases": options.cases,
                "datasets": options.datasets,
                "only": sorted(options.only),
            },
            "inserted": report.inserted,
            "skipped": report.skipped,
            "seconds": report.seconds,
            "synthetic": True,
        },
    )
    return report


def supervision_counts(*, today: datetime.date) -> dict[str, int]:
    """Running cases by e-supervision colour (what the supervisors' list shows)."""
    from onetrip.cases.models import RUNNING_STATUSES
    from onetrip.cases.selectors import yellow_cutoff

    cutoff = yellow_cutoff(today)
    running = Application.objects.filter(status__in=RUNNING_STATUSES)
    return {
        "red": running.filter(deadline_on__lt=today).count(),
        "yellow": running.filter(deadline_on__gte=today, deadline_on__lte=cutoff).count(),
        "green": running.filter(deadline_on__gt=cutoff).count(),
    }


def dataset_digest(*, seed: int) -> str:
    """SHA-256 over the registries and the seed's cases, in key order, without database ids."""
    digest = hashlib.sha256()

    def feed(rows):
        for row in rows:
            digest.update(repr(tuple(str(v) for v in row)).encode())

    feed(
        PopulationRecord.objects.order_by("id_number")
        .values_list(
            "id_number",
            "name",
            "gender",
            "birth_date",
            "household_region__code",
            "address",
            "phone",
        )
        .iterator(chunk_size=20_000)
    )
    feed(
        EntityRecord.objects.order_by("uscc")
        .values_list(
            "uscc",
            "name",
            "entity_type",
            "legal_representative",
            "legal_representative_id_number",
            "registered_capital",
            "address",
            "status",
            "established_on",
        )
        .iterator(chunk_size=20_000)
    )
    feed(
        Application.objects.filter(number__contains=f"-G{seed}-")
        .order_by("number")
        .values_list(
            "number",
            "matter_version__matter__code",
            "department__code",
            "applicant__username",
            "subject_type",
            "subject_id",
            "subject_name",
            "acting_as",
            "channel",
            "status",
            "current_step",
            "created_at",
            "submitted_at",
            "accepted_at",
            "accepted_on",
            "deadline_on",
            "deadline_provisional",
            "finished_at",
            "finished_on",
            "trips",
            "delivery_method",
            "tracking_number",
            "delivered_at",
        )
        .iterator(chunk_size=20_000)
    )
    return digest.hexdigest()
