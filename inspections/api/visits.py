"""Field visits (实地走访、调研) in the API: bureau reviewers and approvers read and record them,
officials read them (a photo count, no files), agencies get 403. Writes go through
inspections.services.visits; a refusal is 400 with the field and the reason, nothing written.
Photos are uploaded with the visit (multipart, field ``photos``, JPEG/PNG) and opened through
their download links, which check who asks."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.drf import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    OfficialsReadOnly,
    ScopedViewSet,
    YearFilter,
    service_errors,
    staff_only,
)

from .. import permissions as inspection_permissions
from .. import selectors
from ..models import FieldVisit
from ..services import visits as service

TAG_VISITS = gettext_lazy("Field visits")
StaffOnly = staff_only(gettext_lazy("Only bureau staff and officials see field visits."))


class FieldVisitSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    staff_names = serializers.SerializerMethodField()
    photo_count = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = FieldVisit
        fields = [
            "id",
            "agency",
            "agency_name",
            "visited_on",
            "staff",
            "staff_names",
            "purpose",
            "notes",
            "situation",
            "needs",
            "photo_count",
            "photos",
            "created_at",
        ]

    def get_staff_names(self, visit) -> list[str]:
        return [u.get_full_name() or u.username for u in visit.staff.all()]

    def _photos(self, visit) -> list:
        return self.context.get("photos", {}).get(visit.pk, [])

    def get_photo_count(self, visit) -> int:
        return len(self._photos(visit))

    def get_photos(self, visit) -> list[dict]:
        """Links for bureau staff who may open them; officials get none (figures, no files)."""
        if not self.context.get("may_open_photos"):
            return []
        request = self.context["request"]
        return [
            {"name": d.original_name, "url": request.build_absolute_uri(d.get_absolute_url())}
            for d in self._photos(visit)
        ]


class FieldVisitCreateSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.none())
    visited_on = serializers.DateField()
    staff = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), many=True)
    purpose = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    situation = serializers.CharField(required=False, allow_blank=True, default="")
    needs = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=service.MAX_PHOTOS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_selectors.all_agencies()
        self.fields["staff"].child_relation.queryset = selectors.visit_staff_choices()


class FieldVisitFilter(django_filters.FilterSet):
    year = YearFilter(field_name="visited_on__year", label=gettext_lazy("year of the visit"))
    month = django_filters.NumberFilter(
        field_name="visited_on__month",
        min_value=1,
        max_value=12,
        label=gettext_lazy("month of the visit"),
    )

    class Meta:
        model = FieldVisit
        fields = ["agency", "year", "month"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List field visits"),
        description=gettext_lazy(
            "Bureau staff and officials; filter by agency (listed per agency), year and month."
        ),
        tags=[TAG_VISITS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Field visit details"),
        tags=[TAG_VISITS],
        responses={200: FieldVisitSerializer, 404: NOT_FOUND},
    ),
)
class FieldVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = FieldVisitSerializer
    permission_classes = [permissions.IsAuthenticated, StaffOnly, OfficialsReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = FieldVisitFilter
    search_fields = ["agency__name", "purpose", "situation", "needs"]
    ordering_fields = ["visited_on", "created_at"]
    ordering = ["-visited_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.visits_for_user(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["may_open_photos"] = inspection_permissions.can_view_visit_photo(
            self.request.user, None
        )[0]
        return context

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else None
        if instance is not None and self.serializer_class is FieldVisitSerializer:
            visits = instance if isinstance(instance, list | tuple) else [instance]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["photos"] = selectors.visit_photos_by_visit(visits)
            return FieldVisitSerializer(*args, **kwargs)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Record a field visit"),
        description=gettext_lazy(
            "Reviewers and approvers: agency, visited_on, staff (user ids of the bureau staff "
            "who went), purpose, notes, situation, needs; photos (JPEG/PNG) as multipart files "
            "under photos. Nothing is written if any field or photo is refused."
        ),
        tags=[TAG_VISITS],
        request=FieldVisitCreateSerializer,
        responses={201: FieldVisitSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request, format=None) -> Response:
        allowed, reason = inspection_permissions.can_record_visit(request.user)
        if not allowed:
            raise PermissionDenied(reason)
        data = request.data
        if hasattr(data, "getlist"):  # multipart: several files under one name
            data = {**data.dict(), "photos": data.getlist("photos"), "staff": data.getlist("staff")}
        incoming = FieldVisitCreateSerializer(data=data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        photos = values.pop("photos", [])
        with service_errors():
            visit = service.visit_record(actor=request.user, data=values, photos=photos)
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)
