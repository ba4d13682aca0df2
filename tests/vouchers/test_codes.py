"""Voucher codes: always valid when drawn, every single typo and every swap of neighbours caught
before the database is asked, forgiving about how the code is typed, and errors that name the
field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vouchers import codes

SAMPLE = 2_000
_CHECK_MESSAGE = (
    "This voucher code is mistyped (its check character does not match). "
    "Please compare it with the voucher character by character."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refused(value: str, field: str = "code") -> str:
    with pytest.raises(ValidationError) as caught:
        codes.parse(value, field=field)
    errors = caught.value.message_dict
    assert list(errors) == [field], (value, errors)
    return errors[field][0]


def test_generated_codes_are_always_valid_and_parse_to_themselves():
    drawn = {codes.generate() for _ in range(10_000)}
    assert len(drawn) == 10_000  # 31**10 codes: no repeats in a sample this small
    for code in drawn:
        assert len(code) == codes.LENGTH == 11
        assert set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
        assert codes.parse(code) == code
        assert codes.parse(codes.display(code)) == code


def test_alphabet_has_no_character_that_reads_as_another():
    assert len(codes.ALPHABET) == 31 == len(set(codes.ALPHABET))
    assert not set("01ILO") & set(codes.ALPHABET)


def test_every_single_substitution_of_2000_codes_is_caught_by_parse():
    mistyped = _refused(codes.generate()[:-1] + "+")  # the message, to compare with
    tried, escaped = 0, []
    for _ in range(SAMPLE):
        code = codes.generate()
        for position in range(codes.LENGTH):  # the check character too
            for replacement in codes.ALPHABET:
                if replacement == code[position]:
                    continue
                typo = code[:position] + replacement + code[position + 1 :]
                tried += 1
                try:
                    codes.parse(typo)
                except ValidationError as exc:  # not pytest.raises: 660,000 calls
                    if exc.message_dict != {"code": [_CHECK_MESSAGE]}:
                        escaped.append((typo, exc.message_dict))
                else:
                    escaped.append((typo, "accepted"))
    assert tried == SAMPLE * codes.LENGTH * 30 == 660_000
    assert escaped == [], f"{len(escaped)} of {tried} substitutions not caught: {escaped[:5]}"
    assert "+" in mistyped  # a character outside the alphabet is named instead


def test_every_adjacent_transposition_of_2000_codes_is_caught_by_parse():
    tried = 0
    for _ in range(SAMPLE):
        code = codes.generate()
        for position in range(codes.LENGTH - 1):
            a, b = code[position], code[position + 1]
            if a == b:
                continue  # swapping equal characters changes nothing
            swapped = code[:position] + b + a + code[position + 2 :]
            assert _refused(swapped) == _CHECK_MESSAGE, (code, swapped)
            tried += 1
    assert tried > SAMPLE * 9  # nearly every neighbour pair differs


def test_parse_forgives_case_spaces_dashes_and_full_width():
    code = codes.generate()
    shown = codes.display(code)
    assert shown == f"{code[:4]}-{code[4:8]}-{code[8:]}"
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in shown)  # ７ＫＱＭ－４ＸＲＴ－２ＨＢ
    for typed in (
        code.lower(),
        shown,
        shown.lower(),
        f"  {code[:4]} {code[4:8]} {code[8:]}  ",
        f"{code[:4]}\u3000{code[4:8]}\u3000{code[8:]}",  # ideographic spaces
        full_width,
        full_width.lower(),
        f"{code[:4]}－{code[4:8]}—{code[8:]}",  # full-width hyphen and an em dash
        f"{code[:4]}_{code[4:8]}.{code[8:]}",
    ):
        assert codes.parse(typed) == code, typed


def test_bad_characters_are_named_in_a_message_on_the_given_field():
    code = codes.generate()
    message = _refused("O" + code[1:-1] + "1", field="voucher_code")
    assert "O" in message and "1" in message
    assert "2-9" in message and "I, L and O" in message


def test_wrong_length_says_how_many_characters_a_code_has_and_how_many_were_typed():
    code = codes.generate()
    message = _refused(code[:-1], field="voucher_code")
    assert "11 characters" in message and "entered 10" in message
    message = _refused(code + code[0])
    assert "11 characters" in message and "entered 12" in message


def test_an_empty_code_asks_for_the_code_on_the_field():
    for blank in ("", "   ", "--", None):
        assert "voucher code" in _refused(blank, field="voucher_code")


def test_check_character_failure_names_the_field():
    code = codes.generate()
    wrong_check = code[:-1] + next(c for c in codes.ALPHABET if c != code[-1])
    message = _refused(wrong_check, field="voucher_code")
    assert "check character" in message
