"""REST API of the agencies area: thin viewsets over selectors (reads) and services (writes).

Every queryset comes from ``agencies.selectors``, so an agency user asking for another
agency's object gets 404. Every write goes through ``agencies.services``; a service's
``ValidationError`` becomes 400 with its field errors, ``PermissionDenied`` becomes 403.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kunqu_jiafu.accounts.roles import (
    ALL_ROLES,
    APPROVER,
    REVIEWER,
    can_see_full_id,
    has_role,
    is_agency_user,
    is_staff_member,
)
from kunqu_jiafu.api import TAG_ACCOUNT
from kunqu_jiafu.drf import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    ScopedViewSet,
    service_errors,
)

from . import filters, selectors, survey_selectors
from . import serializers as s
from .models import BusinessFormat, Street
from .services import filings, registration, workers

TAG_AGENCIES = pgettext_lazy("API tag", "Agencies")
TAG_WORKERS = gettext_lazy("Workers")
TAG_RECOGNITIONS = gettext_lazy("Recognitions and titles")
TAG_FILINGS = pgettext_lazy("API tag", "Employee-system filings")
TAG_REFERENCE = gettext_lazy("Reference data")
TAG_SURVEY = gettext_lazy("Statistical survey")

# --- reference data -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List streets and towns"), tags=[TAG_REFERENCE]),
    retrieve=extend_schema(summary=gettext_lazy("Street or town details"), tags=[TAG_REFERENCE]),
)
class StreetViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Street.objects.all()
    serializer_class = s.StreetSerializer
    filterset_class = filters.StreetFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "sort_order", "name"]
    ordering = ["sort_order", "code"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List service lines"), tags=[TAG_REFERENCE]),
    retrieve=extend_schema(summary=gettext_lazy("Service line details"), tags=[TAG_REFERENCE]),
)
class BusinessFormatViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BusinessFormat.objects.all()
    serializer_class = s.BusinessFormatSerializer
    filterset_class = filters.BusinessFormatFilter
    search_fields = ["name", "code"]
    ordering_fields = ["sort_order", "name"]
    ordering = ["sort_order", "pk"]


# --- agencies -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List agencies"),
        description=gettext_lazy(
            "Reviewers, approvers and officials see every agency; agency users see only their own."
        ),
        tags=[TAG_AGENCIES],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Details of an agency"),
        tags=[TAG_AGENCIES],
        responses={200: s.AgencySerializer, 404: NOT_FOUND},
    ),
)
class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.AgencySerializer
    filterset_class = filters.AgencyFilter
    search_fields = ["name", "uscc", "legal_representative", "contact_name"]
    ordering_fields = ["name", "created_at", "registered_on", "employee_count", "status"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.agencies_for_user(self.request.user).select_related("license")

    @extend_schema(
        summary=gettext_lazy("Apply to register an agency"),
        description=gettext_lazy(
            "A signed-in user who belongs to no agency yet applies to register their agency; the "
            "account then becomes an agency user. Bureau staff accounts cannot apply. The business "
            "licence may be uploaded as multipart/form-data."
        ),
        tags=[TAG_AGENCIES],
        request=s.AgencyInputSerializer,
        responses={201: s.AgencySerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if is_staff_member(user):
            raise PermissionDenied(
                _("Bureau staff accounts cannot apply for an agency; use a separate account.")
            )
        serializer = s.AgencyInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            agency = registration.agency_apply(user=user, **serializer.service_kwargs())
        return Response(self._present(agency), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Edit the agency's details"),
        description=gettext_lazy(
            "Agency users may change only the fields the current status allows; reviewers and "
            "approvers may change every field."
        ),
        tags=[TAG_AGENCIES],
        request=s.AgencyUpdateSerializer,
        responses={200: s.AgencySerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        agency = self.get_object()
        serializer = s.AgencyUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            agency = registration.agency_update(
                actor=request.user, agency=agency, **serializer.service_kwargs()
            )
        return Response(self._present(agency))

    @extend_schema(
        summary=gettext_lazy("Change an agency's status"),
        description=gettext_lazy(
            "Actions: register, reject, reapply, suspend, reinstate, deregister. Reject, suspend, "
            "reinstate and deregister need a reason."
        ),
        tags=[TAG_AGENCIES],
        request=s.TransitionSerializer,
        responses={200: s.AgencySerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None, format=None) -> Response:
        agency = self.get_object()
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            agency = registration.agency_transition(
                actor=request.user, agency=agency, **serializer.validated_data
            )
        return Response(self._present(agency))

    def _present(self, agency) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=agency.pk).first() or agency
        return s.AgencySerializer(fresh, context=self.get_serializer_context()).data


# --- workers --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List workers"),
        description=gettext_lazy(
            "Reviewers and approvers see the full ID number, other roles a masked one. status is the "
            "derived work status: green may work, yellow needs documents, red may not work."
        ),
        tags=[TAG_WORKERS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Worker details"),
        tags=[TAG_WORKERS],
        responses={200: s.WorkerSerializer, 404: NOT_FOUND},
    ),
)
class WorkerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.WorkerSerializer
    filterset_class = filters.WorkerFilter
    search_fields = ["person__name", "job", "certificates", "agency__name"]
    ordering_fields = [
        "hired_on",
        "person__name",
        "health_check_on",
        "accident_insurance_until",
        "created_at",
    ]
    ordering = ["agency_id", "-hired_on", "-id"]

    def get_queryset(self):
        return selectors.workers_for_user(self.request.user)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        today = timezone.localdate()
        context["today"] = today
        context["policy"] = selectors.policy_for_year(today.year)  # once per request
        return context

    @extend_schema(
        summary=gettext_lazy("Add a new worker"),
        description=gettext_lazy(
            "Records the person by ID number and name (a person already on record must have the same "
            "name). Agency users add workers to their own agency only; reviewers and approvers must "
            "give the agency."
        ),
        tags=[TAG_WORKERS],
        request=s.WorkerCreateSerializer,
        responses={201: s.WorkerSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if not (is_agency_user(user) or has_role(user, REVIEWER, APPROVER)):
            raise PermissionDenied(_("Only agency users and bureau staff keep worker records."))
        serializer = s.WorkerCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        agency = serializer.validated_data.get("agency")
        if agency is None and is_agency_user(user):
            agency = selectors.agency_of_user(user)
        if agency is None:
            raise ValidationError(
                {"agency": [_("Please choose the agency the worker belongs to.")]}
            )
        with service_errors():
            worker = workers.worker_add(actor=user, agency=agency, **serializer.service_kwargs())
        return Response(self._present(worker), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Edit a worker's details"),
        description=gettext_lazy(
            "The ID number, name and agency cannot be changed; fill in left_on when the worker "
            "leaves."
        ),
        tags=[TAG_WORKERS],
        request=s.WorkerUpdateSerializer,
        responses={200: s.WorkerSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        worker = self.get_object()
        serializer = s.WorkerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            worker = workers.worker_update(
                actor=request.user, worker=worker, data=dict(serializer.validated_data)
            )
        return Response(self._present(worker))

    def _present(self, worker) -> dict:
        fresh = self.get_queryset().filter(pk=worker.pk).first() or worker
        return s.WorkerSerializer(fresh, context=self.get_serializer_context()).data


# --- recognitions ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List recognitions and titles"), tags=[TAG_RECOGNITIONS]
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Recognition or title details"),
        tags=[TAG_RECOGNITIONS],
        responses={200: s.RecognitionSerializer, 404: NOT_FOUND},
    ),
)
class RecognitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.RecognitionSerializer
    filterset_class = filters.RecognitionFilter
    search_fields = ["agency__name"]
    ordering_fields = ["year", "granted_on", "valid_until", "kind"]
    ordering = ["-year", "agency_id", "kind_id"]

    def get_queryset(self):
        return selectors.recognitions_for_user(self.request.user)


# --- employee-system filings ----------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List employee-system filings"), tags=[TAG_FILINGS]),
    retrieve=extend_schema(
        summary=gettext_lazy("Employee-system filing details"),
        tags=[TAG_FILINGS],
        responses={200: s.FilingSerializer, 404: NOT_FOUND},
    ),
)
class FilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.FilingSerializer
    filterset_class = filters.FilingFilter
    search_fields = ["agency__name"]
    ordering_fields = ["submitted_at", "decided_at", "qualifying_workers"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        return selectors.filings_for_user(self.request.user)

    @extend_schema(
        summary=gettext_lazy(
            "Submit an employee-system filing (or submit it again after it was returned)"
        ),
        description=gettext_lazy(
            "Agency users submit for their own agency; head counts and the other figures are "
            "computed from the worker records."
        ),
        tags=[TAG_FILINGS],
        request=s.FilingSubmitSerializer,
        responses={201: s.FilingSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        serializer = s.FilingSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = selectors.agency_of_user(request.user)
        if agency is None:
            raise PermissionDenied(
                _("Only the agency's own users file for employee-system status.")
            )
        with service_errors():
            filing = filings.filing_submit(
                actor=request.user, agency=agency, declarations=dict(serializer.validated_data)
            )
        return Response(self._present(filing), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Review an employee-system filing"),
        description=gettext_lazy(
            "Actions: approve, return for correction, refuse; return and refuse need a reason."
        ),
        tags=[TAG_FILINGS],
        request=s.FilingDecisionSerializer,
        responses={200: s.FilingSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None, format=None) -> Response:
        filing = self.get_object()
        serializer = s.FilingDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            filing = filings.filing_decide(
                actor=request.user, filing=filing, **serializer.validated_data
            )
        return Response(self._present(filing))

    def _present(self, filing) -> dict:
        fresh = self.get_queryset().filter(pk=filing.pk).first() or filing
        return s.FilingSerializer(fresh, context=self.get_serializer_context()).data


# --- the signed-in user ---------------------------------------------------------------


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("Current user"),
        description=gettext_lazy("The signed-in user's roles and agency."),
        tags=[TAG_ACCOUNT],
        responses={200: s.MeSerializer},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        agency = selectors.agency_of_user(user)
        roles = [role for role in ALL_ROLES if role in user.role_names]
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.full_name,
            "email": user.email,
            "roles": roles,
            "is_superuser": user.is_superuser,
            "agency": agency.pk if agency else None,
            "agency_name": agency.name if agency else None,
            "can_see_full_id": can_see_full_id(user),
        }
        return Response(s.MeSerializer(data).data)


# --- the yearly statistical survey ---------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List statistical survey returns"), tags=[TAG_SURVEY]),
    retrieve=extend_schema(
        summary=gettext_lazy("Statistical survey return with its figures"),
        tags=[TAG_SURVEY],
        responses={200: s.SurveyReturnSerializer, 404: NOT_FOUND},
    ),
)
class SurveyReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Read only: an agency sees its own returns, staff and officials all (the portal and
    the admin write)."""

    serializer_class = s.SurveyReturnSerializer
    search_fields = ["agency__name"]
    ordering_fields = ["submitted_at", "status"]
    ordering = ["-form__year", "agency_id", "id"]

    def get_queryset(self):
        return survey_selectors.survey_returns_for_user(self.request.user).prefetch_related(
            "values__indicator", "values__business_format"
        )


def register(router) -> None:
    router.register("agencies", AgencyViewSet, basename="agency")
    router.register("workers", WorkerViewSet, basename="worker")
    router.register("recognitions", RecognitionViewSet, basename="recognition")
    router.register("filings", FilingViewSet, basename="filing")
    router.register("streets", StreetViewSet, basename="street")
    router.register("business-formats", BusinessFormatViewSet, basename="business-format")
    router.register("survey-returns", SurveyReturnViewSet, basename="survey-return")
