"""The national identifier layout and its check character."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from onetrip.licences import identifier

# Identifiers published as format examples in public integration code for national e-licence
# systems (type code, issuer code, serial, version, check). ISO 7064 MOD 37,36 over the four
# segments reproduces their check characters.
PUBLISHED = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_identifiers_have_the_check_character_we_compute(number):
    parts = identifier.parse(number)
    assert parts is not None
    rebuilt = identifier.build(
        type_code=parts["type_code"],
        issuer_code=parts["issuer_code"],
        serial=parts["serial"],
        version=int(parts["version"]),
    )
    assert rebuilt == number


def test_layout_of_a_new_identifier():
    serial = identifier.new_serial(2026)
    number = identifier.build(
        type_code="11100000000000000A001", issuer_code="113304240025000013", serial=serial
    )
    root, rest = number[:15], number[15:]
    assert root == "1.2.156.3005.2."
    type_code, issuer, got_serial, version, check = rest.split(".")
    assert (type_code, issuer, got_serial, version) == (
        "11100000000000000A001",
        "113304240025000013",
        serial,
        "001",
    )
    assert serial.startswith("2026") and len(serial) == 20
    assert len(check) == 1 and check.isalnum() and check == check.upper()


def test_wrong_check_character_and_malformed_numbers_are_refused():
    number = PUBLISHED[0]
    wrong = number[:-1] + ("V" if number[-1] != "V" else "W")
    assert identifier.parse(wrong) is None
    assert identifier.parse("") is None
    assert identifier.parse("1.2.156.3005.2.A.B.C.1.X") is None  # version must be 3 digits
    assert identifier.parse(number.replace("1.2.156.3005.2", "1.2.156.3005.3")) is None
    with pytest.raises(ValueError):
        identifier.build(type_code="ab.c", issuer_code="X", serial="1")


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(
    position=st.integers(min_value=15, max_value=len(PUBLISHED[0]) - 3),
    replacement=st.sampled_from(ALPHABET),
)
def test_any_single_character_change_is_detected(position, replacement):
    number = PUBLISHED[0]
    assume(number[position] not in (".", replacement))
    changed = number[:position] + replacement + number[position + 1 :]
    assert identifier.parse(changed) is None
