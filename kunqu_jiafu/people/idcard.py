"""Resident ID numbers (居民身份证号码, GB 11643-1999).

We check structure, the ISO 7064 MOD 11-2 check character and a real birth date not in
the future. We deliberately do not reject on ``stdnum.cn.ric.validate``: its area-code
table ties codes to years and refuses real people (e.g. 150203 before 1983).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

# ASCII digits only: \d would also accept e.g. Arabic-Indic digits, which int() reads, and
# the same person would then get a second blind index.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def normalize(value: str) -> str:
    """Strip spaces, fold full-width characters to half-width, upper-case x."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", value).upper()


@dataclass(frozen=True)
class ParsedId:
    number: str
    area_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    area_known: bool


def parse_id_number(value: str) -> ParsedId:
    number = normalize(value)
    if len(number) != 18:
        raise ValidationError(
            _("ID number must have 18 characters; %(count)s were entered.")
            % {"count": len(number)},
            code="length",
        )
    if not _ID_RE.match(number):
        raise ValidationError(
            _("ID number must be 17 digits followed by a digit or X."), code="format"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("ID number contains an impossible birth date (characters 7-14)."), code="birth"
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("ID number contains a birth date in the future (characters 7-14)."),
            code="birth_future",
        )
    if birth.year < 1900:
        raise ValidationError(
            _("ID number contains a birth date before 1900 (characters 7-14)."),
            code="birth_too_early",
        )
    expected = ric.calc_check_digit(number)
    if expected != number[-1]:
        raise ValidationError(
            _(
                "ID number check character is wrong: the last character should be %(expected)s; "
                "please check each digit."
            )
            % {"expected": expected},
            code="checksum",
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ParsedId(
        number=number,
        area_code=number[:6],
        birth_date=birth,
        sex=sex,
        area_known=_area_known(number),
    )


def _area_known(number: str) -> bool:
    # Informational only: an unknown area code is a warning, never a rejection.
    # Look the code up in stdnum's table directly: ``ric.get_birth_place`` also checks the
    # years a code existed and would call 150203 unknown for anyone born before 1983.
    try:
        parts = numdb.get("cn/loc").info(number[:6])
    except Exception:  # a broken or missing table must never block a person
        return False
    return any("county" in props for _part, props in parts)


def mask(number: str) -> str:
    """Only the last four characters: **************123X.

    DOMAIN.md: "Show only the last four characters to everyone but reviewers and approvers":
    the first digits are the area code and, with a birth date beside them, give most of the
    number back.
    """
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]
