"""Deterministic, realistic-looking fake people and companies for the demo county.

Everything here is DEMO DATA: invented names, numbers that are well-formed (valid check
characters) but belong to no one. The same region code always yields the same data.
"""

import base64
import datetime
import hashlib
import random
from dataclasses import dataclass

from onetrip.accounts.validators import citizen_id_check_char, uscc_check_char

DEMO_PASSWORD = "Haiyan#Demo2026"  # noqa: S105 - printed demo credential, demo data only

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗沈顾钱陆姚金范蒋褚俞冯许曹严屠费吕施朱唐宋"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌红梅玲浩宇婷雪琴春燕晨鑫"
    "佳怡欣悦子涵思远俊杰海燕志强建华国平金林根荣美芬月娥小龙晓东卫东永康利民雅琪嘉豪"
)
INDUSTRIES = (
    ("机械制造", "有限公司"),
    ("紧固件", "有限公司"),
    ("核电设备", "有限公司"),
    ("纺织", "有限公司"),
    ("食品", "有限公司"),
    ("建材", "有限公司"),
    ("电子科技", "有限公司"),
    ("物流", "有限公司"),
    ("农业开发", "有限公司"),
    ("新材料", "股份有限公司"),
)
BRANDS = "盐东海滨秦山南北湖武原绮园天宁澉浦通元望海百步沈荡于城宝兴金星海丰"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    gender: str
    birth: datetime.date
    sequence: int
    phone: str

    def id_number(self, county_code: str) -> str:
        first17 = f"{county_code[:6]}{self.birth:%Y%m%d}{self.sequence:03d}"
        return first17 + citizen_id_check_char(first17)


# The people behind the demo accounts (phones 1395730xxxx are reserved for them).
DEMO_PEOPLE = (
    DemoPerson("citizen_l1", "王晓燕", "female", datetime.date(1992, 3, 14), 128, "13957300001"),
    DemoPerson("citizen_l2", "陈建国", "male", datetime.date(1978, 9, 2), 317, "13957300002"),
    DemoPerson("citizen_l3", "李秀英", "female", datetime.date(1965, 11, 23), 542, "13957300003"),
    DemoPerson("unregistered", "张志强", "male", datetime.date(1988, 6, 30), 751, "13957300004"),
)

# Staff accounts for every role: (username, name, department short name or code, roles).
DEMO_STAFF = (
    ("demo-clerk", "周婷婷", "县政务数据办", ["window_clerk"]),
    ("demo-reviewer", "吴俊杰", "县市场监管局", ["reviewer"]),
    ("demo-head", "顾国平", "县市场监管局", ["department_head"]),
    ("demo-grid", "沈建华", None, ["grid_worker"]),  # None: the first town's government
    ("demo-data", "徐佳怡", "县政务数据办", ["data_officer"]),
    # The population registry's keeper answers data objections to it (数据异议).
    ("demo-police-data", "陈志明", "县公安局", ["data_officer"]),
    ("demo-supervisor", "钱卫东", "县政府办公室", ["supervisor"]),
    # The finance bureau's non-tax revenue officer: every payment order, the reconciliation.
    ("demo-finance", "姚美芳", "县财政局", ["finance_officer"]),
    # The market regulation bureau's archivist: its e-archive (电子档案), the four-property check.
    ("demo-archivist", "沈丽华", "县市场监管局", ["archivist"]),
    ("demo-admin", "陆志远", "县政务数据办", ["administrator"]),
)


def demo_totp_secret(username: str) -> str:
    """A fixed, published TOTP secret per demo staff account (demo only!)."""
    digest = hashlib.sha256(f"onetrip-demo-totp:{username}".encode()).digest()
    return base64.b32encode(digest).decode()[:32]


def organisation_code(body8: str) -> str:
    """GB 11714 organisation code: 8 characters and their check character."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(alphabet.index(char) * weight for char, weight in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(authority_type: str, region6: str, body8: str) -> str:
    first17 = authority_type + region6 + organisation_code(body8)
    return first17 + uscc_check_char(first17)


def population(county_code: str, count: int = 300):
    """`count` registry people: (name, gender, birth, id_number, phone), deterministic."""
    rng = random.Random(f"onetrip-demo-population:{county_code}")
    taken_ids = {person.id_number(county_code) for person in DEMO_PEOPLE}
    taken_phones = {person.phone for person in DEMO_PEOPLE}
    people = []
    while len(people) < count:
        gender = rng.choice(("male", "female"))
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 66 * 365))
        sequence = rng.randrange(0, 500) * 2 + (1 if gender == "male" else 0)
        first17 = f"{county_code[:6]}{birth:%Y%m%d}{sequence:03d}"
        id_number = first17 + citizen_id_check_char(first17)
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        if id_number in taken_ids or phone in taken_phones or phone.startswith("1395730"):
            continue
        taken_ids.add(id_number)
        taken_phones.add(phone)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        people.append((rng.choice(SURNAMES) + given, gender, birth, id_number, phone))
    return people


def companies(county_code: str, county_name: str, count: int = 12):
    """`count` companies: (uscc, name, type, established_on, capital), deterministic."""
    rng = random.Random(f"onetrip-demo-companies:{county_code}")
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    result = []
    names = set()
    while len(result) < count:
        brand = "".join(rng.sample(BRANDS, 2))
        industry, suffix = rng.choice(INDUSTRIES)
        name = f"{county_name[:2]}{brand}{industry}{suffix}"
        if name in names:
            continue
        names.add(name)
        body = "MA2" + "".join(rng.choice(alphabet) for _ in range(5))
        established = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
        capital = rng.choice((50, 100, 200, 500, 1000, 3000))
        result.append(
            (make_uscc("91", county_code[:6], body), name, "有限责任公司", established, capital)
        )
    return result


# Sample applicants: registry people who open accounts so that the demo's sample applications
# have applicants besides the demo account holders (onetrip/demo/samples.py).
SAMPLE_APPLICANTS = 12


def sample_people(county_code: str, count: int = SAMPLE_APPLICANTS):
    """The first `count` adults (born 1950–1999) of `population`: (name, gender, birth,
    id_number, phone), deterministic."""
    return [row for row in population(county_code) if 1950 <= row[2].year <= 1999][:count]


def staff_name(seed: str) -> str:
    """An invented, deterministic name for a sample staff account."""
    rng = random.Random(f"onetrip-demo-staff:{seed}")
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
