"""A NUL character in a query string is a 400 everywhere (PostgreSQL refuses NUL in text, so
an admin changelist filter answered 500 on it; found by tests/core/test_hostile_filters.py)."""

from __future__ import annotations


def test_admin_changelist_answers_400_in_chinese_to_a_nul_in_a_filter(reviewer, client_for):
    response = client_for(reviewer).get("/admin/agencies/agency/?status__exact=a%00b")
    assert response.status_code == 400


def test_api_list_answers_a_json_400_naming_the_character(reviewer, client_for):
    response = client_for(reviewer).get("/api/agencies/?search=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert "不允许" in response.json()["detail"]


def test_a_nul_in_a_parameter_name_is_refused_too(client):
    assert client.get("/vouchers/?a%00b=1").status_code == 400


def test_ordinary_query_strings_pass(reviewer, client_for):
    assert client_for(reviewer).get("/admin/agencies/agency/?q=家政").status_code == 200
