"""The batch's progress figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers


class VoucherProgressBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    year = serializers.IntegerField()


class VoucherProgressApplicationsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("Applications not rejected."))
    waiting = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()


class VoucherProgressPercentSerializer(serializers.Serializer):
    issued = serializers.FloatField()
    redeemed = serializers.FloatField()
    verified = serializers.FloatField()
    reimbursed = serializers.FloatField()
    issued_amount = serializers.FloatField()
    reimbursed_amount = serializers.FloatField()


class VoucherProgressRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    applications = serializers.IntegerField()
    issued = serializers.IntegerField()
    issued_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    redeemed = serializers.IntegerField()
    verified = serializers.IntegerField()
    reimbursed = serializers.IntegerField()
    reimbursed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class VoucherProgressSerializer(serializers.Serializer):
    """应发尽发: the batch's figures against its 5,000 vouchers and 1,000,000 yuan."""

    batch = VoucherProgressBatchSerializer()
    count = serializers.IntegerField(help_text=gettext_lazy("Vouchers in the batch."))
    total = _money(help_text=gettext_lazy("Value of the batch (yuan)."))
    face_value = _money()
    issued = serializers.IntegerField(help_text=gettext_lazy("Issued and not voided."))
    issued_amount = _money()
    redeemed = serializers.IntegerField(
        help_text=gettext_lazy("Used: redeemed, verified, failed verification or reimbursed.")
    )
    redeemed_amount = _money()
    verified = serializers.IntegerField(help_text=gettext_lazy("Verified or reimbursed."))
    verified_amount = _money()
    reimbursed = serializers.IntegerField()
    reimbursed_amount = _money()
    voided = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text=gettext_lazy("Vouchers still to issue."))
    remaining_amount = _money()
    applications = VoucherProgressApplicationsSerializer()
    percent = VoucherProgressPercentSerializer()
    by_group = VoucherProgressRowSerializer(many=True)
    by_street = VoucherProgressRowSerializer(many=True)
