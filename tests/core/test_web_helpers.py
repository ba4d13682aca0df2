"""The portal helpers every area shares (kunqu_jiafu/web): one definition each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from kunqu_jiafu.web.formats import figure, month_label, percent_of, short_date
from kunqu_jiafu.web.forms import DateInput, show_service_errors


class _Form(forms.Form):
    code = forms.CharField(required=False)
    hours = forms.CharField(required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)


def _bound() -> _Form:
    form = _Form({})
    form.is_valid()
    return form


def test_service_errors_go_on_the_named_fields_and_the_rest_above_the_form():
    form = _bound()
    show_service_errors(
        form,
        ValidationError({"code": "券号有误", "elsewhere": "别处的问题", "__all__": "总的问题"}),
    )
    assert form.errors["code"] == ["券号有误"]
    assert sorted(form.non_field_errors()) == sorted(["总的问题", "别处的问题"])


def test_service_errors_follow_aliases_and_stay_off_fields_not_allowed():
    form = _bound()
    show_service_errors(
        form,
        ValidationError({"duration": "时长有误", "token": "重复提交"}),
        aliases={"duration": "hours"},
        fields=("code", "hours"),
    )
    assert form.errors["hours"] == ["时长有误"]
    assert "token" not in form.errors  # a hidden field would hide the message
    assert form.non_field_errors() == ["重复提交"]


def test_a_service_error_without_fields_goes_above_the_form():
    form = _bound()
    show_service_errors(form, ValidationError("不能这样做"))
    assert form.non_field_errors() == ["不能这样做"]


def test_percent_of_rounds_caps_and_survives_no_whole():
    assert percent_of(1, 5000) == 0.02
    assert percent_of(7, 5) == 100.0
    assert percent_of(7, 5, places=1, at_most=None) == 140.0
    assert percent_of(3, 0) == 0.0


def test_figures_and_dates_read_the_same_everywhere():
    assert figure(Decimal("1000000")) == "1,000,000.00"
    assert figure(None) == "—"
    assert short_date(dt.date(2026, 3, 5)) == "2026-03-05"
    assert month_label(dt.date(2026, 3, 1)) == "2026-03"
    assert short_date(None) == month_label(None) == "—"


def test_the_date_input_is_the_browsers_date_picker_with_iso_values():
    html = DateInput().render("on", dt.date(2026, 3, 5))
    assert 'type="date"' in html and 'value="2026-03-05"' in html
