"""REST API of the employment vouchers (促进就业券): thin viewsets over selectors and services.

Every voucher, application and settlement queryset comes from ``vouchers.selectors``, so an
agency user asking for a voucher whose holder chose another agency gets 404. Every write goes
through ``vouchers.services``; a service's ``ValidationError`` becomes 400 with its field errors,
``PermissionDenied`` becomes 403 with the service's reason. Officials (统计查询) read everything
(ID numbers masked) and write nothing; agency users redeem and read their own vouchers and
statements.

Status codes chosen here:

- issuing when the batch is exhausted (by count or value): 400, the service's message under
  ``non_field_errors`` — like every other refusal of a service, nothing is partly written;
- redemption: 201 first time; 200 with the same body and ``Idempotent-Replayed: true`` for a
  repeat with the same ``Idempotency-Key`` and content; 422 with the message under
  ``idempotency_key`` when a key is reused for different content; 400 for everything else.
"""

from __future__ import annotations

from .applications import VoucherApplicationViewSet
from .batches import TargetGroupViewSet, VoucherBatchViewSet
from .settlements import VoucherSettlementViewSet
from .vouchers import VoucherViewSet


def register(router) -> None:
    router.register("target-groups", TargetGroupViewSet, basename="target-group")
    router.register("voucher-batches", VoucherBatchViewSet, basename="voucher-batch")
    router.register(
        "voucher-applications", VoucherApplicationViewSet, basename="voucher-application"
    )
    router.register("vouchers", VoucherViewSet, basename="voucher")
    router.register("voucher-settlements", VoucherSettlementViewSet, basename="voucher-settlement")
