"""Helpers the voucher serializers share: who asks, ID numbers, described choices."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Application, Settlement, Voucher, VoucherBatch


def request_user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def id_for_viewer(serializer: serializers.Serializer, person) -> str:
    user = request_user(serializer)
    return person.id_for(user) if user is not None else person.id_masked


def described_choice(choices, description: str):
    """A choice field documented as a described string: an enum named "status" would collide
    with the other areas' status enums in the schema."""

    @extend_schema_field({"type": "string", "description": description})
    class DescribedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return DescribedChoiceField


BatchStatusField = described_choice(
    VoucherBatch.Status.choices, "批次状态：draft 草稿、open 发放中、closed 已结束。"
)
ApplicationStatusField = described_choice(
    Application.Status.choices,
    "申报状态：submitted 待审核、approved 已通过、rejected 未通过、issued 已发券。",
)
VoucherStatusField = described_choice(
    Voucher.Status.choices,
    "券状态：issued 已发放（未使用）、redeemed 已核销（待核查）、verified 核查通过、"
    "rejected 核查未通过、reimbursed 已结算拨付、voided 已作废。",
)
SettlementStatusField = described_choice(
    Settlement.Status.choices, "结算单状态：issued 待拨付、paid 已拨付。"
)
ChannelField = described_choice(
    Application.Channel.choices, "申报渠道：online 居民网上申报、counter 经办人员代为录入。"
)

ID_NUMBER_HELP = gettext_lazy(
    "ID number: in full for reviewers and approvers, masked (e.g. 1502**********123X) for others."
)
