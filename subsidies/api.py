"""REST API of the subsidies area: thin viewsets over selectors (reads) and services (writes).

Every queryset comes from ``subsidies.selectors``, so an agency user asking for another
agency's claim or notice gets 404. Every write goes through ``subsidies.services``; a
service's ``ValidationError`` becomes 400 with its field errors (declared figures nested
under ``declared``), ``PermissionDenied`` becomes 403 with the service's reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from agencies import selectors as agency_selectors
from kunqu_jiafu.accounts.roles import is_agency_user
from kunqu_jiafu.documents.services import can_view_document, document_open
from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, ScopedViewSet, staff_only

from . import filters, selectors, services
from . import permissions as claim_permissions
from . import serializers as s
from .models import ClaimAttachment, ClaimType, Notice

TAG_TYPES = gettext_lazy("Subsidy types")
TAG_CLAIMS = pgettext_lazy("API tag", "Subsidy claims")
TAG_NOTICES = gettext_lazy("Approval notices")
TAG_FUNDS = gettext_lazy("Special funds")

BAD_INPUT = OpenApiResponse(
    response=s.ClaimErrorSerializer,
    description=gettext_lazy(
        "Bad input: the errors are given by field (in Chinese). Errors in the declared figures "
        'are nested under declared, keyed by the figure\'s name, for example {"declared": '
        '{"interest_paid": ["…"]}}; a claim that already exists for the same agency, type and '
        "period gives the error under period; a special fund that is short gives it under "
        "approved_amount."
    ),
)
PDF_FILE = OpenApiResponse(
    response=OpenApiTypes.BINARY, description=gettext_lazy("The notice as a PDF file.")
)


# --- errors and permissions -----------------------------------------------------------


def _error_detail(exc: DjangoValidationError) -> dict:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    detail: dict = {}
    for field, messages in exc.message_dict.items():
        if field.startswith("declared."):
            # One shape for declared figures, whether DRF or the calculator refused them.
            detail.setdefault("declared", {})[field.removeprefix("declared.")] = messages
        elif field == NON_FIELD_ERRORS:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = messages
        else:
            detail[field] = messages
    return detail


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's Django exceptions into DRF responses (400 / 403), never a 500."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError(_error_detail(exc)) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from None


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason or None)


StaffOnly = staff_only(gettext_lazy("Only bureau staff and officials see the special fund."))


# --- the catalogue --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List subsidy types"),
        description=gettext_lazy(
            "The subsidy types (the loan interest subsidy, the seven subsidies, the exemption, "
            "employee-system support and job retention): declared figures, parameters, required "
            "attachments. Agency users also see whether their agency may claim (eligible) and why "
            "not (ineligible_reasons)."
        ),
        tags=[TAG_TYPES],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Subsidy type details"),
        tags=[TAG_TYPES],
        responses={200: s.ClaimTypeSerializer, 404: NOT_FOUND},
    ),
)
class ClaimTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = ClaimType.objects.prefetch_related("parameter_flags")
    serializer_class = s.ClaimTypeSerializer
    filterset_class = filters.ClaimTypeFilter
    search_fields = ["name", "code"]
    ordering_fields = ["policy_year", "sort_order", "code", "name"]
    ordering = ["-policy_year", "sort_order", "code"]

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["today"] = timezone.localdate()
        # The award settings of every year at once: no query per award type.
        context["award_policies"] = selectors.award_policies_by_year()
        user = getattr(self.request, "user", None)
        agency = (
            agency_selectors.agency_of_user(user)
            if user is not None and is_agency_user(user)
            else None
        )
        if agency is not None:
            # The agency's facts once per request, for every policy year: no query per type.
            years = ClaimType.objects.values_list("policy_year", flat=True).distinct()
            context["agency"] = agency
            context["facts"] = selectors.agency_facts_by_year(agency, list(years))
        return context


# --- claims ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List subsidy claims"),
        description=gettext_lazy(
            "Agency users see only their own agency's claims; reviewers, approvers and officials see "
            "all. Each claim carries its declared figures, the eligible amount and its calculation, "
            "attachments, notices and the actions the current user may take."
        ),
        tags=[TAG_CLAIMS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Subsidy claim details"),
        tags=[TAG_CLAIMS],
        responses={200: s.ClaimSerializer, 404: NOT_FOUND},
    ),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.ClaimSerializer
    filterset_class = filters.ClaimFilter
    search_fields = ["agency__name", "agency__uscc", "claim_type__name", "claim_type__code"]
    ordering_fields = [
        "created_at",
        "submitted_at",
        "decided_at",
        "period",
        "status",
        "eligible_amount",
        "approved_amount",
    ]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            selectors.claims_for_user(self.request.user)
            .select_related("first_reviewed_by", "decided_by")
            .prefetch_related(
                Prefetch(
                    "attachments",
                    queryset=ClaimAttachment.objects.select_related("document").order_by(
                        "code", "id"
                    ),
                ),
                Prefetch("notices", queryset=Notice.objects.order_by("year", "sequence")),
                "subjects",
            )
        )

    @extend_schema(
        summary=gettext_lazy("Start a subsidy claim (draft)"),
        description=gettext_lazy(
            "Agency users start a draft for their own agency: choose the subsidy type and fill in "
            "the figures its declared_fields list (and the list of people its subject_kind asks "
            "for); the system computes the eligible amount. Submit it with the transition action "
            "submit."
        ),
        tags=[TAG_CLAIMS],
        request=s.ClaimCreateSerializer,
        responses={201: s.ClaimSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        agency = agency_selectors.agency_of_user(user) if is_agency_user(user) else None
        if agency is None:
            raise PermissionDenied(_("Only the agency itself files its claims."))
        serializer = s.ClaimCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            claim = services.claim_create(
                actor=user,
                agency=agency,
                claim_type=data["claim_type"],
                period=data["period"],
                declared=data["declared"],
                subjects=data.get("subjects"),
            )
        return Response(self._present(claim), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Edit a subsidy claim"),
        description=gettext_lazy(
            "A draft or a claim returned for correction: the figures given in declared replace the "
            "old ones, the others stay; subjects, when given, replace the whole list. The eligible "
            "amount is computed again."
        ),
        tags=[TAG_CLAIMS],
        request=s.ClaimUpdateSerializer,
        responses={200: s.ClaimSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        claim = self.get_object()
        _require(claim_permissions.can_edit_claim(request.user, claim))
        serializer = s.ClaimUpdateSerializer(
            data=request.data, context={**self.get_serializer_context(), "claim": claim}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            claim = services.claim_update(
                actor=request.user,
                claim=claim,
                declared={**claim.declared, **data.get("declared", {})},
                subjects=data.get("subjects"),  # None keeps the current list
            )
        return Response(self._present(claim))

    @extend_schema(
        summary=gettext_lazy("Change a subsidy claim's status"),
        description=gettext_lazy(
            "Actions: submit, resubmit after correction, withdraw (agency users); first_pass, return "
            "for correction, reject (reviewers); approve (approvers, not the first reviewer; "
            "approved_amount may be given, at most the eligible amount and the special fund's "
            "balance); pay (paid_on, bank_reference); revoke and recover. Return, reject and revoke "
            "need a reason."
        ),
        tags=[TAG_CLAIMS],
        request=s.ClaimTransitionSerializer,
        responses={200: s.ClaimSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None, format=None) -> Response:
        claim = self.get_object()
        serializer = s.ClaimTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            claim = services.claim_act(actor=request.user, claim=claim, **serializer.validated_data)
        return Response(self._present(claim))

    @extend_schema(
        summary=gettext_lazy("Upload a claim attachment"),
        description=gettext_lazy(
            "multipart/form-data: code is one of the subsidy type's required_attachments codes (or "
            "other); file is a PDF, JPEG or PNG (the type is judged by the content), with a size "
            "limit. Only while the claim is a draft or returned for correction."
        ),
        tags=[TAG_CLAIMS],
        request=s.ClaimAttachmentInputSerializer,
        responses={
            201: s.ClaimAttachmentSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        url_name="attachments",
        parser_classes=[MultiPartParser],
    )
    def attach(self, request: Request, pk=None, format=None) -> Response:
        claim = self.get_object()
        _require(claim_permissions.can_edit_claim(request.user, claim))
        serializer = s.ClaimAttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            attachment = services.claim_attach(
                actor=request.user,
                claim=claim,
                code=serializer.validated_data["code"],
                upload=serializer.validated_data["file"],
            )
        return Response(
            s.ClaimAttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=gettext_lazy("Delete a claim attachment"),
        description=gettext_lazy("Only while the claim is a draft or returned for correction."),
        tags=[TAG_CLAIMS],
        parameters=[
            OpenApiParameter(
                "attachment_id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description=gettext_lazy("Attachment id"),
            )
        ],
        request=None,
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment",
    )
    def detach(self, request: Request, pk=None, attachment_id=None, format=None) -> Response:
        claim = self.get_object()
        attachment = (
            ClaimAttachment.objects.select_related("claim", "document")
            .filter(claim=claim, pk=attachment_id)
            .first()
        )
        if attachment is None:
            raise NotFound()
        with service_errors():
            services.claim_detach(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _present(self, claim) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=claim.pk).first() or claim
        return s.ClaimSerializer(fresh, context=self.get_serializer_context()).data


# --- notices --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List approval notices"),
        description=gettext_lazy(
            "Approval notices and rejection notices; agency users see only their own agency's."
        ),
        tags=[TAG_NOTICES],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Notice details"),
        tags=[TAG_NOTICES],
        responses={200: s.NoticeSerializer, 404: NOT_FOUND},
    ),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.NoticeSerializer
    filterset_class = filters.NoticeFilter
    search_fields = ["number", "claim__agency__name"]
    ordering_fields = ["year", "sequence", "issued_on", "amount"]
    ordering = ["-year", "-sequence"]

    def get_queryset(self):
        return selectors.notices_for_user(self.request.user)

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The download answers a PDF whatever the Accept header; its errors are JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        summary=gettext_lazy("Download the notice PDF"),
        description=gettext_lazy(
            "The same permission check as private file downloads: agency users download only their "
            "own agency's notices. While the notice PDF is not yet rendered the answer is 404; try "
            "again later."
        ),
        tags=[TAG_NOTICES],
        responses={(200, "application/pdf"): PDF_FILE, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk=None, format=None):
        notice = self.get_object()
        document = notice.document
        if document is None:
            raise NotFound(_("The notice is still being prepared; please try again shortly."))
        allowed, _reason = can_view_document(request.user, document)
        if not allowed:
            raise NotFound()
        handle = document_open(document, user=request.user)
        if handle is None:
            raise NotFound(
                _(
                    "File missing: the record exists but its stored file was not found (this has "
                    "been recorded for the administrators). Please contact the bureau."
                )
            )
        response = FileResponse(
            handle,
            content_type=document.content_type,
            as_attachment=request.query_params.get("inline") != "1",
            filename=document.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- the special fund -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List special funds"),
        description=gettext_lazy(
            "The special development funds of each year (for all types or one type): budget, "
            "approved, balance. Bureau staff only."
        ),
        tags=[TAG_FUNDS],
        responses={200: s.SpecialFundSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Special fund details"),
        tags=[TAG_FUNDS],
        responses={200: s.SpecialFundSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class SpecialFundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]
    serializer_class = s.SpecialFundSerializer
    filterset_class = filters.SpecialFundFilter
    search_fields = ["note", "claim_type__name"]
    ordering_fields = ["year", "amount", "committed"]
    ordering = ["-year", "claim_type_id", "id"]

    def get_queryset(self):
        return selectors.funds_for_user(self.request.user)


def register(router) -> None:
    router.register("claim-types", ClaimTypeViewSet, basename="claim-type")
    router.register("claims", ClaimViewSet, basename="claim")
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("funds", SpecialFundViewSet, basename="fund")
