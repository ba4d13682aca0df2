"""Applications, issuing and voiding: the caps of the batch, one application and one voucher per
household, voiding gives the place back, and services re-read what they are handed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.core_builders import english  # noqa: F401 - fixture
from vouchers import selectors
from vouchers.models import Application, Voucher, VoucherBatch
from vouchers.services import common as service_common
from vouchers.services.applications import application_create, application_decide
from vouchers.services.batches import batch_save
from vouchers.services.issue import application_approve_and_issue, voucher_issue, voucher_void

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

A = Application.Status
V = Voucher.Status


def _counters(the_batch: VoucherBatch) -> tuple[int, Decimal]:
    the_batch.refresh_from_db()
    return the_batch.issued_count, the_batch.issued_amount


def _rows(the_batch: VoucherBatch) -> tuple[int, Decimal]:
    live = Voucher.objects.filter(batch=the_batch).exclude(status=V.VOIDED)
    return live.count(), sum((v.face_value for v in live), Decimal("0.00"))


def _message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- the caps -------------------------------------------------------------------------------------


def test_vouchers_are_issued_up_to_the_count_and_the_next_is_refused(reviewer):
    small = b.batch(count=3)
    vouchers = [b.issued(small, reviewer) for _ in range(3)]
    assert len({v.code for v in vouchers}) == 3
    assert _counters(small) == (3, Decimal("600.00")) == _rows(small)
    last = b.approved(small, reviewer)

    with pytest.raises(ValidationError) as refused:
        voucher_issue(actor=reviewer, application=last)

    message = _message(refused)
    assert "All 3 vouchers of" in message and "none is left" in message
    assert str(small) in message
    assert _counters(small) == (3, Decimal("600.00")) == _rows(small)
    last.refresh_from_db()
    assert last.status == A.APPROVED and not last.vouchers.exists()
    figures = selectors.progress(small)
    assert (figures["issued"], figures["remaining"], figures["issued_amount"]) == (
        3,
        0,
        Decimal("600.00"),
    )


def test_the_value_cap_can_only_bind_together_with_the_count_cap(reviewer):
    """total = count × face value (CHECK), the face value cannot change while vouchers are out and
    every voucher carries the batch's face value, so issued_amount = issued_count × face value
    at every step: the value cap binds exactly when the count cap does."""
    small = b.batch(count=3)
    invariant = []

    def check():
        count, amount = _counters(small)
        invariant.append(amount == count * small.face_value)

    first = b.issued(small, reviewer)
    check()
    with pytest.raises(ValidationError) as refused:
        batch_save(
            actor=reviewer,
            batch=small,
            data={"face_value": Decimal("300.00"), "total": Decimal("900.00")},
        )
    assert list(refused.value.message_dict) == ["face_value"]
    with pytest.raises(ValidationError) as refused:
        batch_save(actor=reviewer, batch=small, data={"total": Decimal("700.00")})
    assert list(refused.value.message_dict) == ["total"]
    assert "3 × 200.00 = 600.00" in refused.value.message_dict["total"][0]
    b.issued(small, reviewer)
    check()
    with pytest.raises(ValidationError) as refused:
        batch_save(actor=reviewer, batch=small, data={"count": 1, "total": Decimal("200.00")})
    assert set(refused.value.message_dict) == {"count", "total"}
    assert "2 vouchers are already out" in refused.value.message_dict["count"][0]
    voucher_void(actor=reviewer, voucher=first, reason="重复申领")
    check()
    # With every voucher voided the face value may change again: nothing of the old value is out.
    voucher_void(
        actor=reviewer, voucher=Voucher.objects.get(batch=small, status=V.ISSUED), reason="退回"
    )
    check()
    small = batch_save(
        actor=reviewer,
        batch=small,
        data={"count": 4, "face_value": Decimal("150.00"), "total": Decimal("600.00")},
    )
    b.issued(small, reviewer)
    check()
    assert all(invariant) and len(invariant) == 5
    assert Voucher.objects.filter(batch=small, status=V.ISSUED).get().face_value == Decimal(
        "150.00"
    )


def test_the_value_out_cannot_drift_from_the_count_out(reviewer):
    """The value cap is the count cap: the database refuses a value out that is not count out ×
    face value (a write that bypassed the services), so 1,000,000 yuan cannot be exceeded while
    5,000 vouchers are not."""
    small = b.batch(count=3)
    b.issued(small, reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherBatch.objects.filter(pk=small.pk).update(issued_amount=Decimal("500.00"))
    assert _counters(small) == (1, Decimal("200.00"))


def test_issuing_needs_an_approved_application_an_open_batch_and_unexpired_vouchers(
    reviewer, monkeypatch
):
    small = b.batch(count=5)
    submitted = b.apply(small, reviewer)
    with pytest.raises(ValidationError, match="Approve the application"):
        voucher_issue(actor=reviewer, application=submitted)
    rejected = application_decide(
        actor=reviewer, application=b.apply(small, reviewer), approve=False, reason="材料不符"
    )
    with pytest.raises(ValidationError, match="rejected"):
        voucher_issue(actor=reviewer, application=rejected)
    waiting = b.approved(small, reviewer)
    VoucherBatch.objects.filter(pk=small.pk).update(status=VoucherBatch.Status.CLOSED)
    with pytest.raises(ValidationError, match="is not open"):
        voucher_issue(actor=reviewer, application=waiting)
    VoucherBatch.objects.filter(pk=small.pk).update(status=VoucherBatch.Status.OPEN)
    monkeypatch.setattr(service_common, "today", lambda: small.valid_until + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="expired"):
        voucher_issue(actor=reviewer, application=waiting)
    assert _counters(small) == (0, Decimal("0.00")) == _rows(small)


def test_approve_and_issue_is_all_or_nothing_when_the_batch_is_full(reviewer):
    small = b.batch(count=1)
    b.issued(small, reviewer)
    application = b.apply(small, reviewer)

    with pytest.raises(ValidationError, match="none is left"):
        application_approve_and_issue(actor=reviewer, application=application)

    application.refresh_from_db()
    assert application.status == A.SUBMITTED and application.decided_at is None
    assert _counters(small) == (1, Decimal("200.00"))


# --- one application and one voucher per household ------------------------------------------------


def test_one_application_per_household_and_batch(reviewer):
    small = b.batch()
    number = b.household_id()
    first = b.apply(small, reviewer, id_number=number)

    with pytest.raises(ValidationError) as refused:
        b.apply(small, reviewer, id_number=number)

    message = refused.value.message_dict["id_number"][0]
    assert first.number in message and "submitted" in message
    # Typed differently (spaces, full-width digits, lower-case x) it is still the same household.
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number[:6])
    with pytest.raises(ValidationError) as refused:
        b.apply(small, reviewer, id_number=f" {full_width} {number[6:].lower()} ")
    assert first.number in refused.value.message_dict["id_number"][0]
    assert Application.objects.filter(batch=small).count() == 1
    # Another batch of the same household is a new application.
    b.apply(b.batch(), reviewer, id_number=number)


def test_after_a_rejection_the_household_may_apply_again(reviewer):
    small = b.batch()
    number = b.household_id()
    first = b.apply(small, reviewer, id_number=number)
    application_decide(actor=reviewer, application=first, approve=False, reason="证明材料模糊")

    second = b.apply(small, reviewer, id_number=number)

    assert second.person_id == first.person_id and second.number != first.number
    with pytest.raises(ValidationError) as refused:
        b.apply(small, reviewer, id_number=number)
    assert second.number in refused.value.message_dict["id_number"][0]


def test_one_voucher_per_household_an_application_is_issued_once(reviewer):
    small = b.batch(count=5)
    application = b.approved(small, reviewer)
    voucher_issue(actor=reviewer, application=application)

    with pytest.raises(ValidationError, match="voucher issued"):
        voucher_issue(actor=reviewer, application=application)  # stale: still APPROVED

    assert Voucher.objects.filter(person=application.person, batch=small).count() == 1
    assert _counters(small) == (1, Decimal("200.00"))


def test_application_errors_name_their_fields(reviewer):
    small = b.batch()
    with pytest.raises(ValidationError) as refused:
        application_create(
            batch=small,
            id_number=b.household_id(),
            name="王秀英",
            phone=" ",
            address="",
            street=b.street(),
            target_group=b.group(),
        )
    assert set(refused.value.message_dict) == {"phone", "address", "evidence"}
    number = b.household_id()
    mistyped = number[:-1] + ("1" if number[-1] != "1" else "2")  # wrong check character
    with pytest.raises(ValidationError) as refused:
        b.apply(small, reviewer, id_number=mistyped)
    assert list(refused.value.message_dict) == ["id_number"]
    b.apply(small, reviewer, id_number=number, name="张三")
    with pytest.raises(ValidationError) as refused:
        b.apply(b.batch(), reviewer, id_number=number, name="李四")
    assert "张三" in refused.value.message_dict["name"][0]
    group = b.group("model_worker")
    group.active = False
    group.save()
    with pytest.raises(ValidationError) as refused:
        b.apply(small, reviewer, group_code="model_worker")
    assert list(refused.value.message_dict) == ["target_group"]


def test_residents_apply_only_while_applications_are_open_reviewers_any_time(reviewer):
    today = timezone.localdate()
    closed = b.batch(applications_close_on=today - dt.timedelta(days=1))
    closed.applications_open_on = today - dt.timedelta(days=30)
    closed.save()
    evidence = SimpleUploadedFile("card.pdf", factories.PDF, content_type="application/pdf")
    with pytest.raises(ValidationError, match="are taken from"):
        application_create(
            batch=closed,
            id_number=b.household_id(),
            name="王秀英",
            phone="13900000001",
            address="昆都仑区",
            street=b.street(),
            target_group=b.group(),
            evidence=evidence,
        )
    assert b.apply(closed, reviewer).channel == Application.Channel.COUNTER
    draft = b.batch(status=VoucherBatch.Status.DRAFT)
    with pytest.raises(ValidationError, match="not taking applications"):
        b.apply(draft, reviewer)


def test_a_rejection_needs_a_reason_and_a_decision_is_made_once(reviewer):
    application = b.apply(b.batch(), reviewer)
    with pytest.raises(ValidationError) as refused:
        application_decide(actor=reviewer, application=application, approve=False)
    assert list(refused.value.message_dict) == ["reason"]
    application_decide(actor=reviewer, application=application, approve=True)
    with pytest.raises(ValidationError, match="already been decided"):
        application_decide(actor=reviewer, application=application, approve=False, reason="改判")
    application.refresh_from_db()
    assert application.status == A.APPROVED


# --- voiding gives the place back -------------------------------------------------------------------


def test_voiding_returns_the_capacity_and_the_household_may_be_issued_again(reviewer):
    small = b.batch(count=2)
    first = b.issued(small, reviewer)
    b.issued(small, reviewer)
    blocked = b.approved(small, reviewer)
    with pytest.raises(ValidationError, match="none is left"):
        voucher_issue(actor=reviewer, application=blocked)

    voided = voucher_void(actor=reviewer, voucher=first, reason="凭证遗失，补发")

    assert voided.status == V.VOIDED and voided.voided_by == reviewer and voided.voided_at
    assert _counters(small) == (1, Decimal("200.00")) == _rows(small)
    figures = selectors.progress(small)
    assert (figures["issued"], figures["voided"], figures["remaining"]) == (1, 1, 1)
    assert figures["remaining_amount"] == Decimal("200.00")
    first.application.refresh_from_db()
    assert first.application.status == A.APPROVED

    again = voucher_issue(actor=reviewer, application=first.application)

    assert again.code != first.code and again.person_id == first.person_id
    assert _counters(small) == (2, Decimal("400.00")) == _rows(small)
    assert selectors.progress(small)["issued"] == 2
    # The place went to the same household again; the other household is still refused.
    with pytest.raises(ValidationError, match="none is left"):
        voucher_issue(actor=reviewer, application=blocked)


def test_a_voided_place_can_go_to_another_household(reviewer):
    small = b.batch(count=1)
    first = b.issued(small, reviewer)
    waiting = b.approved(small, reviewer)
    voucher_void(actor=reviewer, voucher=first, reason="户籍迁出")

    voucher = voucher_issue(actor=reviewer, application=waiting)

    assert voucher.person_id == waiting.person_id
    assert _counters(small) == (1, Decimal("200.00")) == _rows(small)


def test_only_an_unused_voucher_is_voided_once_with_a_reason(reviewer, org_a, agency_a):
    from tests import factories

    small = b.batch(count=3)
    b.join(small, org_a, reviewer)
    voucher = b.issued(small, reviewer)
    with pytest.raises(ValidationError) as refused:
        voucher_void(actor=reviewer, voucher=voucher, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    voucher_void(actor=reviewer, voucher=voucher, reason="错发")
    with pytest.raises(ValidationError, match="voided"):
        voucher_void(actor=reviewer, voucher=voucher, reason="再次作废")
    used = b.issued(small, reviewer)
    stale = Voucher.objects.get(pk=used.pk)  # read before the redemption
    b.redeem(used, agency_a, factories.make_worker(org_a))
    with pytest.raises(ValidationError, match="redeemed"):
        voucher_void(actor=reviewer, voucher=stale, reason="作废")
    assert _counters(small) == (1, Decimal("200.00")) == _rows(small)


# --- stale objects ---------------------------------------------------------------------------------


def test_issue_rereads_the_application_a_stale_approved_copy_does_not_help(reviewer, reviewer2):
    small = b.batch(count=5)
    application = b.approved(small, reviewer)
    Application.objects.filter(pk=application.pk).update(
        status=A.REJECTED, decision_reason="复核不符"
    )
    assert application.status == A.APPROVED  # the copy in hand is stale

    with pytest.raises(ValidationError, match="rejected"):
        voucher_issue(actor=reviewer2, application=application)

    assert _rows(small) == (0, Decimal("0.00"))


def test_approve_and_issue_rereads_an_application_approved_meanwhile(reviewer, reviewer2):
    small = b.batch(count=5)
    application = b.apply(small, reviewer)
    stale = Application.objects.get(pk=application.pk)
    application_decide(actor=reviewer2, application=application, approve=True)
    assert stale.status == A.SUBMITTED

    voucher = application_approve_and_issue(actor=reviewer, application=stale)

    assert voucher.application_id == application.pk
    application.refresh_from_db()
    assert application.status == A.ISSUED and application.decided_by == reviewer2
    assert _counters(small) == (1, Decimal("200.00"))


def test_saving_a_batch_from_a_stale_copy_keeps_what_others_changed_meanwhile(reviewer, reviewer2):
    small = b.batch(count=3)
    stale = VoucherBatch.objects.get(pk=small.pk)
    batch_save(actor=reviewer2, batch=small, data={"count": 4, "total": Decimal("800.00")})

    batch_save(actor=reviewer, batch=stale, data={"name": "更名后的批次"})

    small.refresh_from_db()
    assert (small.count, small.total, small.name) == (4, Decimal("800.00"), "更名后的批次")


def test_a_batch_change_is_checked_against_the_row_as_it_is_now(reviewer):
    small = b.batch(count=3)
    stale = VoucherBatch.objects.get(pk=small.pk)
    batch_save(
        actor=reviewer,
        batch=small,
        data={"count": 2, "face_value": Decimal("300.00"), "total": Decimal("600.00")},
    )

    # Valid against the stale copy (3 × 200 = 600), wrong against the row (2 × 300 = 600).
    with pytest.raises(ValidationError) as refused:
        batch_save(actor=reviewer, batch=stale, data={"count": 3})

    assert list(refused.value.message_dict) == ["total"]
    small.refresh_from_db()
    assert (small.count, small.face_value) == (2, Decimal("300.00"))
