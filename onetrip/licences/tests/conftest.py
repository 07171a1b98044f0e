import pytest

from onetrip.conftest import make_citizen_id


def well_formed_uscc(first17: str) -> str:
    from onetrip.accounts.validators import uscc_check_char

    return first17 + uscc_check_char(first17)


@pytest.fixture
def market(department_factory):
    return department_factory(code="HY-SCJG", name="县市场监管局")


@pytest.fixture
def market_key(market):
    from onetrip.signing.services import signing_key_create

    return signing_key_create(actor="cli:test", department=market)


@pytest.fixture
def licence_type(market):
    from onetrip.licences.services import licence_type_save

    return licence_type_save(
        actor="cli:test",
        code="YYZZ",
        name="营业执照",
        identifier_code="11100000000000000A001",
        department=market,
        issuer_code=well_formed_uscc("11330424002500001"),
        fields_schema=[
            {"name": "business_name", "label": "名称"},
            {"name": "business_scope", "label": "经营范围"},
        ],
        validity_months=None,
    )


@pytest.fixture
def issue(licence_type, market, market_key):
    """Issue a licence to a person (by default) with the market department's key."""
    from onetrip.licences.services import licence_issue

    def make(*, holder_id=None, holder_name="张三", holder_type="person", **extra):
        arguments = {
            "actor": "cases:test",
            "type_code": licence_type.code,
            "holder_type": holder_type,
            "holder_id": holder_id or make_citizen_id("33042419900101001"),
            "holder_name": holder_name,
            "fields": {"business_name": "海盐张三小吃店", "business_scope": "小吃服务"},
            "department": market,
            "source": "CASE-0001",
        }
        arguments.update(extra)
        return licence_issue(**arguments)

    return make
