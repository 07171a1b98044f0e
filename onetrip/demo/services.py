"""Sets up the demo county: regions, departments, registries, accounts. Idempotent.

Only for demonstrations and tests: every account it creates is listed in `data.DEMO_PEOPLE`
and `data.DEMO_STAFF` and uses the published password `data.DEMO_PASSWORD`.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.accounts.models import AssuranceLevel, StaffRole
from onetrip.archive import services as archive_services
from onetrip.catalogue import services as catalogue_services
from onetrip.core.errors import DomainError
from onetrip.datasets import services as dataset_services
from onetrip.departments import selectors as department_selectors
from onetrip.departments import services as department_services
from onetrip.licences import selectors as licence_selectors
from onetrip.licences import services as licence_services
from onetrip.notify.services import sms_muted
from onetrip.regions import selectors as region_selectors
from onetrip.regions import services as region_services
from onetrip.registries import services as registry_services
from onetrip.registries.models import PopulationRecord
from onetrip.signing import selectors as signing_selectors
from onetrip.signing import services as signing_services
from onetrip.spatial import services as spatial_services

from . import data
from .appointments import appointments_load
from .payments import payments_load
from .samples import samples_load

ACTOR = "demo loader"


@dataclass
class Login:
    kind: str
    label: str
    login: str
    password: str
    totp_secret: str = ""


@dataclass
class DemoSummary:
    region_code: str
    logins: list[Login] = field(default_factory=list)
    unregistered: dict = field(default_factory=dict)
    samples: int = 0  # sample applications (DemoSample rows)


def data_file(kind: str, region_code: str) -> Path:
    return Path(settings.BASE_DIR) / "data" / kind / f"{region_code}.json"


def _registry_people(county, county_code: str) -> dict[str, object]:
    """Writes the population registry: the demo account holders and a few hundred others. Rows
    there already are kept as they are (a data objection may have corrected one)."""
    villages = list(region_selectors.region_descendants(code=county.code, level="village"))
    places = villages or list(region_selectors.region_towns(county_code=county.code)) or [county]
    rows = [
        (p.name, p.gender, p.birth, p.id_number(county_code), p.phone) for p in data.DEMO_PEOPLE
    ]
    rows += data.population(county_code)
    records = {
        r.id_number: r
        for r in PopulationRecord.objects.filter(id_number__in=[row[3] for row in rows])
    }
    for index, (name, gender, birth, id_number, phone) in enumerate(rows):
        if id_number in records:
            continue
        place = places[index % len(places)]
        chain = [*region_selectors.region_ancestors(region=place)[1:], place]
        address = "".join(region.name for region in chain) + f"{index % 97 + 1}号"
        record, _outcome = registry_services.population_record_save(
            actor=ACTOR,
            id_number=id_number,
            name=name,
            gender=gender,
            birth_date=birth,
            household_region=place,
            address=address,
            phone=phone,
        )
        records[id_number] = record
    return records


def _citizen(person: data.DemoPerson, county_code: str):
    id_number = person.id_number(county_code)
    user = account_selectors.user_find_for_login(identifier=id_number)
    if user is None:
        user = account_services.person_register(
            id_number=id_number,
            name=person.name,
            phone=person.phone,
            password=data.DEMO_PASSWORD,
            actor=ACTOR,
        )
    return user


def _department(department_name: str | None, county_code: str):
    if department_name is not None:
        return department_selectors.department_find(code_or_name=department_name)
    # The first town or street government of the county (for the grid worker).
    return next(
        (
            department
            for department in department_selectors.department_tree(region_code=county_code)
            if department.region.level == "town" and department.parent_id is None
        ),
        None,
    )


def _staff(county_code: str) -> dict[str, object]:
    users = {}
    for username, name, department_name, roles in data.DEMO_STAFF:
        user = account_selectors.user_find_for_login(identifier=username)
        if user is None:
            department = _department(department_name, county_code)
            if department is None:
                raise DomainError(
                    "demo.department_missing",
                    _("The department file has no department for a demo staff account."),
                    detail={"department": department_name, "region": county_code},
                )
            user = account_services.staff_create(
                username=username,
                name=name,
                department_code=department.code,
                roles=roles,
                password=data.DEMO_PASSWORD,
                actor=ACTOR,
                totp_secret=data.demo_totp_secret(username),
            )
        users[username] = user
    return users


def _legal_persons(county, county_code: str, citizens: dict, clerk) -> list[dict]:
    """The companies in the registry; the first three registered as legal persons (returned)."""
    companies = data.companies(county_code, county.name)
    representatives = [data.DEMO_PEOPLE[1], data.DEMO_PEOPLE[2], data.DEMO_PEOPLE[0]]
    registered = []
    for index, (uscc, name, entity_type, established, capital) in enumerate(companies):
        representative = representatives[index] if index < len(representatives) else None
        rep_name = representative.name if representative else "（演示）" + name[2:4]
        address = f"{county.name}{name[2:4]}路{index + 1}号"
        registry_services.entity_record_save(
            actor=ACTOR,
            uscc=uscc,
            name=name,
            entity_type=entity_type,
            legal_representative=representative.name if representative else rep_name,
            legal_representative_id_number=(
                representative.id_number(county_code) if representative else ""
            ),
            registered_capital=Decimal(capital),
            address=address,
            established_on=established,
        )
        if representative is None:
            continue
        registered.append(
            {
                "uscc": uscc,
                "name": name,
                "address": address,
                "representative": representative.name,
                "representative_key": representative.key,
            }
        )
        if account_selectors.legal_person_get(uscc=uscc) is None:
            account_services.legal_person_register(
                uscc=uscc,
                name=name,
                entity_type=entity_type,
                representative=account_selectors.person_for_user(user=citizens[representative.key]),
                actor=clerk,
            )
    # 陈建国 (L2), representative of the first company, authorises 李秀英 (L3) as its agent.
    legal = account_selectors.legal_person_get(uscc=companies[0][0])
    agent = account_selectors.person_for_user(user=citizens["citizen_l3"])
    if not any(
        r.legal_person_id == legal.pk
        for r in account_selectors.representations_for_person(person=agent)
    ):
        account_services.agent_authorise(
            actor=citizens["citizen_l2"],
            legal_person=legal,
            agent=agent,
            scope="办理市场主体登记、许可类事项（演示）",
        )
    return registered


# --- E-licences (电子证照): types for every licence the catalogue's matters issue, signing keys
# for their departments, and a few licences already issued to the demo people and companies.

# Form fields that describe the applicant rather than the licence.
HOLDER_FIELDS = {"applicant_name", "id_number", "phone"}
# Validity in months by licence type (none: no time limit). Demo values.
DEMO_VALIDITY = {"SPJYXKZ": 60, "JDCJSZ": 72, "PWXKZ": 60, "JYCYZ": 36, "GGCSWSXKZ": 48}
# Departments whose demo key is SM2 (GB/T 32918); the others sign with Ed25519.
DEMO_SM2_DEPARTMENTS = {"WJJ"}


def demo_department_uscc(department, county_code: str) -> str:
    """A well-formed, deterministic USCC for a demo department (机构编制, 机关: "11").
    A unit (科, 所) issues in its parent's name, so it has its parent's code. DEMO DATA."""
    while department.parent_id is not None:
        department = department.parent
    digest = hashlib.sha256(f"onetrip-demo-uscc:{department.code}".encode()).digest()
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(alphabet[byte % len(alphabet)] for byte in digest[:8])
    return data.make_uscc("11", county_code[:6], body)


def _licence_types(county_code: str) -> dict:
    matters_file = data_file("matters", county_code)
    if not matters_file.exists():
        return {}
    matters = json.loads(matters_file.read_text(encoding="utf-8"))["matters"]
    found: dict[str, dict] = {}
    for matter in matters:
        code = matter.get("licence_type_code")
        if not code:
            continue
        entry = found.setdefault(
            code, {"name": matter["result_name"], "department": matter["department"], "fields": {}}
        )
        for item in matter.get("form_schema", []):
            if item["name"] not in HOLDER_FIELDS:
                entry["fields"].setdefault(item["name"], item["label"])
    types = {}
    for index, (code, entry) in enumerate(sorted(found.items()), start=1):
        department = department_selectors.department_find(code_or_name=entry["department"])
        if department is None:
            continue
        issuer_code = demo_department_uscc(department, county_code)
        types[code] = licence_services.licence_type_save(
            actor=ACTOR,
            code=code,
            name=entry["name"],
            identifier_code=f"{issuer_code}{index:03d}",
            department=department,
            issuer_code=issuer_code,
            fields_schema=[{"name": n, "label": label} for n, label in entry["fields"].items()],
            validity_months=DEMO_VALIDITY.get(code),
        )
        if not signing_selectors.signing_key_list(department_code=department.code).filter(
            retired_at__isnull=True
        ):
            short = department.code.rsplit("-", 1)[-1]
            signing_services.signing_key_create(
                actor=ACTOR,
                department=department,
                algorithm="sm2" if short in DEMO_SM2_DEPARTMENTS else "ed25519",
            )
    return types


def _licences(county, county_code: str, citizens: dict) -> None:
    types = _licence_types(county_code)
    if not types:
        return
    people = {key: account_selectors.person_for_user(user=user) for key, user in citizens.items()}
    companies = data.companies(county_code, county.name)
    wang, chen, li = people["citizen_l1"], people["citizen_l2"], people["citizen_l3"]
    first_uscc, first_name = companies[0][0], companies[0][1]
    second_uscc, second_name = companies[1][0], companies[1][1]
    town = county.name
    issues = [
        (
            "YYZZ",
            "person",
            wang.id_number,
            wang.name,
            datetime.date(2025, 4, 8),
            {
                "business_name": f"{town}晓燕面馆（个体工商户）",
                "business_scope": "餐饮服务；食品小作坊经营",
                "address": f"{town}武原街道海滨东路18号",
                "form_of_organisation": "个人经营",
                "capital": 10,
            },
        ),
        ("JDCJSZ", "person", chen.id_number, chen.name, datetime.date(2023, 9, 2), {}),
        ("JYCYZ", "person", li.id_number, li.name, datetime.date(2019, 5, 20), {}),  # expired
        (
            "YYZZ",
            "legal",
            first_uscc,
            first_name,
            datetime.date(2024, 6, 18),
            {
                "company_name": first_name,
                "registered_capital": 500,
                "business_scope": "机械设备制造、销售",
                "address": f"{town}经济开发区",
            },
        ),
        (
            "SPJYXKZ",
            "legal",
            first_uscc,
            first_name,
            datetime.date(2025, 1, 6),
            {
                "entity_name": first_name,
                "uscc": first_uscc,
                "legal_representative": chen.name,
                "shop_address": f"{town}经济开发区职工食堂",
                "main_business": "单位食堂",
                "area": 260,
            },
        ),
        ("PWXKZ", "legal", second_uscc, second_name, datetime.date(2024, 11, 1), {}),
    ]
    for index, (type_code, holder_type, holder_id, name, valid_from, fields) in enumerate(issues):
        licence_type = types.get(type_code)
        source = f"DEMO-{index + 1:03d}"
        if licence_type is None or licence_selectors.licence_exists(
            source=source, type_code=type_code, holder_id=holder_id
        ):
            continue
        licence_services.licence_issue(
            actor=ACTOR,
            type_code=type_code,
            holder_type=holder_type,
            holder_id=holder_id,
            holder_name=name,
            fields=fields,
            department=licence_type.department,
            source=source,
            valid_from=valid_from,
        )


# Data objections of the demo citizens to their population records: one answered (the record
# corrected), one waiting for the public-security bureau's data officer.
DEMO_OBJECTIONS = (
    (
        "citizen_l3",
        {"address": "{county}武原街道海滨东路18号"},
        "今年已搬家，户籍住址已变更，平台上仍是旧地址。",
        True,
    ),
    ("citizen_l2", {"phone": "13957300011"}, "手机号码已更换，登记的联系电话有误。", False),
)


def _credit_records(citizens: dict, staff: dict) -> None:
    """A minor bad-conduct record of the L2 citizen from the public-security bureau, which the
    citizen may object to on 我的数据 and its data officer (demo-police-data) answer. Once."""
    from onetrip.credit.models import CreditRecord
    from onetrip.credit.services import credit_record_add

    person = account_selectors.person_for_user(user=citizens["citizen_l2"])
    officer = staff.get("demo-police-data")
    if officer is None or CreditRecord.objects.filter(subject_id=person.id_number).exists():
        return
    department = officer.staff.department
    today = timezone.localdate()
    credit_record_add(
        actor=ACTOR,
        subject_type="person",
        subject_id=person.id_number,
        subject_name=person.name,
        kind="bad",
        severity="minor",
        category="居住证管理",
        decided_on=today - datetime.timedelta(days=120),
        valid_until=today + datetime.timedelta(days=245),
        description="未按规定期限办理居住证签注，予以警告。",
        department=department,
    )


def _objections(citizens: dict, staff: dict) -> None:
    """The demo's objections, made through the services once (skipped when there is no
    POP-BASE or no officer of its owner)."""
    from onetrip.datasets.models import Dataset
    from onetrip.objections import services as objection_services
    from onetrip.objections.models import DataObjection

    dataset = Dataset.objects.filter(code="POP-BASE").select_related("owner").first()
    officer = next(
        (
            user
            for user in staff.values()
            if dataset is not None and user.staff.department_id == dataset.owner_id
        ),
        None,
    )
    filers = [citizens[key] for key, *_rest in DEMO_OBJECTIONS]
    if officer is None or DataObjection.objects.filter(filed_by__in=filers).exists():
        return
    region = dataset.owner.region
    # The way the registry writes addresses: city and county first (嘉兴市海盐县…).
    county = f"{region.parent.name if region.parent else ''}{region.name}"
    for key, proposed, statement, answered in DEMO_OBJECTIONS:
        user = citizens[key]
        objection = objection_services.objection_file(
            actor=user,
            dataset=dataset,
            key=account_selectors.person_for_user(user=user).id_number,
            proposed={name: value.format(county=county) for name, value in proposed.items()},
            statement=statement,
        )
        if answered:
            objection_services.objection_decide(
                actor=officer,
                objection=objection,
                upheld=True,
                note="经核对户籍档案，予以更正。",
            )


def _data_requests(citizens: dict, staff: dict) -> None:
    """Open-data requests (数据需求与纠错): one the public-security bureau answered, one waiting
    for its data officer (demo-police-data), an error report on an open dataset. Once."""
    from onetrip.datarequests import services as request_services
    from onetrip.datarequests.models import DataRequest
    from onetrip.datasets.models import Dataset

    officer = staff.get("demo-police-data")
    if officer is None or DataRequest.objects.exists():
        return
    police = officer.staff.department
    answered = request_services.request_file(
        actor=citizens["citizen_l1"],
        kind="need",
        department=police,
        title="开放户籍业务办理网点信息",
        description="希望开放全县户籍业务办理网点的地址、办公时间和可办业务，便于群众就近办理。",
        purpose="开发便民地图小程序（演示）",
    )
    request_services.request_answer(
        actor=officer,
        item=answered,
        accepted=True,
        answer="已纳入本年度数据开放计划，预计下月在本平台发布（演示）。",
    )
    request_services.request_file(
        actor=citizens["citizen_l2"],
        kind="need",
        department=police,
        title="开放各镇街户籍人口统计数据",
        description="希望按镇（街道）开放年末户籍人口数及性别、年龄段构成，用于社区服务规划研究。",
        purpose="社区养老服务规划研究（演示）",
    )
    licences = Dataset.objects.filter(code="LIC-PUBLICITY", opening_class="open").first()
    if licences is not None:
        request_services.request_file(
            actor=citizens["citizen_l3"],
            kind="error",
            dataset=licences,
            title="行政许可公示中许可期限有误",
            description="公示中一条食品经营许可的有效期截止日期早于决定日期，疑为录入错误（演示）。",
        )


def demo_load(
    *, region_code: str | None = None, migrate: bool = True, samples: bool = True
) -> DemoSummary:
    """Migrates, then loads the county's region and department files, the demo people and
    (unless `samples` is False) the sample applications in one transaction. Running it again
    adds nothing twice."""
    region_code = region_code or settings.ONETRIP_REGION
    if migrate:  # outside the transaction: SQLite's schema editor needs that
        call_command("migrate", interactive=False, verbosity=0)
    # No SMS to the invented people, also from what the services queue for the commit.
    with sms_muted(), transaction.atomic():
        return _load(region_code, samples=samples)


def _load(region_code: str, *, samples: bool = True) -> DemoSummary:
    region_services.regions_load(path=data_file("regions", region_code), actor=ACTOR)
    department_services.departments_load(path=data_file("departments", region_code), actor=ACTOR)
    datasets_file = data_file("datasets", region_code)
    if datasets_file.exists():  # the demo data catalogue (DEMO data, see the file's notes);
        # before the matters: publishing checks their ID-only sources against it
        dataset_services.datasets_load(path=datasets_file, actor=ACTOR)
    matters_file = data_file("matters", region_code)
    if matters_file.exists():  # a county may start without a catalogue and claim it later
        catalogue_services.matters_load(path=matters_file, actor=ACTOR)
    county = region_selectors.region_get(code=region_code)
    county_code = county.code[:6]
    records = _registry_people(county, county_code)
    staff = _staff(county_code)
    citizens = {
        person.key: _citizen(person, county_code)
        for person in data.DEMO_PEOPLE
        if person.key != "unregistered"
    }
    l2, l3 = citizens["citizen_l2"], citizens["citizen_l3"]
    for user in (l2, l3):
        account_services.person_verify_real_name(user=user)  # matches the registry
        user.refresh_from_db()
    if not l3.has_level(AssuranceLevel.L3):
        account_services.person_verify_in_person(actor=staff["demo-clerk"], user=l3)
    companies = _legal_persons(county, county_code, citizens, staff["demo-clerk"])
    _licences(county, county_code, citizens)
    grids_file = data_file("grids", region_code).with_suffix(".geojson")
    if grids_file.exists():
        spatial_services.grids_load(path=grids_file, actor=ACTOR)
    # Last: sample applications over the catalogue (after the licence types, their keys and the
    # data catalogue, which approvals and ID-only pulls use).
    sample_count = (
        samples_load(
            county=county,
            county_code=county_code,
            records=records,
            staff=staff,
            citizens=citizens,
            companies=companies,
        )
        if samples
        else 0
    )

    _credit_records(citizens, staff)
    _objections(citizens, staff)
    _data_requests(citizens, staff)
    if samples:
        payments_load()  # fees of the sample cases, a day's difference to reconcile
        # The closed sample cases, as the nightly run would have archived them (电子归档).
        with translation.override(settings.LANGUAGE_CODE):
            archive_services.cases_archive_due(limit=10_000)
    appointments_load(citizens=citizens)  # times booked at the county's hall

    summary = DemoSummary(region_code=region_code, samples=sample_count)
    labels = {
        "citizen_l1": _("Citizen, L1 (registered)"),
        "citizen_l2": _("Citizen, L2 (real-name verified; legal representative)"),
        "citizen_l3": _("Citizen, L3 (verified in person; authorised agent)"),
    }
    for person in data.DEMO_PEOPLE:
        if person.key in labels:
            summary.logins.append(
                Login(
                    "citizen",
                    str(labels[person.key]),
                    person.id_number(county_code),
                    data.DEMO_PASSWORD,
                )
            )
    for username, _name, _department_name, roles in data.DEMO_STAFF:
        department = staff[username].staff.department
        summary.logins.append(
            Login(
                "staff",
                f"{'、'.join(str(StaffRole(role).label) for role in roles)}"
                f"（{department.short_name or department.name}）",
                username,
                data.DEMO_PASSWORD,
                data.demo_totp_secret(username),
            )
        )
    newcomer = data.DEMO_PEOPLE[3]
    summary.unregistered = {
        "name": newcomer.name,
        "id_number": newcomer.id_number(county_code),
        "phone": newcomer.phone,
    }
    return summary
