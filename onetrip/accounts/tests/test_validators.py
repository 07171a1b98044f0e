"""Citizen ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onetrip.accounts.validators import (
    PROVINCE_CODES,
    USCC_AUTHORITIES,
    check_citizen_id,
    check_uscc,
    citizen_id_check_char,
    uscc_check_char,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ID_ALPHABET = "0123456789X"


@st.composite
def citizen_ids(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest_of_address = draw(st.text("0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date.today()))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    first17 = f"{province}{rest_of_address}{birth:%Y%m%d}{sequence}"
    return first17 + citizen_id_check_char(first17)


@st.composite
def usccs(draw):
    authority = draw(st.sampled_from(sorted(USCC_AUTHORITIES)))
    kind = draw(st.sampled_from(USCC_AUTHORITIES[authority]))
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    region = province + draw(st.text("0123456789", min_size=4, max_size=4))
    body = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    first17 = authority + kind + region + body
    return first17 + uscc_check_char(first17)


@settings(max_examples=300)
@given(citizen_ids())
def test_any_well_formed_citizen_id_with_its_check_character_is_valid(number):
    assert check_citizen_id(number).valid
    assert check_citizen_id(number.lower()).valid  # a lower-case x is read as X


@settings(max_examples=300)
@given(citizen_ids(), st.integers(0, 17), st.sampled_from(ID_ALPHABET))
def test_changing_any_one_character_of_a_citizen_id_makes_it_invalid(number, position, char):
    if number[position] == char:
        char = ID_ALPHABET[(ID_ALPHABET.index(char) + 1) % len(ID_ALPHABET)]
    changed = number[:position] + char + number[position + 1 :]
    assert not check_citizen_id(changed).valid


@settings(max_examples=300)
@given(usccs())
def test_any_well_formed_uscc_with_its_check_character_is_valid(code):
    assert check_uscc(code).valid
    assert check_uscc(code.lower()).valid


@settings(max_examples=300)
@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_changing_any_one_character_of_a_uscc_makes_it_invalid(code, position, char):
    if code[position] == char:
        char = USCC_ALPHABET[(USCC_ALPHABET.index(char) + 1) % len(USCC_ALPHABET)]
    changed = code[:position] + char + code[position + 1 :]
    assert not check_uscc(changed).valid


@given(st.text(max_size=40))
def test_arbitrary_input_gets_a_verdict_never_an_exception(text):
    assert check_citizen_id(text).valid in (True, False)
    assert check_uscc(text).valid in (True, False)


def with_check(first17: str) -> str:
    return first17 + citizen_id_check_char(first17)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # GB 11643-1999's own example
        "360426199101010071",  # python-stdnum's example
        with_check("33018319900101123"),  # 富阳市 330183, abolished 2014: still a real number
        with_check("33042219800101123"),  # 海盐县's neighbour 平湖 before it became a city
        with_check("81000019900101123"),  # 港澳台居民居住证 (Hong Kong residents)
        with_check("33042420000229123"),  # a leap day
    ],
)
def test_published_and_real_world_citizen_ids_are_valid(number):
    assert check_citizen_id(number).valid


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "length"),
        ("11010519491231002XX", "length"),
        ("1101051949123100X2", "format"),
        ("110105194912310029", "checksum"),
        (with_check("00010519491231002")[:18], "province"),
        (with_check("99010519491231002"), "province"),
        (with_check("33042419900230123"), "birth_date"),  # 30 February
        (with_check("33042418490101123"), "birth_date"),
        (with_check("33042430000101123"), "birth_date"),  # born in the future
    ],
)
def test_invalid_citizen_ids_say_why(number, code):
    verdict = check_citizen_id(number)
    assert not verdict.valid and verdict.code == code and verdict.reason


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # python-stdnum's example (Bank of China, enterprise)
        "91310115591693856A",
        "91310110666007217T",
        "91330201MA282UF146",  # Ningbo, an "MA" (new-style) organisation code
        "91330401MA28ADM67R",  # Jiaxing
        "91310112MA1GBKRE47",
        uscc("12330424MB0000000"),  # 事业单位 of 海盐县 (机构编制 authority)
        uscc("51330424MJ0000000"),  # 社会团体 (民政)
        uscc("N2330424MF0000000"),  # 村级集体经济组织: a letter as registration authority
        uscc("Y1330424MG0000000"),  # 其他 authority
        uscc("A1100000MH0000000"),  # 军队事业单位, central registration
        uscc("92330183MA0000000"),  # 个体工商户 registered in 富阳市 (330183, abolished 2014)
    ],
)
def test_published_real_and_letter_authority_usccs_are_valid(code):
    assert check_uscc(code).valid


@pytest.mark.parametrize(
    ("code", "reason_code"),
    [
        ("91350211M00013FA1N", "checksum"),  # an early pilot code that breaks the standard
        ("9111000060003734", "length"),
        ("91110000600037341I", "format"),  # I is not in the alphabet
        ("Z1110000600037341L", "format"),
        (uscc("B1330424MA0000000"), "authority"),
        (uscc("94330424MA0000000"), "organisation_type"),
        (uscc("N4330424MA0000000"), "organisation_type"),
        (uscc("91990000MA0000000"), "region"),
    ],
)
def test_invalid_usccs_say_why(code, reason_code):
    verdict = check_uscc(code)
    assert not verdict.valid and verdict.code == reason_code and verdict.reason


@pytest.mark.django_db
def test_the_citizen_id_endpoint_answers_valid_or_why_not(client):
    ok = client.get("/api/v1/validate/citizen-id/11010519491231002X")
    assert ok.status_code == 200 and ok.json()["valid"] is True
    bad = client.get("/api/v1/validate/citizen-id/110105194912310029")
    body = bad.json()
    assert bad.status_code == 200 and body["valid"] is False
    assert body["code"] == "checksum" and body["reason"]
    short = client.get("/api/v1/validate/citizen-id/123")
    assert short.status_code == 200 and short.json()["code"] == "length"
    odd = client.get("/api/v1/validate/citizen-id/%E4%BD%A0%E5%A5%BD<script>")
    assert odd.status_code == 200 and odd.json()["valid"] is False


@pytest.mark.django_db
def test_the_uscc_endpoint_answers_valid_or_why_not(client):
    ok = client.get("/api/v1/validate/uscc/91330401MA28ADM67R")
    assert ok.status_code == 200 and ok.json() == {"valid": True, "reason": None, "code": None}
    assert client.get("/api/v1/validate/uscc/91330401ma28adm67r").json()["valid"] is True
    bad = client.get("/api/v1/validate/uscc/91350211M00013FA1N")
    assert bad.status_code == 200
    assert bad.json()["valid"] is False and bad.json()["code"] == "checksum"
    assert bad.json()["reason"] == "校验码不正确。"
    # The answer is in the caller's chosen language (Chinese unless switched); the code is stable.
    client.cookies["django_language"] = "en"
    english = client.get("/api/v1/validate/uscc/91350211M00013FA1N").json()
    assert english["reason"] == "The check character does not match."
