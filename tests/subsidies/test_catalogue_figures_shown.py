"""How the catalogue prints what an agency reads (issue 9, looked at in the browser): a figure
waiting for the bureau is named in Chinese and carries its unit, and the standard per course
kind is a column of amounts in yuan."""

from __future__ import annotations

import re

import pytest

from .core_builders import YEAR

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _card(page: str, code: str) -> str:
    return page.split(f'data-testid="type-{code}"', 1)[1].split("</article>", 1)[0]


@pytest.fixture
def catalogue(client, agency_a) -> str:
    client.force_login(agency_a)
    return client.get(f"/portal/claims/catalogue/?year={YEAR}").content.decode()


def test_figures_to_confirm_are_shown_with_their_units(catalogue):
    loan = _text(_card(catalogue, "loan_interest"))
    assert "贷款年利率上限（超过即视为误填）：24%" in loan and "0.24" not in loan
    insurance = _text(_card(catalogue, "social_insurance"))
    assert "单人单月单位缴费上限（超过即视为误填）：20,000 元" in insurance
    assert "每人标准：200 元" in _text(_card(catalogue, "health_check"))


def test_no_figure_to_confirm_is_named_by_its_code(catalogue):
    exemption = _text(_card(catalogue, "fee_exemption"))
    assert "每户每年最多减免次数：12" in exemption
    assert "per_household_per_year" not in catalogue


def test_the_standard_per_course_kind_is_a_column_of_yuan(catalogue):
    table = _card(catalogue, "training_subsidy").split('data-testid="course-kind-standards"')[1]
    table = table.split("</table>", 1)[0]
    assert '<td class="num">1,500.00 元</td>' in table


def test_the_payment_facts_of_a_paid_claim_sit_in_one_column(
    client, agency_a, org_a, reviewer, approver
):
    # In two columns of a half-width card the bank reference broke at its hyphen
    # (KQCZ- / 20261207-0001).
    from django.conf import settings

    from tests.subsidies import core_builders as b

    b.fund(approver, "1000000")
    claim = b.paid(agency_a, org_a, reviewer, approver)
    client.force_login(agency_a)
    page = client.get(f"/portal/claims/{claim.pk}/").content.decode()

    facts = page.split('<dl class="details compact single">', 1)[1].split("</dl>", 1)[0]
    assert "BOC-2026-0001" in facts
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert ".details.single { grid-template-columns: 1fr; }" in css


def test_a_confirmed_figure_is_named_in_chinese_in_the_message_and_the_admin(client, approver):
    from subsidies.models import ParameterFlag

    from .core_builders import claim_type

    flag = ParameterFlag.objects.get(claim_type=claim_type("health_check"), name="unit_amount")
    client.force_login(approver)
    response = client.post(
        "/admin/subsidies/parameterflag/",
        {"action": "confirm_values", "_selected_action": [flag.pk]},
        follow=True,
    )
    page = response.content.decode()

    assert "健康体检费用补贴·每人标准" in page  # the message, not 健康体检费用补贴·unit_amount
    assert "每人标准 = 200.00：已由" in page  # who confirmed, by the figure's name
    assert "·unit_amount" not in page


def test_the_exemption_form_lists_the_services_the_bureau_covers(client, agency_a):
    # The service column is to be written "as the bureau lists it": the list is beside the form.
    from subsidies.models import ExemptionServiceKind

    from .core_builders import claim_type

    client.force_login(agency_a)
    kind = claim_type("fee_exemption")
    page = client.get(f"/portal/claims/new/?type={kind.pk}").content.decode()

    listed = page.split('data-testid="exemption-service-kinds"', 1)[1].split("</ul>", 1)[0]
    covered = list(ExemptionServiceKind.objects.filter(active=True).values_list("name", flat=True))
    assert covered and all(f"<li>{name}</li>" in listed for name in covered)
