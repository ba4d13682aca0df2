"""Agencies: the record as presented, registration and update input, and transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kunqu_jiafu.people.phone import PhoneField
from kunqu_jiafu.workflow import available

from .. import selectors, workflow
from ..models import Agency, BusinessFormat, EnterpriseSize, Street
from .common import AGENCY_ACTIONS, FILING_DECISIONS, _user


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
        roles = set(user.role_names)
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
