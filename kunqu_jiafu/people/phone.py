"""Phone numbers: one rule and one function for every form, service, importer and API field.

A phone number is a mainland mobile number (11 digits, 1[3-9]…) or a landline with its area
code (010 and 02x take 8-digit local numbers; other area codes are 4 digits with 7 or 8),
optionally followed by an extension (after 转, 分机, ext, x, # or a hyphen). Input is
normalised first: full-width digits and signs to half-width, spaces, hyphens, dots and
brackets dropped, a +86/0086 prefix removed. The stored form is ``13947201234``,
``0472-1234567`` or ``0472-1234567-8001``.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

MAX_LENGTH = 20  # the stored form, extension included, fits the phone columns

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EXTENSION = re.compile(r"^(.*?)(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-‐‑–—―.()（）\[\]]+")


def _landline(digits: str) -> tuple[str, str] | None:
    """(area code, local number) when ``digits`` is a landline with its area code."""
    if not digits.startswith("0"):
        return None
    area_length = 3 if digits.startswith(("010", "02")) else 4
    area, local = digits[:area_length], digits[area_length:]
    if area_length == 4 and not re.match(r"^0[3-9]\d\d$", area):
        return None
    allowed = (8,) if area_length == 3 else (7, 8)
    if len(local) not in allowed or local[0] == "0":
        return None
    return area, local


def phone_message() -> str:
    return _(
        "Enter a mobile number of 11 digits (e.g. 13947201234) or a landline with its area "
        "code (e.g. 0472-1234567); an extension may follow after 转."
    )


def normalize_phone(value) -> str:
    """The phone number in its stored form; "" for empty input. Raises ValidationError with
    a message saying what a phone number looks like."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return ""
    extension = ""
    match = _EXTENSION.match(text)
    if match:
        text, extension = match.group(1), match.group(2)
    groups = [g for g in _SEPARATORS.split(text.strip()) if g]
    international = bool(groups) and groups[0].startswith(("+", "0086"))
    if groups and groups[0].startswith("+"):
        groups[0] = groups[0][1:]
        if not groups[0].startswith("86"):
            raise ValidationError(phone_message(), code="phone")
        groups[0] = groups[0][2:]
        groups = [g for g in groups if g]
    elif groups and groups[0].startswith("0086"):
        groups[0] = groups[0][4:]
        groups = [g for g in groups if g]
    if not groups or not all(g.isascii() and g.isdigit() for g in groups):
        raise ValidationError(phone_message(), code="phone")
    digits = "".join(groups)
    if _MOBILE.match(digits) and not extension:
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits  # +86 472 1234567: the area code's 0 was dropped
    parts = _landline(digits)
    if parts is None and not extension and len(groups) >= 3:
        # 0472-1234567-8001: the last group is the extension.
        parts = _landline("".join(groups[:-1]))
        extension = groups[-1] if parts and len(groups[-1]) <= 6 else ""
        parts = parts if extension else None
    if parts is None:
        raise ValidationError(phone_message(), code="phone")
    phone = f"{parts[0]}-{parts[1]}" + (f"-{extension}" if extension else "")
    return phone


def is_phone(value) -> bool:
    try:
        return bool(normalize_phone(value))
    except ValidationError:
        return False


def phone_or_error(value, field: str = "phone") -> str:
    """``normalize_phone`` for services: the error names the field it belongs to."""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


class PhoneField(serializers.CharField):
    """The API's phone field: normalised like every other entry point, refused with the same
    message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # what is typed may hold spaces; stored ≤ 20
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
