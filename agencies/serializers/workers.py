"""Workers: the record with its current status, and the input to add or update one."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kunqu_jiafu.people.phone import PhoneField

from .. import rules, selectors
from ..models import Agency, Worker
from .common import STATUS_COLOURS, _user


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
