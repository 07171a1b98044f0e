"""Creates the benchmark's fixtures through the app's own code paths, and checks results.

Run by bench/run.py with the same environment as the server (production settings, the
bench database). Prints one JSON object on stdout.

    fixtures.py [setup] --accounts 16 [--licences 300] [--appliers 16 --drafts 8000]
                [--supervisor]
    fixtures.py gen-status --seed 1 --today 2026-11-28 --cases 1000000
    fixtures.py verify-submissions --numbers FILE --acked FILE
    fixtures.py explain-supervision --supervisor USERNAME

setup (the identity suite's part is always made):
- Accounts: onetrip.accounts.services.person_register (the real registration service, so the
  password is hashed with the project's Argon2id parameters and the audit chain is written).
- OAuth clients: the django-oauth-toolkit Application model; the secret is given in clear and
  DOT hashes it on save with OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] (the project's SM3 hasher),
  exactly as a client registered by an operator would be stored.
- Licences (--licences): a new Ed25519 key per issuing department
  (onetrip.signing.services.signing_key_create, so the newest key, Ed25519, signs), then
  onetrip.licences.services.licence_issue round-robin over the catalogue's licence types.
- Drafts (--appliers, --drafts): applicants in the population registry
  (registries.services.population_record_save), registered (person_register) and real-name
  verified to L2 (person_verify_real_name); each draft is cases.services.case_create +
  case_form_save (+ case_material_upload of a small PDF for every required material, when the
  chosen matter has any), owned round-robin by the applicants.
- Supervisor (--supervisor): a staff member with the supervisor role and a TOTP secret
  (accounts.services.staff_create), in the department of the demo county's supervisor.
"""

import argparse
import datetime
import json
import os
import secrets
import sys
from pathlib import Path

# The code under test: bench/run.py may run an export of HEAD (BENCH_APP_DIR).
sys.path.insert(0, os.environ.get("BENCH_APP_DIR") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onetrip.settings.production")

import django

django.setup()

from django.db import transaction  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402
from stdnum.iso7064 import mod_11_2  # noqa: E402

from onetrip.accounts.models import Person, User  # noqa: E402
from onetrip.accounts.services import person_register  # noqa: E402

Application = get_application_model()
REDIRECT_URI = "https://127.0.0.1/bench/callback"
ACTOR = "bench fixtures"


def citizen_ids(region: str, start: int):
    """Well-formed 18-character citizen ID numbers (valid check character) for the region,
    skipping any the database already knows (`onetrip gen` fills the registry)."""
    from onetrip.registries.models import PopulationRecord

    index = start
    while True:
        body = f"{region[:6]}1985{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"
        number = body + mod_11_2.calc_check_digit(body)
        index += 1
        if PopulationRecord.objects.filter(id_number=number).exists():
            continue
        if Person.objects.filter(id_number=number).exists():
            continue
        yield number


def phones(prefix: str):
    index = 0
    while True:
        phone = f"{prefix}{index:08d}"
        index += 1
        if not User.objects.filter(phone=phone).exists():
            yield phone


def identity_fixtures(accounts_wanted: int) -> dict:
    from django.conf import settings

    accounts = []
    ids, phone_numbers = citizen_ids(settings.ONETRIP_REGION, 0), phones("139")
    for index in range(accounts_wanted):
        password = f"Bench-{secrets.token_hex(8)}"
        phone = next(phone_numbers)
        person_register(
            id_number=next(ids),
            name=f"Bench Person {index}",
            phone=phone,
            password=password,
        )
        accounts.append({"identifier": phone, "password": password})

    cc_secret = secrets.token_urlsafe(32)
    cc = Application.objects.create(
        name="bench client-credentials",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=cc_secret,
        hash_client_secret=True,
    )
    ac_secret = secrets.token_urlsafe(32)
    ac = Application.objects.create(
        name="bench authorization-code",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=ac_secret,
        hash_client_secret=True,
        redirect_uris=REDIRECT_URI,
        skip_authorization=True,
    )
    stored = Application.objects.get(pk=cc.pk).client_secret
    return {
        "accounts": accounts,
        "client_credentials": {"client_id": cc.client_id, "client_secret": cc_secret},
        "authorization_code": {
            "client_id": ac.client_id,
            "client_secret": ac_secret,
            "redirect_uri": REDIRECT_URI,
        },
        "client_secret_hasher": stored.split("$", 1)[0],
    }


# --- licences ---------------------------------------------------------------------------------


def licence_fixtures(count: int) -> dict:
    from django.conf import settings

    from onetrip.licences.models import LicenceType
    from onetrip.licences.services import licence_issue
    from onetrip.signing.services import signing_key_create

    types = list(
        LicenceType.objects.select_related("department").filter(is_active=True).order_by("code")
    )
    if not types:
        raise SystemExit("no licence types: the licence scenario needs the demo catalogue")
    keys = {}
    for licence_type in types:
        department = licence_type.department
        if department.pk not in keys:
            keys[department.pk] = signing_key_create(
                actor=ACTOR, department=department, algorithm="ed25519"
            ).key_id
    numbers = []
    ids = citizen_ids(settings.ONETRIP_REGION, 500_000)
    for index in range(count):
        licence_type = types[index % len(types)]
        fields = {item["name"]: f"bench {index}" for item in licence_type.fields_schema}
        with transaction.atomic():
            licence = licence_issue(
                actor=ACTOR,
                type_code=licence_type.code,
                holder_type="person",
                holder_id=next(ids),
                holder_name=f"Bench Holder {index}",
                fields=fields,
                department=licence_type.department,
                source=f"BENCH-{index:05d}",
            )
        numbers.append(licence.number)
    from onetrip.licences.models import Licence

    used = sorted(set(Licence.objects.filter(number__in=numbers).values_list("alg", flat=True)))
    return {"licences": numbers, "licence_types": len(types), "licence_algs": used}


# --- drafts -----------------------------------------------------------------------------------

FILLABLE = {"text", "number", "date", "choice", "id_number", "phone"}


def _matter_for_drafts():
    """A published matter a person applies for online at L2, whose form we can fill in; one
    that needs no uploads if there is one (the fewest uploads otherwise)."""
    from onetrip.accounts.models import AssuranceLevel
    from onetrip.cases.services import _applicant_materials
    from onetrip.catalogue.models import Matter

    candidates = []
    for matter in Matter.objects.select_related("current_version").order_by("code"):
        version = matter.current_version
        if version is None or not version.is_published or not version.online:
            continue
        if version.applicant_kind not in ("person", "both") or version.is_secret:
            continue
        if version.required_level not in (AssuranceLevel.L1, AssuranceLevel.L2):
            continue
        if any(field.get("type", "text") not in FILLABLE for field in version.form_schema):
            continue
        candidates.append((len(_applicant_materials(version)), matter.code, version))
    if not candidates:
        raise SystemExit("no matter a person can apply for online: the catalogue is missing")
    candidates.sort(key=lambda item: (item[0], item[1]))
    return candidates[0][2]


def _form_data(version, person, phone: str, index: int) -> dict:
    data = {}
    for field in version.form_schema:
        kind = field.get("type", "text")
        if kind == "number":
            value = str(10 + index % 90)
        elif kind == "date":
            value = datetime.date(2026, 1, 1 + index % 28).isoformat()
        elif kind == "choice":
            value = (field.get("choices") or [""])[0]
        elif kind == "id_number":
            value = person.id_number
        elif kind == "phone":
            value = phone
        else:
            value = f"bench draft {index}"
        data[field["name"]] = value
    return data


# The smallest file the upload check accepts as a PDF (it checks the %PDF- signature).
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def draft_fixtures(appliers: int, drafts: int) -> dict:
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onetrip.accounts.services import person_verify_real_name
    from onetrip.cases.services import (
        _applicant_materials,
        case_create,
        case_form_save,
        case_material_upload,
    )
    from onetrip.regions.models import Region
    from onetrip.registries.services import population_record_save

    version = _matter_for_drafts()
    materials = _applicant_materials(version)
    place = Region.objects.filter(code__startswith=settings.ONETRIP_REGION[:6]).first()
    ids, phone_numbers = citizen_ids(settings.ONETRIP_REGION, 1000), phones("138")
    users, accounts = [], []
    for index in range(appliers):
        id_number, phone = next(ids), next(phone_numbers)
        name = f"Bench Applicant {index}"
        password = f"Bench-{secrets.token_hex(8)}"
        population_record_save(
            actor=ACTOR,
            id_number=id_number,
            name=name,
            gender="male" if int(id_number[16]) % 2 else "female",
            birth_date=datetime.date(1985, int(id_number[10:12]), int(id_number[12:14])),
            household_region=place,
            phone=phone,
        )
        user = person_register(id_number=id_number, name=name, phone=phone, password=password)
        user = person_verify_real_name(user=user)
        users.append((user, Person.objects.get(user=user), phone))
        accounts.append({"identifier": phone, "password": password})
    numbers = []
    batch = 100
    for start in range(0, drafts, batch):
        # One outer transaction per batch: the services still run (each in its savepoint);
        # only the fsyncs of synchronous=FULL are shared, which the set-up need not measure.
        with transaction.atomic():
            for index in range(start, min(drafts, start + batch)):
                owner = index % appliers
                user, person, phone = users[owner]
                case = case_create(actor=user, version=version)
                case_form_save(
                    actor=user, case=case, data=_form_data(version, person, phone, index)
                )
                for material in materials:
                    upload = SimpleUploadedFile(
                        "bench.pdf", TINY_PDF, content_type="application/pdf"
                    )
                    case_material_upload(
                        actor=user, case=case, uploaded_file=upload, matter_material=material
                    )
                numbers.append([case.number, owner])
    return {
        "appliers": accounts,
        "drafts": numbers,
        "draft_matter": {
            "code": version.matter.code,
            "name": version.name,
            "uploads_per_draft": len(materials),
        },
    }


# --- the supervisor ---------------------------------------------------------------------------


def supervisor_fixture() -> dict:
    import pyotp

    from onetrip.accounts.models import StaffRole
    from onetrip.accounts.services import staff_create
    from onetrip.departments.models import Department

    demo = User.objects.filter(username="demo-supervisor").select_related("staff").first()
    if demo is not None and getattr(demo, "staff", None) is not None:
        department = demo.staff.department
    else:
        department = Department.objects.filter(parent=None).order_by("code").first()
    username = f"bench-supervisor-{secrets.token_hex(3)}"
    password = f"Bench-{secrets.token_hex(8)}"
    secret = pyotp.random_base32()
    staff_create(
        username=username,
        name="Bench Supervisor",
        department_code=department.code,
        roles=[StaffRole.SUPERVISOR],
        password=password,
        actor=ACTOR,
        totp_secret=secret,
    )
    return {"username": username, "password": password, "totp_secret": secret}


# --- checks after a run -----------------------------------------------------------------------


def gen_status(seed: int, today: str, cases: int) -> dict:
    """Is this database what `onetrip gen --seed S --today T` (default sizes) made?"""
    from django.db.utils import DatabaseError

    from onetrip.cases.models import Application as Case
    from onetrip.core.models import AuditEntry

    try:
        runs = list(
            AuditEntry.objects.filter(action="gen.dataset.generate")
            .order_by("id")
            .values_list("detail", flat=True)
        )
        generated = Case.objects.filter(number__contains=f"-G{seed}-").count()
    except DatabaseError as error:  # not migrated yet
        return {"ready": False, "reason": str(error).splitlines()[0]}
    matching = [
        run
        for run in runs
        if run.get("seed") == seed
        and run.get("today") == today
        and run.get("requested", {}).get("cases") == cases
    ]
    ready = bool(matching) and generated >= cases
    return {
        "ready": ready,
        "generated_cases": generated,
        "gen_runs": len(runs),
        "reason": "" if ready else f"{generated} generated cases, {len(matching)} matching runs",
    }


def verify_submissions(numbers_file: str, acked_file: str) -> dict:
    """Every acknowledged (2xx) submission must be in the database as submitted, with its
    history line (CaseEvent 'submit') and its audit entry (cases.application.submit)."""
    from onetrip.cases.models import Application as Case
    from onetrip.cases.models import CaseEvent, CaseStatus
    from onetrip.core.models import AuditEntry

    offered = [line.split()[0] for line in Path(numbers_file).read_text().splitlines() if line]
    acked = [line.strip() for line in Path(acked_file).read_text().splitlines() if line.strip()]
    chunk = 500

    def collect(query) -> set:
        found = set()
        for start in range(0, len(offered), chunk):
            found |= set(query(offered[start : start + chunk]))
        return found

    submitted = collect(
        lambda part: (
            Case.objects.filter(number__in=part)
            .exclude(status=CaseStatus.DRAFT)
            .values_list("number", flat=True)
        )
    )
    with_event = collect(
        lambda part: CaseEvent.objects.filter(
            application__number__in=part, action="submit"
        ).values_list("application__number", flat=True)
    )
    with_audit = collect(
        lambda part: AuditEntry.objects.filter(
            action="cases.application.submit", target_id__in=part
        ).values_list("target_id", flat=True)
    )
    acked_set = set(acked)
    lost = sorted(acked_set - (submitted & with_event & with_audit))
    inconsistent = sorted(submitted ^ with_event | submitted ^ with_audit)
    return {
        "acknowledged": len(acked),
        "acknowledged_unique": len(acked_set),
        "acknowledged_twice": len(acked) - len(acked_set),
        "submitted_in_db": len(submitted),
        "submit_events_in_db": len(with_event),
        "submit_audit_entries_in_db": len(with_audit),
        "acknowledged_but_missing": len(lost),
        "missing_examples": lost[:10],
        "submitted_without_event_or_audit": len(inconsistent),
        "submitted_not_acknowledged": len(submitted - acked_set),
        "durable": not lost and not inconsistent and len(acked) == len(acked_set),
    }


def explain_supervision(username: str) -> dict:
    """Runs the supervisors' selector once, captures its SQL and asks the database for the
    plan (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onetrip.cases.selectors import case_list_for_supervision

    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        started = time.perf_counter()
        cases, today, cutoff = case_list_for_supervision(user=user)
        elapsed = time.perf_counter() - started
    query = next(
        item["sql"]
        for item in captured.captured_queries
        if "deadline_on" in item["sql"] and item["sql"].lstrip().upper().startswith("SELECT")
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
            plan = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            plan = [" | ".join(str(value) for value in row) for row in cursor.fetchall()]
    colours = {}
    for case in cases:
        colours[case.colour] = colours.get(case.colour, 0) + 1
    return {
        "vendor": connection.vendor,
        "today": today.isoformat(),
        "cutoff": cutoff.isoformat(),
        "rows": len(cases),
        "colours": colours,
        "queries": len(captured.captured_queries),
        "selector_ms_in_process": round(1000 * elapsed, 1),
        "sql": query,
        "plan": plan,
    }


def main() -> None:
    argv = sys.argv[1:]
    action = argv.pop(0) if argv and not argv[0].startswith("-") else "setup"
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=16)
    parser.add_argument("--licences", type=int, default=0)
    parser.add_argument("--appliers", type=int, default=0)
    parser.add_argument("--drafts", type=int, default=0)
    parser.add_argument("--supervisor", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default="")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--numbers", default="")
    parser.add_argument("--acked", default="")
    parser.add_argument("--username", default="")
    args = parser.parse_args(argv)

    if action == "gen-status":
        result = gen_status(args.seed, args.today, args.cases)
    elif action == "verify-submissions":
        result = verify_submissions(args.numbers, args.acked)
    elif action == "explain-supervision":
        result = explain_supervision(args.username)
    elif action == "setup":
        result = identity_fixtures(args.accounts)
        if args.licences:
            result.update(licence_fixtures(args.licences))
        if args.drafts:
            result.update(draft_fixtures(max(1, args.appliers), args.drafts))
        if args.supervisor:
            result["supervisor"] = supervisor_fixture()
    else:
        raise SystemExit(f"unknown action {action}")
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
