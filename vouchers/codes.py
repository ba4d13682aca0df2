"""Voucher codes: 10 random characters and a check character, e.g. ``7KQM-4XRT-2HB``.

The alphabet has 31 characters (digits 2-9 and the capital letters without I, L and O, which
are read as 1 and 0), so a code never holds a character one could misread. 31 is prime and
each position has its own weight (1 … 11), so the check character catches every single
mistyped character and every swap of two neighbours before the database is asked. Ten random
characters give 31**10 ≈ 8·10^14 codes: guessing one of 5,000 real codes by chance takes about
1.6·10^11 tries.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)  # 31, prime
BODY_LENGTH = 10
LENGTH = BODY_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_SEPARATORS = str.maketrans("", "", " -_—－·.\u3000\t")

assert MODULUS == 31


def _weighted_sum(chars: str) -> int:
    return sum((i + 1) * _VALUE[ch] for i, ch in enumerate(chars))


def check_character(body: str) -> str:
    """The character that makes the weighted sum of the whole code ≡ 0 (mod 31)."""
    if len(body) != BODY_LENGTH:
        raise ValueError(f"a code body has {BODY_LENGTH} characters")
    total = _weighted_sum(body)
    # Find c with total + LENGTH*c ≡ 0 (mod 31): c = -total · LENGTH⁻¹.
    inverse = pow(LENGTH, -1, MODULUS)
    return ALPHABET[(-total * inverse) % MODULUS]


def generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def normalize(value: str) -> str:
    """Upper case, half width, without spaces or dashes."""
    return (value or "").translate(_FULL_WIDTH).translate(_SEPARATORS).upper()


def is_valid(code: str) -> bool:
    return (
        len(code) == LENGTH
        and all(ch in _VALUE for ch in code)
        and _weighted_sum(code) % MODULUS == 0
    )


def parse(value: str, *, field: str = "code") -> str:
    """Normalise a typed code or raise a ValidationError naming the field and the fix."""
    code = normalize(value)
    if not code:
        raise ValidationError({field: _("Enter the voucher code printed on the voucher.")})
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise ValidationError(
            {
                field: _(
                    "The voucher code cannot contain %(chars)s. Codes use the digits 2-9 and "
                    "capital letters without I, L and O; please check the voucher."
                )
                % {"chars": "、".join(bad)}
            }
        )
    if len(code) != LENGTH:
        raise ValidationError(
            {
                field: _(
                    "A voucher code has %(n)s characters; you entered %(got)s. "
                    "Please check the voucher."
                )
                % {"n": LENGTH, "got": len(code)}
            }
        )
    if _weighted_sum(code) % MODULUS:
        raise ValidationError(
            {
                field: _(
                    "This voucher code is mistyped (its check character does not match). "
                    "Please compare it with the voucher character by character."
                )
            }
        )
    return code


def display(code: str) -> str:
    """``7KQM4XRT2HB`` → ``7KQM-4XRT-2HB``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
