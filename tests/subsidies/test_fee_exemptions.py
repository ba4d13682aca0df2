"""居民家庭服务费用减免 per household (issue 9).

The plan: "认真落实给予居民家庭50元服务费用减免政策，适当调整和增加服务项目". An exemption names the household
(head's ID number, address, street) and the service (date, kind from the bureau's list, a worker
with green status); the same household, date and kind is never paid twice, by any agency; a yearly
number per household is a setting. Before this change the same order number was paid again at
another agency (the key carried the agency): the first test is that defect."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from subsidies import services
from subsidies.exemption_models import ExemptionServiceKind, FeeExemption
from subsidies.models import Claim, ClaimSubject
from tests import factories
from tests.subsidies.core_builders import claim_type, draft, move

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 5)


def line(
    head: str,
    worker,
    *,
    day=DAY,
    kind="家庭保洁",
    address="昆区少先路3号楼2单元501",
    street="少先路街道",
    sep="\t",
) -> str:
    return sep.join([head, address, street, f"{day:%Y-%m-%d}", kind, worker.person.id_number])


@pytest.fixture
def head() -> str:
    return factories.id_number(birth="19600101", sex="M")


@pytest.fixture
def worker_a(org_a):
    return factories.make_worker(org_a)


@pytest.fixture
def worker_b(org_b):
    return factories.make_worker(org_b)


def exempt(user, agency, lines, period="2026-03"):
    return draft(
        user, agency, "fee_exemption", period=period, declared={}, subjects=lines, attach=False
    )


def test_the_same_household_day_and_kind_is_not_paid_again_at_another_agency(
    agency_a, org_a, agency_b, org_b, head, worker_a, worker_b
):
    first = exempt(agency_a, org_a, [line(head, worker_a)])
    assert first.eligible_amount == Decimal("50.00")
    with pytest.raises(ValidationError) as refused:
        exempt(agency_b, org_b, [line(head, worker_b, address="少先路 3号楼 2单元 501")])
    message = " ".join(refused.value.message_dict["subjects"])
    assert "已" in message or "Already" in message
    assert head[-4:] in message and head[:14] not in message  # masked, the last four shown
    assert Claim.objects.filter(agency=org_b).count() == 0  # nothing left behind
    assert FeeExemption.objects.filter(live=True).count() == 1


def test_the_database_refuses_a_second_live_row_for_the_household_day_and_kind(
    agency_a, org_a, agency_b, org_b, head, worker_a
):
    claim = exempt(agency_a, org_a, [line(head, worker_a)])
    row = FeeExemption.objects.get()
    other = exempt(agency_b, org_b, [line(factories.id_number(), factories.make_worker(org_b))])
    row.pk = None
    row.claim = other
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    row.live = False  # a row that no longer counts does not block
    row.save()
    assert FeeExemption.objects.filter(claim=claim, live=True).count() == 1


def test_fifty_yuan_per_valid_exemption_with_its_trace(agency_a, org_a, head, worker_a):
    other_head = factories.id_number()
    claim = exempt(
        agency_a,
        org_a,
        [
            line(head, worker_a),
            line(head, worker_a, kind="家电清洗"),  # another kind the same day: another service
            line(head, worker_a, day=DAY + dt.timedelta(days=1)),  # the next day: another one
            line(other_head, worker_a, sep=","),
        ],
    )
    assert claim.eligible_amount == Decimal("200.00")
    assert claim.declared == {"count": "4"}
    assert "4 户次 × 50.00 元 = 200.00 元" in claim.trace
    assert claim.subjects.count() == 4
    assert all(head[:14] not in subject.label for subject in claim.subjects.all())


def test_personal_data_is_stored_encrypted_with_a_blind_index_only(agency_a, org_a, head, worker_a):
    exempt(agency_a, org_a, [line(head, worker_a)])
    row = FeeExemption.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM subsidies_feeexemption")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert head not in stored and head[-6:] not in stored
    assert "少先路3号楼" not in stored
    assert row.head_id_number == head and row.address == "昆区少先路3号楼2单元501"
    assert row.head_id_masked == "*" * 14 + head[-4:]


def test_a_listed_twice_line_and_bad_lines_are_named_with_their_numbers_and_nothing_is_saved(
    agency_a, org_a, head, worker_a
):
    bad_id = head[:-1] + ("0" if head[-1] != "0" else "1")
    lines = [
        line(head, worker_a),
        line(head, worker_a),
        line(bad_id, worker_a),
        line(head, worker_a, kind="遛狗", street="火星街道", day=DAY + dt.timedelta(days=2)),
        "只有一列",
        line(head, worker_a, day=dt.date(2026, 4, 1)),
    ]
    with pytest.raises(ValidationError) as refused:
        exempt(agency_a, org_a, lines)
    messages = refused.value.message_dict["subjects"]
    text = " ".join(messages)
    for number in ("2", "3", "4", "5", "6"):
        assert f"第{number}行" in text or f"Line {number}" in text, (number, text)
    assert "遛狗" in text and "火星街道" in text
    assert Claim.objects.count() == 0 and FeeExemption.objects.count() == 0


def test_a_worker_without_green_status_is_refused_with_the_reasons(agency_a, org_a, head):
    yellow = factories.make_worker(org_a, accident_insurance_until=dt.date(2026, 3, 4))
    with pytest.raises(ValidationError) as refused:
        exempt(agency_a, org_a, [line(head, yellow)])
    assert "意外伤害保险已过期" in " ".join(refused.value.message_dict["subjects"])
    # Insured up to and including the service day: green that day.
    green = factories.make_worker(org_a, accident_insurance_until=DAY)
    assert exempt(agency_a, org_a, [line(head, green)]).eligible_amount == Decimal("50.00")


def test_another_agencys_worker_cannot_be_named(agency_a, org_a, head, worker_b):
    with pytest.raises(ValidationError) as refused:
        exempt(agency_a, org_a, [line(head, worker_b)])
    assert (
        "第1行" in refused.value.message_dict["subjects"][0]
        or "Line 1" in (refused.value.message_dict["subjects"][0])
    )


def test_the_yearly_number_per_household_is_a_setting_counted_across_agencies(
    agency_a, org_a, agency_b, org_b, head, worker_a, worker_b
):
    kind = claim_type("fee_exemption")
    assert kind.parameters["per_household_per_year"] == 12  # the seeded placeholder
    kind.parameters = {**kind.parameters, "per_household_per_year": 2}
    kind.save()
    exempt(agency_a, org_a, [line(head, worker_a)])
    # Just inside: the second of the year, at another agency.
    exempt(
        agency_b, org_b, [line(head, worker_b, day=DAY + dt.timedelta(days=3))], period="2026-03"
    )
    # Just outside: a third.
    with pytest.raises(ValidationError) as refused:
        exempt(agency_a, org_a, [line(head, worker_a, day=dt.date(2026, 5, 6))], period="2026-05")
    message = refused.value.message_dict["subjects"][0]
    assert "2" in message and head[-4:] in message
    assert FeeExemption.objects.filter(live=True).count() == 2


def test_a_withdrawn_claim_frees_its_households(
    agency_a, org_a, agency_b, org_b, head, worker_a, worker_b
):
    claim = exempt(agency_a, org_a, [line(head, worker_a)])
    move(agency_a, claim, "withdraw")
    assert not FeeExemption.objects.filter(live=True).exists()
    assert exempt(agency_b, org_b, [line(head, worker_b)]).eligible_amount == Decimal("50.00")


def test_an_update_replaces_the_list_and_an_empty_update_keeps_it(agency_a, org_a, head, worker_a):
    claim = exempt(agency_a, org_a, [line(head, worker_a)])
    claim = services.claim_update(actor=agency_a, claim=claim, declared={}, subjects=None)
    assert claim.eligible_amount == Decimal("50.00") and FeeExemption.objects.count() == 1
    claim = services.claim_update(
        actor=agency_a,
        claim=claim,
        declared={},
        subjects=[line(head, worker_a), line(head, worker_a, kind="做饭")],
    )
    assert claim.eligible_amount == Decimal("100.00")
    assert FeeExemption.objects.filter(claim=claim, live=True).count() == 2
    assert ClaimSubject.objects.filter(claim=claim).count() == 2


def test_a_service_kind_the_bureau_stopped_covering_is_refused(agency_a, org_a, head, worker_a):
    ExemptionServiceKind.objects.filter(name="家居维修").update(active=False)
    with pytest.raises(ValidationError) as refused:
        exempt(agency_a, org_a, [line(head, worker_a, kind="家居维修")])
    assert "家居维修" in refused.value.message_dict["subjects"][0]
    added = ExemptionServiceKind.objects.create(code="pet_care", name="宠物照看", sort_order=20)
    assert exempt(agency_a, org_a, [line(head, worker_a, kind=added.name)]).eligible_amount == 50
