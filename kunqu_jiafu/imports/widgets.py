"""Widgets of the import pipeline (django-import-export widgets): one cell to one Python value.

``clean`` raises ``ValueError`` with a message naming the fix. Full-width characters, stray
spaces, Excel date serials and text dates are normalised here once, for every import.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets
from openpyxl.utils.datetime import from_excel

from kunqu_jiafu.documents.spreadsheets import NO, YES
from kunqu_jiafu.people.idcard import ParsedId, normalize, parse_id_number
from kunqu_jiafu.people.phone import normalize_phone

__all__ = [
    "NO",
    "YES",
    "ExcelDateWidget",
    "IdNumberWidget",
    "PhoneWidget",
    "TextWidget",
    "YesNoWidget",
    "cell_text",
]


def cell_text(value: Any) -> str:
    """A cell as text: whole floats lose their '.0', full-width characters fold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int):
        super().__init__(allow_blank=True)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        if len(text) > self.max_length:
            raise ValueError(
                _("Too long: at most %(max)s characters are allowed; please shorten it.")
                % {"max": self.max_length}
            )
        return text


class PhoneWidget(widgets.CharWidget):
    """One rule for every phone number: kunqu_jiafu.people.phone."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)  # a number cell 13947201234.0 loses its ".0"
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            raise ValueError(f"“{text}”：{' '.join(exc.messages)}") from None


class IdNumberWidget(widgets.Widget):
    """Returns the parsed number; full-width digits and a lower-case x are normalised."""

    def clean(self, value, row=None, **kwargs) -> ParsedId | None:
        if isinstance(value, float):
            # Excel keeps 15 significant digits: an 18-digit number typed into a number
            # cell has already lost its tail.
            raise ValueError(
                _(
                    "Excel stored this ID number as a number and lost its last digits; set the "
                    "column to text format and type the ID number again."
                )
            )
        text = normalize(str(value)) if value is not None else ""
        if not text:
            return None
        try:
            return parse_id_number(text)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None


class ExcelDateWidget(widgets.DateWidget):
    """Excel date cells, serial numbers, 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105."""

    _DATE_RE = re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )

    def clean(self, value, row=None, **kwargs) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return self._checked(value.date())
        if isinstance(value, dt.date):
            return self._checked(value)
        if isinstance(value, bool):
            raise self._error(value)
        if isinstance(value, int | float):
            if float(value).is_integer() and 19000101 <= value <= 21001231:
                return self._from_digits(str(int(value)), value)
            if 1 <= value < 2958466:  # an Excel serial day number in a non-date cell
                return self._checked(from_excel(value).date())
            raise self._error(value)
        text = cell_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{8}", text):
            return self._from_digits(text, value)
        if re.fullmatch(r"\d{5}", text):  # a serial day number that went through text (CSV)
            return self._checked(from_excel(int(text)).date())
        match = self._DATE_RE.match(text)
        if not match:
            raise self._error(value)
        try:
            return self._checked(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            raise self._error(value) from None

    def _from_digits(self, digits: str, original) -> dt.date:
        try:
            return self._checked(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
        except ValueError:
            raise self._error(original) from None

    def _checked(self, value: dt.date) -> dt.date:
        if not 1900 <= value.year <= 2100:
            raise self._error(value.isoformat())
        return value

    @staticmethod
    def _error(value) -> ValueError:
        return ValueError(
            _("“%(value)s” is not a date; please enter it like 2024-01-05.") % {"value": value}
        )


class YesNoWidget(widgets.BooleanWidget):
    TRUE_TEXT = {"是", "Y", "YES", "1", "TRUE", "√", "有"}
    FALSE_TEXT = {"否", "N", "NO", "0", "FALSE", "×", "无"}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value).upper()
        if not text:
            return None
        if text in self.TRUE_TEXT:
            return True
        if text in self.FALSE_TEXT:
            return False
        raise ValueError(
            _("“%(value)s” is not understood; please enter %(yes)s or %(no)s.")
            % {"value": value, "yes": YES, "no": NO}
        )
