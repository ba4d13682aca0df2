"""Vouchers: void, agency choice, follow-ups, verification, PDF, redemption, progress."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, service_errors

from .. import filters, selectors
from .. import permissions as voucher_permissions
from ..models import VoucherBatch
from ..serializers.progress import VoucherProgressSerializer
from ..serializers.vouchers import (
    VoucherChooseAgencySerializer,
    VoucherFollowUpCreateSerializer,
    VoucherFollowUpSerializer,
    VoucherRedeemSerializer,
    VoucherRedemptionSerializer,
    VoucherSerializer,
    VoucherVerifySerializer,
    VoucherVoidSerializer,
)
from ..services.choice import voucher_choose_agency
from ..services.issue import voucher_void
from ..services.redemption import voucher_redeem
from ..services.verification import followup_record, voucher_verify
from .common import (
    BAD_INPUT,
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY_MAX,
    PDF_FILE,
    REDEEM_BAD_INPUT,
    REDEEM_KEY_REUSED,
    REPLAYED_HEADER,
    TAG_PROGRESS,
    TAG_VOUCHERS,
    DownloadsViewSet,
    StaffOnly,
    file_response,
    require,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List vouchers"),
        description=gettext_lazy(
            "Bureau staff and officials see all; agency users see only the vouchers whose holder "
            "chose their agency. Only reviewers and approvers see the holder's full ID number. "
            "search finds by code (dashes, spaces, any case, full-width characters all work), "
            "holder's name or application number."
        ),
        tags=[TAG_VOUCHERS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Voucher details"),
        tags=[TAG_VOUCHERS],
        responses={200: VoucherSerializer, 404: NOT_FOUND},
    ),
)
class VoucherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DownloadsViewSet):
    serializer_class = VoucherSerializer
    filterset_class = filters.VoucherFilter
    filter_backends = [DjangoFilterBackend, filters.VoucherSearchFilter, OrderingFilter]
    search_fields = ["code", "person__name", "application__number"]
    ordering_fields = ["issued_at", "valid_until", "status", "agency_chosen_at", "verified_at"]
    ordering = ["-issued_at", "-id"]
    DOWNLOADS = ("pdf",)
    STAFF_ACTIONS = ("pdf", "follow_ups", "progress")

    def get_permissions(self):
        checks = super().get_permissions()
        if self.action in self.STAFF_ACTIONS:
            checks.append(StaffOnly())
        return checks

    def get_queryset(self):
        return selectors.vouchers_for_user(self.request.user).select_related("service__agency")

    # --- staff writes on one voucher ---

    @extend_schema(
        summary=gettext_lazy("Void a voucher"),
        description=gettext_lazy(
            "Reviewers and approvers. Only an unused voucher can be voided, with a reason; its place "
            "and amount return to the batch."
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherVoidSerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_void(
                actor=request.user, voucher=voucher, reason=serializer.validated_data["reason"]
            )
        return Response(self._present(voucher))

    @extend_schema(
        summary=gettext_lazy("Choose the service agency for the holder"),
        description=gettext_lazy(
            "Reviewers and approvers choose for the holder (residents can also choose on the look-up "
            "page). The agency must be registered, take part in the batch and not have failed its "
            "latest yearly inspection; the choice can change until the voucher is redeemed."
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherChooseAgencySerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="choose-agency", url_name="choose-agency")
    def choose_agency(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherChooseAgencySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_choose_agency(
                actor=request.user, voucher=voucher, agency=serializer.validated_data["agency"]
            )
        return Response(self._present(voucher))

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("Follow-up call records"),
        description=gettext_lazy(
            "Every follow-up call on this voucher, newest first. Bureau staff and officials only."
        ),
        tags=[TAG_VOUCHERS],
        request=None,
        responses={200: VoucherFollowUpSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Record a follow-up call"),
        description=gettext_lazy(
            "Reviewers and approvers. A phone call after the service: when reached, satisfaction 1-5 "
            "is required; when not reached, say why in remarks. called_on defaults to today."
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherFollowUpCreateSerializer,
        responses={
            201: VoucherFollowUpSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="follow-ups",
        url_name="follow-ups",
        filter_backends=[],
        pagination_class=None,
    )
    def follow_ups(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        if request.method == "GET":
            rows = voucher.follow_ups.select_related("recorded_by").order_by("-called_on", "-id")
            return Response(VoucherFollowUpSerializer(rows, many=True).data)
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherFollowUpCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            follow_up = followup_record(
                actor=request.user,
                voucher=voucher,
                called_on=data.get("called_on") or timezone.localdate(),
                reached=data["reached"],
                satisfaction=data["satisfaction"],
                remarks=data["remarks"],
            )
        return Response(VoucherFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Verify the service"),
        description=gettext_lazy(
            "Reviewers and approvers check a redeemed voucher: passed=true passes it into the "
            "agency's next settlement; passed=false fails it, and note must say what was found (the "
            "agency sees it)."
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherVerifySerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_verify(
                actor=request.user, voucher=voucher, **serializer.validated_data
            )
        return Response(self._present(voucher))

    @extend_schema(
        summary=gettext_lazy("Download the voucher PDF"),
        description=gettext_lazy(
            "The printable voucher (code and QR code). Bureau staff and officials only."
        ),
        tags=[TAG_VOUCHERS],
        responses={(200, "application/pdf"): PDF_FILE, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk=None, format=None) -> HttpResponse:
        from .. import documents

        voucher = self.get_object()
        return file_response(
            documents.voucher_pdf(voucher),
            "application/pdf",
            documents.filename_for(voucher, "pdf"),
        )

    # --- redemption (上门服务) ---

    @extend_schema(
        summary=gettext_lazy("Redeem a voucher (record the home service)"),
        description=gettext_lazy(
            "Agency users enter the code, service date, service type, worker and duration to redeem "
            "a voucher whose holder chose their agency. Each voucher is redeemed once.\n\nIdempotency: "
            "the Idempotency-Key request header (optional; a new UUID per redemption is advised). "
            "The first success answers 201 with the service record; sending the same key and content "
            "again (say, a retry after a network failure) answers 200 with the very same body and "
            "the Idempotent-Replayed: true header, writing nothing; the same key with different "
            "content answers 422, with the error under idempotency_key. Redeeming the same voucher "
            "again without a key answers 400, with the error under code saying when and by whom it "
            "was redeemed. A mistyped code (check character not matching) answers 400 with the error "
            "under code, without a database query."
        ),
        tags=[TAG_VOUCHERS],
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description=gettext_lazy(
                    "Idempotency key (at most 100 characters), unique within an agency. A retry with the "
                    "same key and content returns the first result."
                ),
            ),
            OpenApiParameter(
                REPLAYED_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=gettext_lazy(
                    "A replayed response (200) carries this header with the value true."
                ),
                response=[200],
            ),
        ],
        request=VoucherRedeemSerializer,
        responses={
            201: OpenApiResponse(
                VoucherRedemptionSerializer, description=gettext_lazy("Redeemed.")
            ),
            200: OpenApiResponse(
                VoucherRedemptionSerializer,
                description=gettext_lazy(
                    "Replay: a retry with the same Idempotency-Key and content; the body is exactly the "
                    "first one."
                ),
            ),
            400: REDEEM_BAD_INPUT,
            403: FORBIDDEN,
            422: REDEEM_KEY_REUSED,
        },
        examples=[
            OpenApiExample(
                gettext_lazy("Redeem"),
                request_only=True,
                value={
                    "code": "7KQM-4XRT-2HB",
                    "service_date": "2026-03-18",
                    "kind": 1,
                    "worker": 12,
                    "hours": "2.0",
                    "note": "",
                },
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def redeem(self, request: Request, format=None) -> Response:
        user = request.user
        require(voucher_permissions.can_redeem(user))
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise ValidationError(
                {
                    "idempotency_key": [
                        _("The Idempotency-Key header may have at most %(n)s characters.")
                        % {"n": IDEMPOTENCY_KEY_MAX}
                    ]
                }
            )
        serializer = VoucherRedeemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            with service_errors():
                service, replayed = voucher_redeem(
                    actor=user, idempotency_key=key, **serializer.validated_data
                )
        except ValidationError as exc:
            if isinstance(exc.detail, dict) and "idempotency_key" in exc.detail:
                return Response(exc.detail, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
            raise
        # Both answers come from the stored row, so a replay repeats the first body exactly.
        voucher = selectors.vouchers_for_user(user).select_related("service__redeemed_by")
        fresh = voucher.get(pk=service.voucher_id).service
        body = VoucherRedemptionSerializer(fresh, context=self.get_serializer_context()).data
        if replayed:
            return Response(body, status=status.HTTP_200_OK, headers={REPLAYED_HEADER: "true"})
        return Response(body, status=status.HTTP_201_CREATED)

    # --- progress (应发尽发) ---

    @extend_schema(
        summary=gettext_lazy("Voucher progress (issue all that may be issued)"),
        description=gettext_lazy(
            "The batch's counts and amounts issued, redeemed, verified and paid, against its total "
            "count and amount, by eligible group and by street. batch defaults to the current batch. "
            "Bureau staff and officials only."
        ),
        tags=[TAG_PROGRESS],
        parameters=[
            OpenApiParameter(
                "batch",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=gettext_lazy("Batch id; defaults to the current batch."),
            )
        ],
        responses={
            200: VoucherProgressSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request: Request, format=None) -> Response:
        raw = request.query_params.get("batch", "").strip()
        batch = None
        if raw:
            batch = VoucherBatch.objects.filter(pk=int(raw)).first() if raw.isdecimal() else None
            if batch is None:
                raise ValidationError({"batch": [_("There is no voucher batch with this id.")]})
        figures = selectors.progress(batch)
        if figures is None:
            raise NotFound(_("There is no voucher batch yet."))
        return Response(VoucherProgressSerializer(figures).data)

    def _present(self, voucher) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=voucher.pk).first() or voucher
        return VoucherSerializer(fresh, context=self.get_serializer_context()).data
