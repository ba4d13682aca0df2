"""The statistical reports in the API: the year's figures (the same computed sections the page
and the files show) and the report runs (list, details, ask for one). Bureau staff and
officials only; agencies get 403. A request while a run of the period is under way answers
that run (200) instead of starting another (201)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import BAD_INPUT, FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors

from . import permissions as report_permissions
from . import selectors, services
from .models import ReportRun

TAG = gettext_lazy("Statistical reports")


class ReportReaders(permissions.BasePermission):
    message = gettext_lazy("Only bureau staff and officials see the statistical reports.")

    def has_permission(self, request: Request, view) -> bool:
        return report_permissions.can_view(request.user)[0]


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A count or an amount as a JSON number (amounts to the fen)."""

    def to_representation(self, value):
        return value


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField()
    value = NumberField()
    previous = NumberField(allow_null=True)
    target_min = NumberField(allow_null=True)
    target_max = NumberField(allow_null=True)
    reached = serializers.BooleanField(allow_null=True)
    definition = serializers.CharField()
    link = serializers.CharField(help_text=gettext_lazy("The admin list of the records behind it."))


class ColumnSerializer(serializers.Serializer):
    label = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField()


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(source="data.figures", many=True)
    tables = TableSerializer(source="data.tables", many=True)


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    sections = SectionSerializer(many=True)


class ReportRunSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_label", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id", "year", "month", "period", "status", "status_label", "percent", "step",
            "scheduled", "requested_by_name", "attempts", "error", "created_at",
            "started_at", "finished_at", "pdf_url", "xlsx_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requested_by_name(self, run: ReportRun) -> str:
        user = run.requested_by
        return (user.get_full_name() or user.username) if user else ""

    def _url(self, run: ReportRun, kind: str) -> str | None:
        if run.status != ReportRun.Status.DONE:
            return None
        return reverse("reports:download", args=[run.pk, kind])

    def get_pdf_url(self, run: ReportRun) -> str | None:
        return self._url(run, "pdf")

    def get_xlsx_url(self, run: ReportRun) -> str | None:
        return self._url(run, "xlsx")


class ReportRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField()


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("The year's statistical figures"),
        description=gettext_lazy(
            "Every section of the annual statistical report computed for the year (default: this "
            "year): each figure with its unit, its value the year before, the plan's target and "
            "its definition, and the section's tables. The PDF, the Excel workbook and the page "
            "show the same figures."
        ),
        tags=[TAG],
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.QUERY)],
        responses={200: FiguresSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
)
class ReportFiguresView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, ReportReaders]
    serializer_class = FiguresSerializer

    def get(self, request: Request, format=None) -> Response:
        raw = request.query_params.get("year", "").strip() or timezone.localdate().year
        with service_errors():
            year, _month = services.check_period(raw)
        data = {"year": year, "sections": selectors.figures_for_year(year)}
        return Response(FiguresSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List report runs"), tags=[TAG]),
    retrieve=extend_schema(
        summary=gettext_lazy("Report run details"),
        tags=[TAG],
        responses={200: ReportRunSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ask for the year's statistical report"),
        description=gettext_lazy(
            "Queues the annual report of the year (PDF and Excel). If one is already queued or "
            "being produced, that run is answered (200) instead of a new one (201)."
        ),
        tags=[TAG],
        request=ReportRequestSerializer,
        responses={
            200: ReportRunSerializer,
            201: ReportRunSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    ),
)
class ReportRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    permission_classes = [permissions.IsAuthenticated, ReportReaders]
    serializer_class = ReportRunSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.runs_for_user(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        asked = ReportRequestSerializer(data=request.data)
        if not asked.is_valid():
            raise ValidationError(asked.errors)
        with service_errors():
            run, joined = services.run_request(request.user, asked.validated_data["year"])
        body = ReportRunSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK if joined else status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("report-runs", ReportRunViewSet, basename="report-run")
