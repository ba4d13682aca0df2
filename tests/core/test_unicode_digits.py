"""Numbers in query strings: "²" is a digit to str.isdigit() but not to int(); every page that
reads a number from the URL answers it like any other bad value, never with a 500."""

import pytest

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "%C2%B2"


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        ("reviewer", f"/api/vouchers/progress/?batch={SUPERSCRIPT_TWO}", {400}),
        ("reviewer", f"/admin/vouchers/voucherbatch/progress/?batch={SUPERSCRIPT_TWO}", {200}),
        ("reviewer", f"/admin/vouchers/participation/add-agencies/?batch={SUPERSCRIPT_TWO}", {200}),
        ("reviewer", f"/api/training-progress/?year={SUPERSCRIPT_TWO}", {400}),
        ("reviewer", f"/admin/training/course/?street={SUPERSCRIPT_TWO}", {200}),
        ("reviewer", f"/admin/agencies/worker/?agency__id__exact={SUPERSCRIPT_TWO}", {200, 302}),
        ("agency_a", f"/portal/claims/catalogue/?year={SUPERSCRIPT_TWO}", {200}),
        ("agency_a", f"/portal/claims/new/?type={SUPERSCRIPT_TWO}", {404}),
    ],
)
def test_a_superscript_digit_in_the_query_string_is_bad_input_not_a_500(
    request, client_for, who, url, expected
):
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code in expected, (url, response.status_code)
