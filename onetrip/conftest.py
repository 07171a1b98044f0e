"""Fixtures shared by every app's tests."""

import datetime
import os
from pathlib import Path

import pyotp
import pytest
from django.conf import settings

from onetrip.notify.backends import LocmemSmsBackend

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (set-up, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Haiyan#2026pass"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session", autouse=True)
def _test_database_released(django_db_setup, django_db_blocker):
    """This process's background threads (the write-behind flusher, the SMS sender, Celery's
    pool) keep their connections for the life of the process, as they should in production;
    PostgreSQL refuses to drop the test database while they are open, so they are ended first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def celery_worker_for_tests(_test_database_released, django_db_blocker):
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
def _frozen_versions_forgotten():
    """Test databases reuse primary keys (rollback, flush): no matter version kept per process
    may outlive its test."""
    from onetrip.catalogue.selectors import version_frozen_forget

    version_frozen_forget()
    yield
    version_frozen_forget()


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


POPULATION_FIELDS = (
    ("id_number", "公民身份号码", "id_number"),
    ("name", "姓名", "name"),
    ("gender", "性别", "none"),
    ("birth_date", "出生日期", "date_year"),
    ("household_region", "户籍地", "none"),
    ("address", "住址", "address"),
    ("phone", "联系电话", "phone"),
)


@pytest.fixture
def population_dataset(department_factory):
    """POP-BASE in the data catalogue, over the population registry: guides whose materials are
    pulled from it can be published (publishing checks sources against the data catalogue)."""
    from onetrip.datasets.models import Dataset, DatasetField

    owner = department_factory(code="HY-GAJ", name="县公安局")
    dataset, made = Dataset.objects.get_or_create(
        code="POP-BASE",
        defaults={
            "name": "人口基础信息",
            "owner": owner,
            "sharing_class": "on_approval",
            "source": "population",
            "key_field": "id_number",
        },
    )
    if made:
        DatasetField.objects.bulk_create(
            DatasetField(dataset=dataset, position=n, name=name, label=label, masking_rule=rule)
            for n, (name, label, rule) in enumerate(POPULATION_FIELDS)
        )
    return dataset


@pytest.fixture
def staff_factory(department_factory):
    from onetrip.accounts import services

    counter = iter(range(1, 10_000))

    def make(*, department="县市场监管局", roles=("reviewer",), username=None, password=PASSWORD):
        n = next(counter)
        code = {"县市场监管局": "HY-SCJG", "县卫生健康局": "HY-WJJ", "县公安局": "HY-GAJ"}.get(
            department, f"HY-D{n}"
        )
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


# --- Browser tests (Playwright, Debian's Chromium) ---------------------------------------------

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A desktop-sized page; `browser_page.url_of(path)` gives the live server's address."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 860}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, live_server):
    """A phone-sized touch page (390×844), as a citizen on 浙里办 would use."""
    context = chromium.new_context(
        **PHONE, device_scale_factor=2, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in bad
    )


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=full_page)


def wait_for_sms_text(outbox, phone: str, text: str = "", *, seconds: float = 10.0) -> str:
    """The newest SMS to `phone` that contains `text`. In production mode messages go out
    through the Celery worker after the commit, so one may arrive a moment after the call."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in reversed(list(outbox)):
            if message.phone == phone and text in message.text:
                return message.text
        time.sleep(0.05)
    raise AssertionError(f"no SMS containing {text!r} was sent to {phone} within {seconds} s")


def wait_for_sms(outbox, phone: str, *, seconds: float = 10.0) -> str:
    """The newest 6-digit code sent to `phone`. In production mode the code goes through the
    Celery worker, so it may arrive a moment after the page answered."""
    import re
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in reversed(list(outbox)):
            if message.phone == phone:
                match = re.search(r"\d{6}", message.text)
                if match:
                    return match.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no code was sent to {phone} within {seconds} s")


def pdf_text(content: bytes) -> str:
    """The text a reader of a PDF sees, without the line breaks of its layout."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


@pytest.fixture
def token_for():
    """A bearer token of `user` from our provider's models (as /o/token/ would store it)."""
    from django.utils import timezone
    from oauth2_provider.models import AccessToken
    from oauth2_provider.models import Application as OAuthClient

    made = {}

    def make(user) -> dict:
        if user.pk in made:
            return made[user.pk]
        client = OAuthClient.objects.create(
            name=f"app-{user.pk}",
            client_type="confidential",
            authorization_grant_type="authorization-code",
            redirect_uris="https://rp.example/cb",
            user=user,
        )
        value = f"token-{user.pk}-submit"
        AccessToken.objects.create(
            user=user,
            application=client,
            token=value,
            expires=timezone.now() + datetime.timedelta(hours=1),
            scope="read write",
        )
        made[user.pk] = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
        return made[user.pk]

    return make
