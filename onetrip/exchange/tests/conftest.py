"""Fixtures for the exchange: an owner department (市场监管) with POP-BASE and a free dataset, a
caller department (卫健) with a registered system, and a way to get its token."""

import base64
import io

import pytest
import redis
from django.core.management import call_command

PERSON_ID = "330424199001010014"


@pytest.fixture
def owner(department_factory):
    """The owner of the datasets (staff_factory knows this department's code)."""
    return department_factory(code="HY-SCJG", name="县市场监管局")


@pytest.fixture
def health(department_factory):
    return department_factory(code="HY-WJJ", name="县卫生健康局")


@pytest.fixture
def officer(staff_factory, owner):
    return staff_factory(department="县市场监管局", roles=("data_officer",)).user


@pytest.fixture
def pop_base(owner):
    from onetrip.datasets.models import Dataset, DatasetField, DatasetRecord

    dataset = Dataset.objects.create(
        code="POP-BASE",
        name="人口综合库",
        owner=owner,
        sharing_class="on_approval",
        key_field="id_number",
    )
    for position, (name, rule) in enumerate(
        [
            ("id_number", "id_number"),
            ("name", "name"),
            ("phone", "phone"),
            ("address", "address"),
            ("birth_date", "date_year"),
            ("gender", "none"),
        ]
    ):
        DatasetField.objects.create(
            dataset=dataset, position=position, name=name, label=name, masking_rule=rule
        )
    DatasetRecord.objects.create(
        dataset=dataset,
        key=PERSON_ID,
        data={
            "id_number": PERSON_ID,
            "name": "张三丰",
            "phone": "13812345678",
            "address": "浙江省嘉兴市海盐县武原街道1号",
            "birth_date": "1990-01-01",
            "gender": "male",
        },
    )
    return dataset


@pytest.fixture
def free_dataset(owner):
    from onetrip.datasets.models import Dataset, DatasetField, DatasetRecord

    dataset = Dataset.objects.create(
        code="HY-GAJ-HOUSEHOLD",
        name="户籍地址",
        owner=owner,
        sharing_class="free",
        key_field="id_number",
    )
    DatasetField.objects.create(
        dataset=dataset, name="id_number", label="身份证", masking_rule="id_number"
    )
    DatasetField.objects.create(
        dataset=dataset, name="address", label="地址", masking_rule="address"
    )
    DatasetRecord.objects.create(
        dataset=dataset, key=PERSON_ID, data={"id_number": PERSON_ID, "address": "武原街道1号"}
    )
    return dataset


def cli(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def his(health):
    """The health bureau's HIS registered as an exchange client: (client_id, secret)."""
    output = cli("exchange", "client", "add", "--department", "县卫生健康局", "--name", "HIS")
    values = dict(line.split("=", 1) for line in output.splitlines())
    return values["client_id"], values["client_secret"]


def token_for(client, client_id: str, secret: str, scope: str = "exchange") -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def his_token(client, his):
    return token_for(client, *his)


@pytest.fixture
def redis_cache(monkeypatch, settings):
    """The exchange's cache on a real Redis (db 15), as in production, whatever REDIS_URL says;
    grants kept per process for the default 60 s (grantcache)."""
    from onetrip.core.cache import RedisCache
    from onetrip.exchange import grantcache, services

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = RedisCache(url, {"KEY_PREFIX": "onetrip-test-exchange"})
    monkeypatch.setattr(services, "cache", backend)
    monkeypatch.setattr(grantcache, "cache", backend)
    settings.ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS = 60
    yield backend
    backend.clear()
    backend.close()
