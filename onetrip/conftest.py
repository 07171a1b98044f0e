"""Fixtures shared by every app's tests."""

import os

import pyotp
import pytest
from django.conf import settings

from onetrip.notify.backends import LocmemSmsBackend

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (set-up, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Haiyan#2026pass"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session", autouse=True)
def celery_worker_for_tests(django_db_setup, django_db_blocker):
    """In production mode (REDIS_URL set) background work goes through a real Celery worker
    consuming from Redis, started here; in one-box mode tasks run in-process."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    from onetrip.celery import app

    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker,
    ):
        yield worker


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def region(db):
    from onetrip.regions.models import Region

    province, _ = Region.objects.get_or_create(
        code="330000000000", defaults={"name": "浙江省", "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code="330400000000", defaults={"name": "嘉兴市", "level": "city", "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="330424000000", defaults={"name": "海盐县", "level": "county", "parent": city}
    )
    return county


@pytest.fixture
def department_factory(region):
    from onetrip.departments.models import Department

    def make(code="HY-SCJG", name="县市场监管局"):
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
        return department

    return make


@pytest.fixture
def staff_factory(department_factory):
    from onetrip.accounts import services

    counter = iter(range(1, 10_000))

    def make(*, department="县市场监管局", roles=("reviewer",), username=None, password=PASSWORD):
        n = next(counter)
        code = {"县市场监管局": "HY-SCJG", "县卫生健康局": "HY-WJJ"}.get(department, f"HY-D{n}")
        dept = department_factory(code=code, name=department)
        user = services.staff_create(
            username=username or f"staff{n}",
            name=f"工作人员{n}",
            department_code=dept.code,
            roles=list(roles),
            password=password,
            totp_secret=pyotp.random_base32(),
        )
        return user.staff

    return make


def make_citizen_id(first17: str) -> str:
    from onetrip.accounts.validators import citizen_id_check_char

    return first17 + citizen_id_check_char(first17)


@pytest.fixture
def person_factory(db):
    from onetrip.accounts import services

    counter = iter(range(1, 10_000))

    def make(*, name="张三", password=PASSWORD, level="L1", phone=None, id_number=None):
        n = next(counter)
        id_number = id_number or make_citizen_id(f"33042419900101{n:03d}")
        phone = phone or f"1380000{n:04d}"
        return services.person_register(
            id_number=id_number, name=name, phone=phone, password=password, level=level
        )

    return make
