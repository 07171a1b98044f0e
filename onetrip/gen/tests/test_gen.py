"""`onetrip gen` at small sizes: valid numbers, consistent cases, deterministic, idempotent."""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from onetrip.accounts.models import Person, User
from onetrip.accounts.validators import (
    check_citizen_id,
    check_uscc,
    citizen_id_birth_date,
    citizen_id_gender,
)
from onetrip.cases.models import FINISHED_STATUSES, RUNNING_STATUSES, Application
from onetrip.cases.selectors import case_list_for_supervision
from onetrip.core.models import AuditEntry
from onetrip.demo.services import demo_load
from onetrip.gen.services import dataset_digest, supervision_counts
from onetrip.registries.models import EntityRecord, PopulationRecord
from onetrip.workdays.selectors import workday_add

TODAY = datetime.date(2026, 3, 10)
SMALL = ["--persons", "2000", "--entities", "200", "--accounts", "400", "--cases", "5000"]


def gen(*args: str) -> str:
    out = StringIO()
    call_command("gen", "--no-migrate", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def generated_cases(seed: int):
    return Application.objects.filter(number__contains=f"-G{seed}-")


@pytest.fixture
def county(db):
    demo_load(migrate=False, samples=False)
    return {
        "persons": PopulationRecord.objects.count(),
        "entities": EntityRecord.objects.count(),
    }


@pytest.mark.django_db
def test_generated_people_and_entities_have_valid_numbers(county):
    output = gen("--seed", "7", *SMALL)
    assert "persons   inserted      2000" in output
    assert PopulationRecord.objects.count() == county["persons"] + 2000
    assert EntityRecord.objects.count() == county["entities"] + 200
    for record in PopulationRecord.objects.all():
        assert check_citizen_id(record.id_number, today=TODAY).valid, record.id_number
        assert record.id_number.startswith("330424")
        assert citizen_id_birth_date(record.id_number) == record.birth_date
        assert citizen_id_gender(record.id_number) == record.gender
        assert datetime.date(1930, 1, 1) <= record.birth_date <= TODAY
        assert record.household_region is not None
        assert record.household_region.code.startswith("330424")
        assert record.name and record.address.startswith("嘉兴市海盐县")
    person_ids = set(PopulationRecord.objects.values_list("id_number", flat=True))
    for entity in EntityRecord.objects.all():
        assert check_uscc(entity.uscc).valid, entity.uscc
        assert entity.uscc[2:8] == "330424"
        assert entity.legal_representative_id_number in person_ids | {""}
    assert len(set(EntityRecord.objects.values_list("entity_type", flat=True))) >= 4
    # Applicant accounts: real-name records, no usable password (no hashing at all).
    applicants = User.objects.filter(username__startswith="gen7-")
    assert applicants.count() == 400
    assert not any(user.has_usable_password() for user in applicants)
    assert Person.objects.filter(user__in=applicants).count() == 400
    # One audit entry for the whole run, with the seed and the counts.
    entry = AuditEntry.objects.get(action="gen.dataset.generate")
    assert entry.detail["seed"] == 7
    assert entry.detail["inserted"] == {
        "persons": 2000,
        "entities": 200,
        "accounts": 400,
        "cases": 5000,
    }


@pytest.mark.django_db
def test_generated_cases_are_consistent_and_supervised(county):
    gen("--seed", "7", *SMALL)
    cases = generated_cases(7).select_related("matter_version")
    assert cases.count() == 5000
    statuses = {status: cases.filter(status=status).count() for status in ("rated", "delivered")}
    assert statuses["rated"] + statuses["delivered"] > 2500  # most cases are done
    assert cases.filter(status__in=RUNNING_STATUSES).count() > 0
    assert set(cases.values_list("channel", flat=True)) == {"online", "mobile", "counter"}
    assert cases.filter(status__in=RUNNING_STATUSES, deadline_on__isnull=True).count() == 0
    assert cases.filter(status__in=RUNNING_STATUSES, accepted_on__isnull=True).count() == 0
    assert cases.filter(status__in=FINISHED_STATUSES, finished_on__isnull=True).count() == 0
    for case in cases.filter(status__in=FINISHED_STATUSES).exclude(accepted_on=None):
        assert case.finished_on >= case.accepted_on
        assert case.finished_at >= case.accepted_at >= case.submitted_at >= case.created_at
    earliest = TODAY - datetime.timedelta(days=3 * 365)
    assert earliest <= cases.order_by("created_at").first().created_at.date()
    # Deadlines agree with the working-day rule, checked on a sample against workday_add.
    accepted = list(cases.exclude(accepted_on=None).order_by("number"))
    for case in random.Random(1).sample(accepted, 150):
        result = workday_add(case.accepted_on, case.matter_version.promised_days)
        assert (case.deadline_on, case.deadline_provisional) == (result.date, result.provisional)
    # Applicants are generated accounts; subjects are generated persons or entities.
    assert not cases.exclude(applicant__username__startswith="gen7-").exists()
    # The supervisors' yellow/red list shows them.
    supervisor = User.objects.get(username="demo-supervisor")
    listed, _today, cutoff = case_list_for_supervision(user=supervisor, today=TODAY)
    colours = supervision_counts(today=TODAY)
    assert len(listed) == min(colours["red"] + colours["yellow"], 500) > 0
    assert {case.colour for case in listed} <= {"red", "yellow"}
    assert all(case.deadline_on <= cutoff for case in listed)


@pytest.mark.django_db
def test_same_seed_same_rows_and_a_second_run_adds_nothing(county):
    savepoint = transaction.savepoint()
    gen("--seed", "7", *SMALL)
    first = dataset_digest(seed=7)
    counts = (PopulationRecord.objects.count(), generated_cases(7).count(), User.objects.count())
    output = gen("--seed", "7", *SMALL)
    assert "cases     inserted         0  already there      5000" in output
    assert (
        PopulationRecord.objects.count(),
        generated_cases(7).count(),
        User.objects.count(),
    ) == counts
    assert dataset_digest(seed=7) == first
    transaction.savepoint_rollback(savepoint)

    assert not generated_cases(7).exists()
    gen("--seed", "7", *SMALL)  # from scratch again: the very same rows
    assert dataset_digest(seed=7) == first
    # Larger sizes top up the same streams.
    output = gen("--seed", "7", *SMALL[:-1], "5600", "--only", "cases")
    assert "cases     inserted       600" in output
    assert generated_cases(7).count() == 5600


@pytest.mark.django_db
def test_another_seed_gives_other_rows(county):
    savepoint = transaction.savepoint()
    gen("--seed", "7", "--persons", "300", "--entities", "30", "--accounts", "50", "--cases", "300")
    seven = dataset_digest(seed=7)
    transaction.savepoint_rollback(savepoint)
    gen("--seed", "8", "--persons", "300", "--entities", "30", "--accounts", "50", "--cases", "300")
    assert dataset_digest(seed=8) != seven
    assert generated_cases(8).count() == 300


@pytest.mark.django_db
def test_bad_options_are_refused_cleanly(county):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--only"):
        gen("--only", "persons,planets")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("gen", "--no-migrate", "--today", "yesterday", stdout=StringIO())
    assert PopulationRecord.objects.count() == county["persons"]


@pytest.mark.django_db
def test_synthetic_open_datasets_are_published_and_searchable(county, client):
    from onetrip.datasets.models import Dataset, DatasetField

    output = gen("--seed", "5", "--only", "persons", "--persons", "0", "--datasets", "300")
    assert "datasets  inserted       300" in output
    generated = Dataset.objects.filter(code__startswith="GEN5-DS-")
    assert generated.count() == 300
    assert set(generated.values_list("opening_class", flat=True)) == {"open"}
    assert generated.values("owner").distinct().count() > 5  # spread over the departments
    per_dataset = DatasetField.objects.filter(dataset__in=generated).values_list("dataset")
    assert per_dataset.distinct().count() == 300
    assert 3 * 300 <= per_dataset.count() <= 6 * 300
    first = list(generated.order_by("code").values_list("code", "name", "owner__code", "themes"))

    # A second run adds nothing; a larger size tops up the same stream.
    assert "datasets  inserted         0  already there       300" in gen(
        "--seed", "5", "--only", "persons", "--persons", "0", "--datasets", "300"
    )
    gen("--seed", "5", "--only", "persons", "--persons", "0", "--datasets", "320")
    assert generated.count() == 320
    assert (
        list(generated.order_by("code").values_list("code", "name", "owner__code", "themes"))[:300]
        == first
    )

    # The open-data portal publishes them on its next sync: CKAN package_search finds them.
    answer = client.get(
        "/opendata/api/3/action/package_search", {"q": "GEN5-DS", "rows": 5, "sort": "name asc"}
    ).json()
    assert answer["success"] is True
    assert answer["result"]["count"] == 320
    assert answer["result"]["results"][0]["name"] == "gen5-ds-000001"
    _code, name, owner, _themes = first[0]
    package = answer["result"]["results"][0]
    assert package["title"] == name
    assert package["organization"]["name"] == owner.lower()
