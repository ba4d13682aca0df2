"""Read-only inspections and rectifications, and the agency's answer (POST). Every queryset
comes from the agency-scoped selectors: another agency's record is a 404; staff and officials
read all; officials write nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import BAD_INPUT, FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors

from .. import selectors
from ..models import Inspection, Rectification
from ..services.rectifications import MAX_ANSWER_CHARS, rectification_answer

TAG = gettext_lazy("Inspections")


class InspectionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    recognition_name = serializers.CharField(
        source="recognition.kind.name", read_only=True, default=None, allow_null=True
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "year", "kind", "kind_label", "parent", "subject_kind", "agency",
            "agency_name", "recognition", "recognition_name", "status", "inspected_on",
            "score", "result", "result_label", "concluded_at",
        ]  # fmt: skip
        read_only_fields = fields


class RectificationSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="inspection.agency_id", read_only=True)
    agency_name = serializers.CharField(source="inspection.agency.name", read_only=True)
    year = serializers.IntegerField(source="inspection.round.year", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id", "inspection", "agency", "agency_name", "year", "deadline", "requirements",
            "status", "status_label", "answer", "answered_at", "closed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_ANSWER_CHARS)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List inspections"),
        description=gettext_lazy(
            "Annual inspections and re-inspections: agency users see their own agency's "
            "concluded ones; bureau staff and officials see all, planned ones included."
        ),
        tags=[TAG],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Inspection details"),
        tags=[TAG],
        responses={200: InspectionSerializer, 404: NOT_FOUND},
    ),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = InspectionSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["status", "result", "kind"]
    ordering_fields = ["concluded_at", "score", "inspected_on"]
    ordering = ["-round__year", "pk"]

    def get_queryset(self):
        return selectors.inspections_published_for_user(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List rectifications"),
        description=gettext_lazy(
            "Rectifications after a failed annual inspection, with what to fix and the "
            "deadline: agency users see their own agency's; staff and officials see all."
        ),
        tags=[TAG],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Rectification details"),
        tags=[TAG],
        responses={200: RectificationSerializer, 404: NOT_FOUND},
    ),
)
class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = RectificationSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["status"]
    ordering_fields = ["deadline", "created_at"]
    ordering = ["deadline", "pk"]

    def get_queryset(self):
        return selectors.rectifications_for_user(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Answer a rectification"),
        description=gettext_lazy(
            "The inspected agency's answer: what it fixed (answer) and evidence files (files: "
            "PDF, JPEG or PNG, judged by content, up to 10). Only while the rectification is "
            "open and its deadline has not passed."
        ),
        tags=[TAG],
        request=AnswerSerializer,
        responses={
            200: RectificationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="answer",
        url_name="answer",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def answer(self, request: Request, pk=None, format=None) -> Response:
        rectification = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            rectification = rectification_answer(
                actor=request.user,
                rectification=rectification,
                answer=serializer.validated_data["answer"],
                files=serializer.validated_data["files"],
            )
        return Response(self.get_serializer(rectification).data)
