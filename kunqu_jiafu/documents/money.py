"""Amounts of money on notices: in figures (100,000.00) and in Chinese capitals (壹拾万元整).

Capitals follow the People's Bank of China rules for 中文大写金额 (支付结算办法): 元 after
the yuan, 整 when there are no jiao or fen, 零 where a zero is skipped inside the number
(壹仟零伍元整, 壹佰元零壹分). cn2an's "rmb" mode does exactly this; the function here only
makes sure it is given a well-formed amount, since cn2an silently drops a third decimal
(0.001 → 零元整) and reads "-5" as 负伍元整.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
# cn2an handles at most 16 digits before the decimal point; no subsidy comes near this.
MAX_AMOUNT = Decimal("9999999999999999.99")


def _as_cents(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("amounts must be Decimal (or int/str), never float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not an amount of money: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    cents = amount.quantize(CENT)
    if cents != amount:
        raise ValueError(f"amount has more than two decimal places: {value!r}")
    if cents < 0:
        raise ValueError(f"amount is negative: {value!r}")
    if cents > MAX_AMOUNT:
        raise ValueError(f"amount is too large: {value!r}")
    return cents + 0  # + 0 turns Decimal("-0.00") into Decimal("0.00")


def amount_in_capitals(value: Decimal | int | str) -> str:
    """``Decimal("1234.56")`` → ``"壹仟贰佰叁拾肆元伍角陆分"``; ``Decimal("100000.00")`` →
    ``"壹拾万元整"``; ``Decimal("0.50")`` → ``"伍角"``.

    Raises ValueError for negative amounts, fractions of a fen and non-numbers: an official
    notice never shows a guessed amount."""
    import cn2an  # imported here: it takes ~80 ms and only notices need it

    return cn2an.an2cn(format(_as_cents(value), "f"), "rmb")


def format_yuan(value: Decimal | int | str) -> str:
    """``Decimal("100000")`` → ``"100,000.00"``: thousands separated, always two decimals."""
    return f"{_as_cents(value):,.2f}"
