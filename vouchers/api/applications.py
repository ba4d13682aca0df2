"""Applications (人员申报): entry at the counter, decisions, issue."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors

from .. import filters, selectors
from .. import permissions as voucher_permissions
from ..serializers.applications import (
    VoucherApplicationCreateSerializer,
    VoucherApplicationSerializer,
    VoucherDecisionSerializer,
)
from ..serializers.vouchers import VoucherSerializer
from ..services.applications import application_create, application_decide
from ..services.issue import voucher_issue
from .common import BAD_INPUT, ISSUE_REFUSED, STAFF_PERMISSIONS, TAG_APPLICATIONS, require


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List voucher applications"),
        description=gettext_lazy(
            "Applications made online by residents and entered by staff. Bureau staff and officials "
            "only; reviewers and approvers see the full ID number, officials a masked one. search "
            "finds by application number or name (reviewers and approvers also by the full ID "
            "number)."
        ),
        tags=[TAG_APPLICATIONS],
        responses={200: VoucherApplicationSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Voucher application details"),
        tags=[TAG_APPLICATIONS],
        responses={200: VoucherApplicationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VoucherApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    serializer_class = VoucherApplicationSerializer
    filterset_class = filters.ApplicationFilter
    filter_backends = [DjangoFilterBackend, filters.ApplicationSearchFilter, OrderingFilter]
    search_fields = ["number", "person__name"]
    ordering_fields = ["created_at", "decided_at", "number", "status"]
    ordering = ["-created_at", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.applications_for_user(self.request.user).select_related("evidence")

    @extend_schema(
        summary=gettext_lazy("Enter a voucher application for a resident"),
        description=gettext_lazy(
            "Reviewers and approvers enter an application for a resident (at the counter or by "
            "phone). batch defaults to the current batch. Evidence is optional, uploaded as "
            "multipart/form-data (PDF, JPEG, PNG). One live application per person and batch; a "
            "batch issued per household (one_per = household) needs the head of household's ID "
            "number (head_id_number; the applicant's own when they are the head), and the same "
            "head's ID number and address make one household, with one live application per "
            "household."
        ),
        tags=[TAG_APPLICATIONS],
        request={
            "application/json": VoucherApplicationCreateSerializer,
            "multipart/form-data": VoucherApplicationCreateSerializer,
        },
        responses={
            201: VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        batch = data.pop("batch", None) or selectors.current_batch()
        if batch is None:
            raise ValidationError({"batch": [_("There is no voucher batch yet.")]})
        with service_errors():
            application = application_create(
                actor=request.user,
                batch=batch,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                street=data["street"],
                target_group=data["target_group"],
                evidence=data.get("evidence"),
                note=data.get("note", ""),
                head_id_number=data.get("head_id_number", ""),
                head_required=True,
            )
        return Response(self._present(application), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Approve a voucher application"),
        description=gettext_lazy(
            "Reviewers and approvers. Only an application awaiting review can be reviewed."
        ),
        tags=[TAG_APPLICATIONS],
        request=VoucherDecisionSerializer,
        responses={
            200: VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None, format=None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(
        summary=gettext_lazy("Reject a voucher application"),
        description=gettext_lazy(
            "Reviewers and approvers. A reason is required; the resident sees it when looking the "
            "application up."
        ),
        tags=[TAG_APPLICATIONS],
        request=VoucherDecisionSerializer,
        responses={
            200: VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None, format=None) -> Response:
        return self._decide(request, approve=False)

    @extend_schema(
        summary=gettext_lazy("Issue the voucher"),
        description=gettext_lazy(
            "Issues a voucher for an approved application (a unique code with a check character). "
            "The batch's count and amount limits hold under concurrency: a used-up batch answers 400 "
            "with the reason under non_field_errors; a voided voucher frees its place."
        ),
        tags=[TAG_APPLICATIONS],
        request=None,
        responses={201: VoucherSerializer, 400: ISSUE_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None, format=None) -> Response:
        application = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        with service_errors():
            voucher = voucher_issue(actor=request.user, application=application)
        fresh = selectors.vouchers_for_user(request.user).get(pk=voucher.pk)
        return Response(
            VoucherSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _decide(self, request: Request, *, approve: bool) -> Response:
        application = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            application = application_decide(
                actor=request.user,
                application=application,
                approve=approve,
                reason=serializer.validated_data["reason"],
            )
        return Response(self._present(application))

    def _present(self, application) -> dict:
        fresh = self.get_queryset().get(pk=application.pk)
        return VoucherApplicationSerializer(fresh, context=self.get_serializer_context()).data
