"""REST API of the training area: thin viewsets over selectors (reads) and services (writes).

Every queryset comes from ``training.selectors``, so an agency user asking for another
provider's course or enrolment gets 404. Every write goes through ``training.services``; a
service's ``ValidationError`` becomes 400 with its field errors, ``PermissionDenied`` becomes
403 with the service's reason. Officials (统计查询) read and never write.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import selectors as agency_selectors
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    REVIEWER,
    has_role,
    is_agency_user,
)
from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors, staff_only

from . import filters, imports, selectors, services
from . import serializers as s

TAG_COURSES = "培训课程"
TAG_ENROLMENTS = "培训学员"
TAG_PROGRESS = "培训进度"

BAD_INPUT = OpenApiResponse(description="输入有误：按字段给出错误说明（中文）。")


StaffOnly = staff_only(gettext_lazy("Only bureau staff and officials see the training progress."))


# --- courses --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="培训课程列表",
        description=(
            "机构用户只见本机构（培训机构）的课程；业务经办、审批领导、统计查询可见全部。"
            "enrolled 为已报名人数，completed_count 为已结业人数。"
        ),
        tags=[TAG_COURSES],
    ),
    retrieve=extend_schema(
        summary="培训课程详情",
        tags=[TAG_COURSES],
        responses={200: s.CourseSerializer, 404: NOT_FOUND},
    ),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.CourseSerializer
    filterset_class = filters.CourseFilter
    search_fields = ["name", "provider__name", "kind__name"]
    ordering_fields = ["starts_on", "ends_on", "name", "capacity", "policy_year", "created_at"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self):
        return selectors.enrolment_counts(selectors.courses_for_user(self.request.user))

    @extend_schema(
        summary="新建培训课程",
        description=(
            "机构用户为本机构开设课程；业务经办、审批领导须指定 provider。"
            "仅已登记的机构可开设课程。"
        ),
        tags=[TAG_COURSES],
        request=s.CourseCreateSerializer,
        responses={201: s.CourseSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if not (is_agency_user(user) or has_role(user, REVIEWER, APPROVER)):
            raise PermissionDenied(_("Only providers and bureau staff plan courses."))
        serializer = s.CourseCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        provider = data.pop("provider", None)
        if provider is None and is_agency_user(user):
            provider = agency_selectors.agency_of_user(user)
        if provider is None:
            raise ValidationError({"provider": [_("Please choose the provider of the course.")]})
        with service_errors():
            course = services.course_create(actor=user, provider=provider, data=data)
        return Response(self._present(course), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改培训课程",
        description="给出的字段替换原值，未给出的保持不变；容量不得少于已报名人数。",
        tags=[TAG_COURSES],
        request=s.CourseUpdateSerializer,
        responses={200: s.CourseSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        course = self.get_object()
        serializer = s.CourseUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            course = services.course_update(
                actor=request.user, course=course, data=dict(serializer.validated_data)
            )
        return Response(self._present(course))

    @extend_schema(
        summary="导入培训花名册",
        description=(
            "上传 .xlsx 或 .csv 花名册。confirm=false 只校验，逐行逐列返回全部问题；"
            "confirm=true 在全部无误时于一个事务内写入，否则不写入任何数据并返回问题。"
        ),
        tags=[TAG_COURSES],
        request={"multipart/form-data": s.RosterUploadSerializer},
        responses={200: s.RosterOutcomeSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def roster(self, request: Request, pk=None, format=None) -> Response:
        course = self.get_object()
        serializer = s.RosterUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        with service_errors():
            if serializer.validated_data["confirm"]:
                result = imports.roster_import(
                    actor=request.user, course=course, uploaded_file=upload
                )
                new, updated, new_people, rows = (
                    result.created,
                    result.updated,
                    result.new_people,
                    None,
                )
            else:
                result = imports.roster_preview(
                    actor=request.user, course=course, uploaded_file=upload
                )
                new, updated, new_people, rows = (
                    result.new,
                    result.updated,
                    result.new_people,
                    result.rows,
                )
        body = {
            "ok": result.ok,
            "imported": bool(serializer.validated_data["confirm"] and result.ok),
            "new": new,
            "updated": updated,
            "new_people": new_people,
            "errors": [
                {"row": e.row, "field": e.field, "message": e.message} for e in result.errors
            ],
        }
        if rows is not None:
            body["rows"] = rows
            body["header_row"] = result.header_row
            body["ignored_columns"] = result.ignored
        return Response(body)

    def _present(self, course) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=course.pk).first() or course
        return s.CourseSerializer(fresh, context=self.get_serializer_context()).data


# --- enrolments -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="培训学员列表",
        description=(
            "机构用户只见本机构课程的学员。身份证号对业务经办、审批领导显示全号，"
            "对其他角色脱敏显示。"
        ),
        tags=[TAG_ENROLMENTS],
    ),
    retrieve=extend_schema(
        summary="培训学员详情",
        tags=[TAG_ENROLMENTS],
        responses={200: s.EnrolmentSerializer, 404: NOT_FOUND},
    ),
)
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.EnrolmentSerializer
    filterset_class = filters.EnrolmentFilter
    search_fields = ["person__name", "certificate_number", "course__name"]
    ordering_fields = ["created_at", "completed_on", "certified_on", "person__name"]
    ordering = ["course_id", "id"]

    def get_queryset(self):
        return selectors.enrolments_for_user(self.request.user)

    @extend_schema(
        summary="报名培训课程",
        description=(
            "按身份证号和姓名登记人员（已登记的人员须姓名一致），报名指定课程。"
            "同一人同一课程只能报名一次；满员时不能报名。"
        ),
        tags=[TAG_ENROLMENTS],
        request=s.EnrolmentCreateSerializer,
        responses={201: s.EnrolmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        serializer = s.EnrolmentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            enrolment = services.enrol(actor=request.user, **serializer.service_kwargs())
        return Response(self._present(enrolment), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记考勤、结业、鉴定和证书",
        description=(
            "给出的字段替换原值。结业未填日期时取今天（不晚于课程结束日）；"
            "证书须考试合格，证书编号不得重复。"
        ),
        tags=[TAG_ENROLMENTS],
        request=s.EnrolmentRecordSerializer,
        responses={200: s.EnrolmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        enrolment = self.get_object()
        serializer = s.EnrolmentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            enrolment = services.enrolment_record(
                actor=request.user, enrolment=enrolment, data=dict(serializer.validated_data)
            )
        return Response(self._present(enrolment))

    def _present(self, enrolment) -> dict:
        fresh = self.get_queryset().filter(pk=enrolment.pk).first() or enrolment
        return s.EnrolmentSerializer(fresh, context=self.get_serializer_context()).data


# --- progress -------------------------------------------------------------------------


class ProgressViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]

    @extend_schema(
        summary="年度培训进度",
        description=(
            "当年结业人数（按人去重，家政经理人培训另计）与年度目标（默认 2,000 人）对比，"
            "按月、课程类别、街镇分列。仅局内人员和统计查询可见。"
        ),
        tags=[TAG_PROGRESS],
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="年度，默认今年。",
            )
        ],
        responses={200: s.ProgressSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def list(self, request: Request, format=None) -> Response:
        raw = request.query_params.get("year", "").strip()
        year = timezone.localdate().year
        if raw:
            if not raw.isdecimal() or not 2000 <= int(raw) <= 2100:
                raise ValidationError({"year": [_("Enter a year such as 2026.")]})
            year = int(raw)
        return Response(s.ProgressSerializer(selectors.progress(year)).data)


def register(router) -> None:
    router.register("courses", CourseViewSet, basename="course")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("training-progress", ProgressViewSet, basename="training-progress")
