"""统一社会信用代码 (GB 32100-2015), checked with python-stdnum."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

_ALPHABET_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def normalize(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s-]+", "", value).upper()


def check_uscc(value: str) -> tuple[str, bool]:
    """Return (normalised code, check character ok). Structure errors raise."""
    code = normalize(value)
    if len(code) != 18:
        raise ValidationError(
            _("The credit code must have 18 characters; %(count)s were entered.")
            % {"count": len(code)},
            code="length",
        )
    if not _ALPHABET_RE.match(code):
        raise ValidationError(
            _(
                "The credit code may contain only digits and capital letters other than I, O, Z, S and V."
            ),
            code="format",
        )
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return code, False
    except (InvalidFormat, InvalidLength, InvalidComponent):
        raise ValidationError(
            _(
                "The credit code is not well formed (GB 32100-2015); please copy it from the business licence."
            ),
            code="format",
        ) from None
    return code, True


def expected_check_character(code: str) -> str:
    return uscc.calc_check_digit(code)
