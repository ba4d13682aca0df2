"""The claim-type catalogue as the API shows it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import rules, selectors
from ..models import (
    AwardPolicy,
    ClaimSubject,
    ClaimType,
    ParameterFlag,
)
from .common import FIELD_KINDS, declared_fields

# --- the catalogue --------------------------------------------------------------------


class DeclaredFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=gettext_lazy("Key in a claim's `declared` object."))
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=FIELD_KINDS)
    help = serializers.CharField(allow_blank=True)


class RequiredAttachmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("The `code` to upload the file with."))
    label = serializers.CharField()


class ParameterFlagSerializer(serializers.Serializer):
    """A figure of the type the plan never gave: 待局里确认 until the bureau confirms it."""

    name = serializers.CharField(help_text=gettext_lazy("Key in the type's `parameters`."))
    label = serializers.CharField()
    value = serializers.JSONField(
        source="current_value", allow_null=True, help_text=gettext_lazy("The value in force.")
    )
    note = serializers.CharField(allow_blank=True)
    confirmed = serializers.BooleanField(
        help_text=gettext_lazy(
            "Whether the bureau has confirmed the value in force (false: 待局里确认)."
        )
    )
    confirmed_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_confirmed_at(self, flag: ParameterFlag) -> str | None:
        # A confirmation counts only while the parameter keeps the confirmed value.
        if not flag.confirmed:
            return None
        return serializers.DateTimeField().to_representation(flag.confirmed_at)


class AwardPolicySerializer(serializers.ModelSerializer):
    awards_per_year_display = serializers.CharField(
        source="get_awards_per_year_display", read_only=True
    )
    yearly_total = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("Yearly total of awards per agency in yuan; null: no total."),
    )

    class Meta:
        model = AwardPolicy
        fields = [
            "year",
            "awards_per_year",
            "awards_per_year_display",
            "yearly_total",
            "basic_pass_counts",
        ]
        read_only_fields = fields


class ClaimTypeSerializer(serializers.ModelSerializer):
    group_display = serializers.CharField(source="get_group_display", read_only=True)
    period_kind_display = serializers.CharField(source="get_period_kind_display", read_only=True)
    current_period = serializers.SerializerMethodField()
    declared_fields = serializers.SerializerMethodField()
    required_attachments = serializers.SerializerMethodField()
    subject_kind = serializers.SerializerMethodField()
    eligible = serializers.SerializerMethodField()
    ineligible_reasons = serializers.SerializerMethodField()
    parameter_flags = ParameterFlagSerializer(many=True, read_only=True)
    award_policy = serializers.SerializerMethodField()

    class Meta:
        model = ClaimType
        fields = [
            "id",
            "code",
            "name",
            "group",
            "group_display",
            "policy_year",
            "period_kind",
            "period_kind_display",
            "current_period",
            "calculator",
            "declared_fields",
            "parameters",
            "required_attachments",
            "subject_kind",
            "description",
            "active",
            "eligible",
            "ineligible_reasons",
            "parameter_flags",
            "award_policy",
        ]
        read_only_fields = fields

    @extend_schema_field(
        AwardPolicySerializer(
            allow_null=True,
            help_text=gettext_lazy(
                "For an award: the bureau's award settings of the policy year (the defaults "
                "where none were entered); null for other types."
            ),
        )
    )
    def get_award_policy(self, claim_type: ClaimType) -> dict | None:
        if claim_type.eligibility not in rules.AWARD_RULES:
            return None
        policies = self.context.get("award_policies")
        if policies is None:
            policy = selectors.award_policy(claim_type.policy_year)
        else:  # every entered year is in the context: a year without a row has the defaults
            policy = policies.get(claim_type.policy_year) or AwardPolicy(
                year=claim_type.policy_year
            )
        return AwardPolicySerializer(policy).data

    def get_current_period(self, claim_type: ClaimType) -> str:
        return selectors.current_period(claim_type, today=self.context.get("today"))

    @extend_schema_field(DeclaredFieldSerializer(many=True))
    def get_declared_fields(self, claim_type: ClaimType) -> list[dict]:
        return [
            {"name": f.name, "label": f.label, "kind": f.kind, "help": f.help}
            for f in declared_fields(claim_type)
        ]

    @extend_schema_field(RequiredAttachmentSerializer(many=True))
    def get_required_attachments(self, claim_type: ClaimType) -> list[dict]:
        return [{"code": code, "label": label} for code, label in claim_type.required_attachments]

    @extend_schema_field(
        serializers.ChoiceField(
            choices=ClaimSubject.Kind.choices,
            allow_null=True,
            help_text=gettext_lazy(
                "What a claim of this type must list in `subjects` (one per entry); null: no list."
            ),
        )
    )
    def get_subject_kind(self, claim_type: ClaimType) -> str | None:
        return claim_type.parameters.get("subject_kind") or None

    def _problems(self, claim_type: ClaimType) -> list[str] | None:
        # Agency facts come from the view's context, computed once per request and year.
        agency = self.context.get("agency")
        facts = self.context.get("facts", {}).get(claim_type.policy_year)
        if agency is None or facts is None:
            return None
        return selectors.eligibility_for(agency, claim_type, facts=facts)

    @extend_schema_field(
        serializers.BooleanField(
            allow_null=True,
            help_text=gettext_lazy(
                "For an agency user: whether the agency may claim this type now; "
                "null for everyone else."
            ),
        )
    )
    def get_eligible(self, claim_type: ClaimType) -> bool | None:
        problems = self._problems(claim_type)
        return None if problems is None else not problems

    def get_ineligible_reasons(self, claim_type: ClaimType) -> list[str]:
        return self._problems(claim_type) or []
