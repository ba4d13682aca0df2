"""API shapes of the agencies area. Serializers validate and present; services write.

Read serializers present a record to whoever may see it (ID numbers through
``Person.id_for``); input serializers only check types and hand plain data to a service,
which owns every rule and every message about the domain.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kunqu_jiafu.accounts.roles import ALL_ROLES
from kunqu_jiafu.people.phone import PhoneField
from kunqu_jiafu.workflow import available

from . import rules, selectors, workflow
from .models import (
    Agency,
    BusinessFormat,
    EmployeeSystemFiling,
    EnterpriseSize,
    Recognition,
    Street,
    Worker,
)

AGENCY_ACTIONS = sorted({t.action for t in workflow.AGENCY_TRANSITIONS})
# "resubmit" is not a decision: an agency re-files through POST /api/filings/, which
# recomputes the figures from its worker records.
FILING_DECISIONS = sorted({t.action for t in workflow.FILING_TRANSITIONS} - {"resubmit"})
STATUS_COLOURS = [
    (rules.GREEN, rules.STATUS_LABELS[rules.GREEN]),
    (rules.YELLOW, rules.STATUS_LABELS[rules.YELLOW]),
    (rules.RED, rules.STATUS_LABELS[rules.RED]),
]


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- reference data -------------------------------------------------------------------


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name", "active"]


class BusinessFormatSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessFormat
        fields = ["id", "code", "name", "is_key_format", "active"]


# --- agencies -------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    format_names = serializers.SerializerMethodField()
    license_url = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    enterprise_size = serializers.SerializerMethodField()
    enterprise_size_display = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "uscc",
            "uscc_override_reason",
            "legal_representative",
            "contact_name",
            "phone",
            "address",
            "street",
            "street_name",
            "formats",
            "format_names",
            "founded_on",
            "employee_count",
            "size_staff",
            "size_revenue",
            "size_year",
            "enterprise_size",
            "enterprise_size_display",
            "status",
            "status_display",
            "status_reason",
            "registered_on",
            "alliance_member",
            "alliance_joined_on",
            "license_url",
            "available_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _size(self, agency: Agency) -> str | None:
        # The thresholds are read once per response, not once per row.
        thresholds = getattr(self.root, "_size_thresholds", None)
        if thresholds is None:
            thresholds = self.root._size_thresholds = selectors.size_thresholds()
        return selectors.agency_enterprise_size(agency, thresholds)

    @extend_schema_field(
        serializers.ChoiceField(
            choices=EnterpriseSize.choices,
            allow_null=True,
            help_text=gettext_lazy(
                "Derived from size_staff and size_revenue (10,000 yuan) by the bureau's "
                "thresholds; null while they are not recorded."
            ),
        )
    )
    def get_enterprise_size(self, agency: Agency) -> str | None:
        return self._size(agency)

    def get_enterprise_size_display(self, agency: Agency) -> str:
        return selectors.enterprise_size_label(self._size(agency))

    def get_format_names(self, agency: Agency) -> list[str]:
        # Uses the prefetched formats: no query per row.
        return [f.name for f in agency.formats.all()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_license_url(self, agency: Agency) -> str | None:
        if agency.license_id is None:
            return None
        return agency.license.get_absolute_url()

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text=gettext_lazy(
                "Status changes the current user may make now (register, reject, reapply, "
                "suspend, reinstate, deregister)."
            ),
        )
    )
    def get_available_actions(self, agency: Agency) -> list[str]:
        user = _user(self)
        if user is None or not user.is_authenticated:
            return []
        roles = set(ALL_ROLES) if user.is_superuser else set(user.role_names)
        return [t.action for t in available(workflow.AGENCY_TRANSITIONS, agency.status, roles)]


class AgencyInputSerializer(serializers.Serializer):
    """Fields an applicant enters; the service normalises and checks the credit code."""

    name = serializers.CharField(label=gettext_lazy("agency name"), max_length=100)
    # Longer than 18: the service strips spaces and folds full-width characters first.
    uscc = serializers.CharField(label=gettext_lazy("unified social credit code"), max_length=40)
    legal_representative = serializers.CharField(
        label=gettext_lazy("legal representative"), max_length=50
    )
    contact_name = serializers.CharField(label=gettext_lazy("contact person"), max_length=50)
    phone = PhoneField(label=gettext_lazy("contact phone"))
    address = serializers.CharField(label=gettext_lazy("address"), max_length=200)
    street = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("street or town"), queryset=Street.objects.filter(active=True)
    )
    formats = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("business formats"),
        queryset=BusinessFormat.objects.filter(active=True),
        many=True,
        allow_empty=False,
    )
    founded_on = serializers.DateField(label=gettext_lazy("founding date"))
    employee_count = serializers.IntegerField(
        label=gettext_lazy("number of employees"), min_value=0, max_value=1_000_000
    )
    license = serializers.FileField(
        label=gettext_lazy("business licence"),
        required=False,
        write_only=True,
        help_text=gettext_lazy("PDF, JPEG or PNG; multipart/form-data only."),
    )

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        return {
            "formats": data.pop("formats", None),
            "license_file": data.pop("license", None),
            "data": data,
        }


class AgencyUpdateSerializer(AgencyInputSerializer):
    """PATCH: any subset of the applicant's fields; staff may record a credit-code override."""

    uscc_override_reason = serializers.CharField(
        label=gettext_lazy("reason for accepting a credit code that fails the check"),
        required=False,
        allow_blank=True,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        kwargs["override_reason"] = kwargs["data"].pop("uscc_override_reason", "")
        return kwargs


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(label=gettext_lazy("action"), choices=AGENCY_ACTIONS)
    reason = serializers.CharField(
        label=gettext_lazy("reason"), required=False, allow_blank=True, default="", max_length=2000
    )


class FilingDecisionSerializer(TransitionSerializer):
    action = serializers.ChoiceField(label=gettext_lazy("action"), choices=FILING_DECISIONS)


# --- workers --------------------------------------------------------------------------


class WorkerSerializer(serializers.ModelSerializer):
    """A worker as the asker may see them: the ID number masked unless they may see it."""

    agency_name = serializers.CharField(source="agency.name", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    phone = serializers.CharField(source="person.phone", read_only=True)
    graduated_on = serializers.DateField(
        source="person.graduated_on", read_only=True, allow_null=True
    )
    id_number = serializers.SerializerMethodField()
    contract_kind_display = serializers.CharField(
        source="get_contract_kind_display", read_only=True
    )
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    status_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "agency",
            "agency_name",
            "name",
            "id_number",
            "phone",
            "job",
            "hired_on",
            "contract_kind",
            "contract_kind_display",
            "contract_start",
            "contract_end",
            "social_insurance",
            "insured_since",
            "health_check_on",
            "accident_insurance_until",
            "certificates",
            "is_hard_to_employ",
            "is_graduate",
            "graduated_on",
            "left_on",
            "status",
            "status_label",
            "status_reasons",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_id_number(self, worker: Worker) -> str:
        user = _user(self)
        return worker.person.id_for(user) if user is not None else worker.person.id_masked

    def _status(self, worker: Worker) -> rules.WorkerStatus:
        # One policy for the whole page (from the view's context): no query per row.
        cache = self.context.setdefault("_worker_status", {})
        if worker.pk not in cache:
            cache[worker.pk] = selectors.worker_status(
                worker, today=self.context.get("today"), policy=self.context.get("policy")
            )
        return cache[worker.pk]

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_COLOURS))
    def get_status(self, worker: Worker) -> str:
        return self._status(worker).colour

    def get_status_label(self, worker: Worker) -> str:
        return self._status(worker).label

    def get_status_reasons(self, worker: Worker) -> list[str]:
        return list(self._status(worker).reasons)


class WorkerUpdateSerializer(serializers.Serializer):
    """Fields of a worker record that may change; the person (ID, name) does not."""

    IMMUTABLE = ("id_number", "name", "agency")

    job = serializers.CharField(label=gettext_lazy("job"), max_length=50)
    hired_on = serializers.DateField(label=gettext_lazy("hire date"))
    contract_kind = serializers.ChoiceField(
        label=gettext_lazy("contract kind"), choices=Worker.ContractKind.choices
    )
    contract_start = serializers.DateField(label=gettext_lazy("contract start"))
    contract_end = serializers.DateField(
        label=gettext_lazy("contract end"), required=False, allow_null=True
    )
    social_insurance = serializers.BooleanField(
        label=gettext_lazy("social insurance paid"), required=False
    )
    insured_since = serializers.DateField(
        label=gettext_lazy("insured since"), required=False, allow_null=True
    )
    health_check_on = serializers.DateField(
        label=gettext_lazy("last health check"), required=False, allow_null=True
    )
    accident_insurance_until = serializers.DateField(
        label=gettext_lazy("accident insurance valid until"), required=False, allow_null=True
    )
    certificates = serializers.CharField(
        label=gettext_lazy("training and certificates"),
        max_length=300,
        required=False,
        allow_blank=True,
    )
    is_hard_to_employ = serializers.BooleanField(
        label=gettext_lazy("person with employment difficulties"), required=False
    )
    is_graduate = serializers.BooleanField(label=gettext_lazy("college graduate"), required=False)
    graduated_on = serializers.DateField(
        label=gettext_lazy("graduation date"),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("For a college graduate (is_graduate): the graduation date."),
    )
    left_on = serializers.DateField(label=gettext_lazy("left on"), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        given = getattr(self, "initial_data", None) or {}
        fixed = [name for name in self.IMMUTABLE if name in given]
        if fixed:
            raise serializers.ValidationError(
                {
                    name: _(
                        "This cannot be changed on an existing worker; record the person's "
                        "leaving and add them again."
                    )
                    for name in fixed
                }
            )
        return attrs


class WorkerCreateSerializer(WorkerUpdateSerializer):
    """A new worker: the person by ID number and name, then the job record."""

    IMMUTABLE = ()

    agency = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=gettext_lazy("Bureau staff must give it; agency users add to their own agency."),
    )
    id_number = serializers.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        help_text=gettext_lazy("18-character resident ID number."),
    )
    name = serializers.CharField(label=gettext_lazy("full name"), max_length=50)
    phone = PhoneField(label=gettext_lazy("phone"), required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = False
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            # Only agencies the user may see can be named; others are "not found".
            self.fields["agency"].queryset = selectors.agencies_for_user(user)
        self.fields.pop("left_on")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data.pop("agency", None)
        return {
            "id_number": data.pop("id_number"),
            "name": data.pop("name"),
            "phone": data.pop("phone", ""),
            "data": data,
        }


# --- recognitions and filings ---------------------------------------------------------


class RecognitionSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    kind = serializers.CharField(
        source="kind_id",
        read_only=True,
        label=gettext_lazy("recognition"),
        help_text=gettext_lazy(
            "The code of the recognition kind (e.g. centre, station, city_brand) from the "
            "list the bureau keeps; kind_display gives its name."
        ),
    )
    kind_display = serializers.CharField(source="kind.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "agency",
            "agency_name",
            "kind",
            "kind_display",
            "year",
            "granted_on",
            "valid_until",
            "status",
            "status_display",
            "status_reason",
        ]
        read_only_fields = fields


class FilingSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = EmployeeSystemFiling
        fields = [
            "id",
            "agency",
            "agency_name",
            "status",
            "status_display",
            "signs_customer_contracts",
            "dispatches_workers",
            "pays_wages_directly",
            "trains_continuously",
            "total_workers",
            "contracted_workers",
            "insured_workers",
            "qualifying_workers",
            "threshold_workers",
            "threshold_months",
            "meets_threshold",
            "submitted_at",
            "decided_at",
            "decided_by_name",
            "decision_reason",
            "filed_on",
            "renews",
            "valid_from",
            "valid_until",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, filing: EmployeeSystemFiling) -> str | None:
        return str(filing.decided_by) if filing.decided_by_id else None


class FilingSubmitSerializer(serializers.Serializer):
    """The four declarations of an employee-system enterprise; figures come from the records."""

    signs_customer_contracts = serializers.BooleanField(
        label=gettext_lazy("signs service contracts with customers itself")
    )
    dispatches_workers = serializers.BooleanField(label=gettext_lazy("dispatches workers itself"))
    pays_wages_directly = serializers.BooleanField(
        label=gettext_lazy("pays wages directly at or above the minimum wage")
    )
    trains_continuously = serializers.BooleanField(
        label=gettext_lazy("trains workers continuously")
    )


# --- the signed-in user ---------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ALL_ROLES))
    is_superuser = serializers.BooleanField()
    agency = serializers.IntegerField(allow_null=True)
    agency_name = serializers.CharField(allow_null=True)
    can_see_full_id = serializers.BooleanField()
