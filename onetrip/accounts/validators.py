"""Identity numbers of people and organisations.

Citizen ID numbers follow GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
sequence, and an ISO 7064 MOD 11-2 check character. Unified social credit codes follow
GB 32100-2015: registration-authority and organisation-type characters, a 6-digit region code,
a 9-character organisation code and a check character over a 31-character alphabet.

python-stdnum supplies the check-character algorithms. Its own `cn.ric` and `cn.uscc` checks are
stricter than the standards in ways that reject real numbers (region codes that no longer exist;
registration authorities written as letters), so the structural rules here are our own.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_2

# GB/T 2260 province-level codes, plus 81/82/83 used by residence permits of Hong Kong, Macao
# and Taiwan residents (港澳台居民居住证, GB 11643 address codes 810000/820000/830000).
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    }
)
_CITIZEN_ID = re.compile(r"^\d{17}[\dX]$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# GB 32100-2015 table 1: registration authority → the organisation types it registers.
# (1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商,
#  A 中央军委改革和编制办公室, N 农业, Y 其他)
USCC_AUTHORITIES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
EARLIEST_BIRTH = datetime.date(1850, 1, 1)


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str = ""
    code: str = ""

    def as_dict(self) -> dict:
        return {"valid": self.valid, "reason": self.reason or None, "code": self.code or None}


OK = Verdict(True)


def normalise_citizen_id(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def check_citizen_id(value: str, *, today: datetime.date | None = None) -> Verdict:
    number = normalise_citizen_id(value)
    if len(number) != 18:
        return Verdict(False, _("A citizen ID number has 18 characters."), "length")
    if not _CITIZEN_ID.match(number):
        return Verdict(
            False, _("Only digits are allowed, and X only as the last character."), "format"
        )
    if number[:2] not in PROVINCE_CODES:
        return Verdict(False, _("The first two digits are not a known province."), "province")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return Verdict(False, _("The birth date in the number does not exist."), "birth_date")
    if not EARLIEST_BIRTH <= birth <= (today or timezone.localdate()):  # the county's today
        return Verdict(False, _("The birth date in the number is out of range."), "birth_date")
    if not mod_11_2.is_valid(number):
        return Verdict(False, _("The check character does not match."), "checksum")
    return OK


def citizen_id_birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def citizen_id_gender(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def citizen_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return mod_11_2.calc_check_digit(first17)


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def check_uscc(value: str) -> Verdict:
    code = normalise_uscc(value)
    if len(code) != 18:
        return Verdict(False, _("A unified social credit code has 18 characters."), "length")
    if not _USCC.match(code):
        return Verdict(
            False, _("The code holds characters outside the standard's alphabet."), "format"
        )
    types = USCC_AUTHORITIES.get(code[0])
    if types is None:
        return Verdict(
            False, _("The first character is not a registration authority."), "authority"
        )
    if code[1] not in types:
        return Verdict(
            False,
            _("The organisation type does not exist for this registration authority."),
            "organisation_type",
        )
    if code[2:4] not in PROVINCE_CODES and code[2:4] != "10":  # 10xxxx: central registrations
        return Verdict(False, _("The region code is not a known province."), "region")
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        return Verdict(False, _("The check character does not match."), "checksum")
    return OK


def uscc_check_char(first17: str) -> str:
    return stdnum_uscc.calc_check_digit(first17)


_PHONE = re.compile(r"^1[3-9]\d{9}$")


def check_mobile_phone(value: str) -> Verdict:
    if not _PHONE.match((value or "").strip()):
        return Verdict(False, _("A mobile phone number has 11 digits and starts with 1."), "phone")
    return OK
