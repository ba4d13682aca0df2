"""What the voucher viewsets share: tags, documented answers, staff access, file responses."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.drf import OfficialsReadOnly, ScopedViewSet, staff_only

from ..serializers.vouchers import VoucherRedeemErrorSerializer

TAG_BATCHES = "就业券批次"
TAG_APPLICATIONS = "就业券申报"
TAG_VOUCHERS = "就业券"
TAG_SETTLEMENTS = "就业券结算"
TAG_PROGRESS = "就业券进度"

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX = 100

BAD_INPUT = OpenApiResponse(description="输入有误：按字段给出错误说明（中文）。")
ISSUE_REFUSED = OpenApiResponse(
    description=(
        "不能发券：错误说明在 non_field_errors 下。批次已发完（张数或金额达到上限）时同样返回 400，"
        "说明中给出批次总张数或剩余金额，例如“All 5000 vouchers of … are issued; none is left”"
        "（中文界面为对应译文）；申报尚未审核通过、批次未开放或已过期时也返回 400。"
        "被拒绝的请求不写入任何数据。"
    )
)
REDEEM_BAD_INPUT = OpenApiResponse(
    response=VoucherRedeemErrorSerializer,
    description=(
        "不能核销：错误按字段给出。券码有误（字符不合法、长度不对、校验位不符）、券码不存在、"
        "已核销（说明何时由哪个机构哪位用户核销）、已作废、已过期、持券人选择了其他机构时，"
        "错误在 code 下；服务日期、服务人员、服务类型、时长的错误在各自字段下；"
        "Idempotency-Key 超过 100 个字符时在 idempotency_key 下。"
    ),
)
REDEEM_KEY_REUSED = OpenApiResponse(
    response=VoucherRedeemErrorSerializer,
    description=(
        "同一 Idempotency-Key 已用于内容不同的另一次核销：错误在 idempotency_key 下，"
        "不写入任何数据。新的请求请使用新的键。"
    ),
)
PDF_FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF 文件。")
XLSX_FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description="Excel（.xlsx）文件。")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


StaffOnly = staff_only(
    gettext_lazy("Only bureau staff and officials see this part of the voucher area.")
)


STAFF_PERMISSIONS = [permissions.IsAuthenticated, StaffOnly, OfficialsReadOnly]


def require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason or None)


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class DownloadsViewSet(ScopedViewSet):
    DOWNLOADS: tuple[str, ...] = ()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # Downloads answer a file whatever the Accept header; their errors are JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in self.DOWNLOADS
        )
