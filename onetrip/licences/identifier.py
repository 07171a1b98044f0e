"""The national e-licence identifier (电子证照标识, GB/T 36904-2018).

Layout: ``1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check character>``

- ``1.2.156.3005.2`` is the e-licence root OID;
- the type code (证照类型代码) is assigned by the authority that defines the licence type
  (nationally: that authority's 18-character USCC followed by a 3-digit sequence);
- the issuer code (证照颁发机构代码) is the issuing body's unified social credit code;
- the serial (流水号) is chosen by the issuer; ours is the year and 16 random characters, so
  numbers cannot be guessed or enumerated (the public verification answer carries the signed
  payload, holder ID included);
- the version (版本号) is three digits, ``001`` for a first issue;
- the check character is ISO 7064 MOD 37,36 (hybrid) over type code + issuer code + serial +
  version written together without dots. We did not have the standard's text; this algorithm
  reproduces the check characters of published real identifiers (see the tests and
  docs/licences.md).
"""

import re
import secrets

from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"
SEGMENT = re.compile(r"^[0-9A-Z]+$")
SERIAL_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMBER = re.compile(
    r"^1\.2\.156\.3005\.2\.(?P<type_code>[0-9A-Z]+)\.(?P<issuer_code>[0-9A-Z]+)"
    r"\.(?P<serial>[0-9A-Z]+)\.(?P<version>\d{3})\.(?P<check>[0-9A-Z])$"
)


def check_character(*, type_code: str, issuer_code: str, serial: str, version: str) -> str:
    return mod_37_36.calc_check_digit(type_code + issuer_code + serial + version)


def new_serial(year: int) -> str:
    return f"{year:04d}" + "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(16))


def build(*, type_code: str, issuer_code: str, serial: str, version: int = 1) -> str:
    for segment in (type_code, issuer_code, serial):
        if not SEGMENT.match(segment or ""):
            raise ValueError(f"not an identifier segment: {segment!r}")
    version_text = f"{version:03d}"
    check = check_character(
        type_code=type_code, issuer_code=issuer_code, serial=serial, version=version_text
    )
    return f"{ROOT}.{type_code}.{issuer_code}.{serial}.{version_text}.{check}"


def parse(number: str) -> dict | None:
    """The segments of a well-formed identifier whose check character is right; else None."""
    match = NUMBER.match(number or "")
    if match is None:
        return None
    parts = match.groupdict()
    expected = check_character(
        type_code=parts["type_code"],
        issuer_code=parts["issuer_code"],
        serial=parts["serial"],
        version=parts["version"],
    )
    return parts if parts["check"] == expected else None
