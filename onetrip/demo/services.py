"""Sets up the demo county: regions, departments, registries, accounts. Idempotent.

Only for demonstrations and tests: every account it creates is listed in `data.DEMO_PEOPLE`
and `data.DEMO_STAFF` and uses the published password `data.DEMO_PASSWORD`.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.accounts.models import AssuranceLevel, StaffRole
from onetrip.catalogue import services as catalogue_services
from onetrip.core.errors import DomainError
from onetrip.departments import selectors as department_selectors
from onetrip.departments import services as department_services
from onetrip.regions import selectors as region_selectors
from onetrip.regions import services as region_services
from onetrip.registries import services as registry_services

from . import data

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


def data_file(kind: str, region_code: str) -> Path:
    return Path(settings.BASE_DIR) / "data" / kind / f"{region_code}.json"


def _registry_people(county, county_code: str) -> dict[str, object]:
    """Writes the population registry: the demo account holders and a few hundred others."""
    villages = list(region_selectors.region_descendants(code=county.code, level="village"))
    places = villages or list(region_selectors.region_towns(county_code=county.code)) or [county]
    records = {}
    rows = [
        (p.name, p.gender, p.birth, p.id_number(county_code), p.phone) for p in data.DEMO_PEOPLE
    ]
    rows += data.population(county_code)
    for index, (name, gender, birth, id_number, phone) in enumerate(rows):
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


def _legal_persons(county, county_code: str, citizens: dict, clerk) -> None:
    companies = data.companies(county_code, county.name)
    representatives = [data.DEMO_PEOPLE[1], data.DEMO_PEOPLE[2], data.DEMO_PEOPLE[0]]
    for index, (uscc, name, entity_type, established, capital) in enumerate(companies):
        representative = representatives[index] if index < len(representatives) else None
        rep_name = representative.name if representative else "（演示）" + name[2:4]
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
            address=f"{county.name}{name[2:4]}路{index + 1}号",
            established_on=established,
        )
        if representative is None:
            continue
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


def demo_load(*, region_code: str | None = None, migrate: bool = True) -> DemoSummary:
    """Migrates, then loads the county's region and department files and the demo people in
    one transaction. Running it again adds nothing twice."""
    region_code = region_code or settings.ONETRIP_REGION
    if migrate:  # outside the transaction: SQLite's schema editor needs that
        call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        return _load(region_code)


def _load(region_code: str) -> DemoSummary:
    region_services.regions_load(path=data_file("regions", region_code), actor=ACTOR)
    department_services.departments_load(path=data_file("departments", region_code), actor=ACTOR)
    matters_file = data_file("matters", region_code)
    if matters_file.exists():  # a county may start without a catalogue and claim it later
        catalogue_services.matters_load(path=matters_file, actor=ACTOR)
    county = region_selectors.region_get(code=region_code)
    county_code = county.code[:6]
    _registry_people(county, county_code)
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
    _legal_persons(county, county_code, citizens, staff["demo-clerk"])

    summary = DemoSummary(region_code=region_code)
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
