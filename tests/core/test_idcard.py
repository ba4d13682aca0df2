"""Resident ID numbers (GB 11643-1999): parsing, normalising and each kind of bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from kunqu_jiafu.people.idcard import mask, normalize, parse_id_number
from tests.factories import id_number


def _with_check(body17: str) -> str:
    # calc_check_digit takes the whole 18-character number; the 18th is ignored.
    return body17 + ric.calc_check_digit(body17 + "0")


def _error_code(value: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(value)
    return excinfo.value.code


def test_calc_check_digit_takes_the_whole_18_character_number():
    number = "11010519491231002X"  # the example number of GB 11643-1999
    assert ric.calc_check_digit(number) == "X"
    # Given only the first 17 characters it answers for a different number.
    assert ric.calc_check_digit(number[:17]) != "X"


def test_valid_number_gives_birth_date_and_female_for_even_17th_digit():
    number = _with_check("15020319850315124")
    parsed = parse_id_number(number)
    assert parsed.number == number
    assert parsed.area_code == "150203"
    assert parsed.birth_date == dt.date(1985, 3, 15)
    assert parsed.sex == "F"
    assert parsed.area_known is True


def test_odd_17th_digit_is_male():
    parsed = parse_id_number(_with_check("15020319900101123"))
    assert parsed.sex == "M"
    assert parsed.birth_date == dt.date(1990, 1, 1)


def test_gb_example_with_x_check_character_is_valid():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_full_width_digits_spaces_and_lower_case_x_are_normalised():
    parsed = parse_id_number(" １１０１０５ 1949１２３１ 002ｘ\u3000")
    assert parsed.number == "11010519491231002X"
    assert normalize("110105 19491231 002x") == "11010519491231002X"


@pytest.mark.parametrize("value", ["", "15020319850315123", "1502031985031512345"])
def test_wrong_length_is_refused_with_the_length_code(value):
    assert _error_code(value) == "length"


def test_wrong_length_message_says_how_many_characters_were_entered():
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number("15020319850315123")
    assert "17" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "value", ["1502031985031A123X", "X50203198503151234", "15020319850315123Y"]
)
def test_letters_are_refused_with_the_format_code(value):
    assert _error_code(value) == "format"


def test_impossible_birth_date_is_refused_with_the_birth_code():
    assert _error_code(_with_check("15020319850230123")) == "birth"
    assert _error_code(_with_check("15020319851301123")) == "birth"


def test_future_birth_date_is_refused_with_its_own_code_and_message():
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    number = _with_check(f"150203{tomorrow:%Y%m%d}123")
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(number)
    assert excinfo.value.code == "birth_future"
    with pytest.raises(ValidationError) as impossible:
        parse_id_number(_with_check("15020319850230123"))
    assert excinfo.value.messages != impossible.value.messages


def test_birth_before_1900_is_refused():
    assert _error_code(_with_check("15020318991231123")) == "birth_too_early"


def test_wrong_check_character_is_refused_and_message_names_the_right_one():
    good = _with_check("15020319850315124")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(wrong)
    assert excinfo.value.code == "checksum"
    assert good[-1] in excinfo.value.messages[0]


def test_kundulun_number_of_someone_born_in_1975_is_accepted():
    number = _with_check("15020319750610123")
    # stdnum's own validate refuses it: its table says 150203 only exists from 1983.
    with pytest.raises(InvalidComponent):
        ric.validate(number)
    parsed = parse_id_number(number)
    assert parsed.birth_date == dt.date(1975, 6, 10)
    # The area code is known; only the year table of stdnum disagrees.
    assert parsed.area_known is True


def test_unknown_area_code_is_accepted_with_area_known_false():
    parsed = parse_id_number(_with_check("99999919850315123"))
    assert parsed.area_code == "999999"
    assert parsed.area_known is False


def test_factory_numbers_are_valid():
    assert parse_id_number(id_number(birth="19700101", sex="M")).sex == "M"


def test_mask_shows_only_the_last_four_characters():
    # DOMAIN.md: "Show only the last four characters (`**************123X`) to everyone but
    # reviewers and approvers, and never a birth date beside a masked number: a mask plus a
    # birth date gives the whole number back."
    assert mask("15020319850315123X") == "**************123X"
    assert len(mask("15020319850315123X")) == 18
    # Neither the area code nor any digit of the birth date survives.
    assert "1502" not in mask("15020319850315123X")
    assert "1985" not in mask("15020319850315123X")


def test_mask_of_short_values_hides_everything():
    assert mask("") == ""
    assert mask("123X") == "****"
    assert mask("12345") == "*2345"


def test_non_ascii_digits_that_survive_normalising_are_refused():
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in "15020319850315124")
    assert _error_code(arabic_indic + "0") == "format"
