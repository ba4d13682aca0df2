"""Claims, their subjects, attachments and notices; the input a claim is filed and moved with."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import permissions, selectors, workflow
from ..models import (
    Claim,
    ClaimAttachment,
    ClaimSubject,
    ClaimType,
    Notice,
)
from .catalogue import RequiredAttachmentSerializer
from .common import CLAIM_ACTIONS, MAX_SUBJECTS, declared_fields, request_user

# --- claims ---------------------------------------------------------------------------


class ClaimActionSerializer(serializers.Serializer):
    # A plain string: the choices are documented once, on the transition request.
    action = serializers.CharField(
        help_text=gettext_lazy("Send it as `action` to POST /api/claims/{id}/transition/.")
    )
    label = serializers.CharField()
    needs_reason = serializers.BooleanField()


class ClaimSubjectSerializer(serializers.ModelSerializer):
    """A subsidised person, enrolment, certificate or order (its kind: the type's
    ``subject_kind``); for a person, the label is the name."""

    class Meta:
        model = ClaimSubject
        fields = ["id", "label", "live"]
        read_only_fields = fields


class ClaimAttachmentSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    file_name = serializers.CharField(source="document.original_name", read_only=True)
    content_type = serializers.CharField(source="document.content_type", read_only=True)
    size = serializers.IntegerField(source="document.size", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimAttachment
        fields = ["id", "code", "label", "file_name", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_label(self, attachment: ClaimAttachment) -> str:
        labels = dict(attachment.claim.claim_type.required_attachments)
        return labels.get(attachment.code) or _("Other material")

    @extend_schema_field(
        serializers.CharField(
            help_text=gettext_lazy(
                "Private download link: served only after the same permission check as the claim."
            )
        )
    )
    def get_url(self, attachment: ClaimAttachment) -> str:
        return attachment.document.get_absolute_url()


class NoticeSerializer(serializers.ModelSerializer):
    """A numbered 审批通知书 or 不予通过告知书, in a claim and on its own."""

    agency = serializers.IntegerField(source="claim.agency_id", read_only=True)
    agency_name = serializers.CharField(source="claim.agency.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "claim",
            "agency",
            "agency_name",
            "number",
            "kind",
            "kind_display",
            "year",
            "sequence",
            "amount",
            "reason",
            "issued_on",
            "rendered_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=gettext_lazy(
                "The PDF through the API (token or session); null until the PDF is rendered."
            ),
        )
    )
    def get_download_url(self, notice: Notice) -> str | None:
        if notice.document_id is None:
            return None
        return reverse("notice-download", args=[notice.pk])


class ClaimSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    street = serializers.IntegerField(source="agency.street_id", read_only=True)
    street_name = serializers.CharField(source="agency.street.name", read_only=True)
    claim_type_code = serializers.CharField(source="claim_type.code", read_only=True)
    claim_type_name = serializers.CharField(source="claim_type.name", read_only=True)
    group = serializers.CharField(source="claim_type.group", read_only=True)
    policy_year = serializers.IntegerField(source="claim_type.policy_year", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    declared = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        read_only=True,
        help_text=gettext_lazy(
            "The declared figures, keyed by the claim type's `declared_fields` names."
        ),
    )
    trace = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=gettext_lazy("How the eligible amount was calculated, step by step."),
    )
    eligibility_notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=gettext_lazy("Why the agency may not (yet) claim this; empty when it may."),
    )
    first_reviewed_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    subjects = ClaimSubjectSerializer(many=True, read_only=True)
    attachments = ClaimAttachmentSerializer(many=True, read_only=True)
    missing_attachments = serializers.SerializerMethodField()
    notices = NoticeSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "agency",
            "agency_name",
            "street",
            "street_name",
            "claim_type",
            "claim_type_code",
            "claim_type_name",
            "group",
            "policy_year",
            "period",
            "status",
            "status_display",
            "declared",
            "eligible_amount",
            "trace",
            "eligibility_notes",
            "approved_amount",
            "last_reason",
            "created_at",
            "submitted_at",
            "first_reviewed_at",
            "first_reviewed_by_name",
            "decided_at",
            "decided_by_name",
            "paid_on",
            "bank_reference",
            "recovery_amount",
            "subjects",
            "attachments",
            "missing_attachments",
            "notices",
            "available_actions",
            "updated_at",
        ]
        read_only_fields = fields

    def get_first_reviewed_by_name(self, claim: Claim) -> str | None:
        return str(claim.first_reviewed_by) if claim.first_reviewed_by_id else None

    def get_decided_by_name(self, claim: Claim) -> str | None:
        return str(claim.decided_by) if claim.decided_by_id else None

    @extend_schema_field(RequiredAttachmentSerializer(many=True))
    def get_missing_attachments(self, claim: Claim) -> list[dict]:
        # Uses the prefetched attachments: no query per row.
        have = {a.code for a in claim.attachments.all()}
        return [
            {"code": code, "label": label}
            for code, label in claim.claim_type.required_attachments
            if code not in have
        ]

    @extend_schema_field(ClaimActionSerializer(many=True))
    def get_available_actions(self, claim: Claim) -> list[dict]:
        user = request_user(self)
        if user is None or not user.is_authenticated:
            return []
        seen, actions = set(), []
        for transition in workflow.TRANSITIONS:
            if transition.source != claim.status or transition.action in seen:
                continue
            if permissions.can_transition(user, claim, transition.action)[0]:
                seen.add(transition.action)
                actions.append(
                    {
                        "action": transition.action,
                        "label": transition.label,
                        "needs_reason": transition.needs_reason,
                    }
                )
        return actions


class _DeclaredMixin(serializers.Serializer):
    declared = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        label=gettext_lazy("declared figures"),
        help_text=gettext_lazy(
            "The figures of the claim type's `declared_fields`, keyed by `name`: amounts in yuan with at "
            'most two decimals (e.g. "12000.00"), counts as whole numbers.'
        ),
    )
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=80),
        label=gettext_lazy("subsidised subjects"),
        required=False,
        max_length=MAX_SUBJECTS,
        help_text=gettext_lazy(
            "For types with a `subject_kind`: one entry per person (ID number of a worker of "
            "the agency), training enrolment, certificate or service order."
        ),
    )

    def _check_names(self, claim_type: ClaimType | None, declared: dict) -> None:
        if claim_type is None:
            return
        known = {f.name for f in declared_fields(claim_type)}
        unknown = sorted(set(declared) - known)
        if unknown:
            raise serializers.ValidationError(
                {
                    "declared": {
                        name: [
                            _("“%(type)s” has no figure of this name; it takes: %(names)s.")
                            % {"type": claim_type.name, "names": ", ".join(sorted(known))}
                        ]
                        for name in unknown
                    }
                }
            )


class ClaimCreateSerializer(_DeclaredMixin):
    claim_type = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("claim type"), queryset=ClaimType.objects.all()
    )
    period = serializers.CharField(
        label=gettext_lazy("period"),
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "2026, 2026H1, 2026Q3 or 2026-03 by the type's `period_kind`; "
            "empty: the type's `current_period`."
        ),
    )

    def validate(self, attrs):
        self._check_names(attrs["claim_type"], attrs["declared"])
        if not attrs.get("period"):
            attrs["period"] = selectors.current_period(attrs["claim_type"])
        return attrs


class ClaimUpdateSerializer(_DeclaredMixin):
    """PATCH: the figures given replace those of the draft; the others keep their values.
    ``subjects``, when given, replaces the whole list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        claim = self.context["claim"]
        given = getattr(self, "initial_data", None) or {}
        fixed = [name for name in ("claim_type", "period", "agency", "status") if name in given]
        if fixed:
            raise serializers.ValidationError(
                {
                    name: [
                        _(
                            "This cannot be changed on an existing claim; withdraw it and "
                            "file a new one."
                        )
                    ]
                    for name in fixed
                }
            )
        self._check_names(claim.claim_type, attrs.get("declared", {}))
        return attrs


class ClaimTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        label=gettext_lazy("action"),
        choices=CLAIM_ACTIONS,
        help_text=gettext_lazy(
            "One of the claim's `available_actions`: submit, resubmit, withdraw (agency); "
            "first_pass, return, reject (reviewer); approve, return, reject (a different "
            "approver); pay, revoke (bureau staff)."
        ),
    )
    reason = serializers.CharField(
        label=gettext_lazy("reason"), required=False, allow_blank=True, default="", max_length=2000
    )
    approved_amount = serializers.DecimalField(
        label=gettext_lazy("approved amount"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("approve only; empty: the eligible amount."),
    )
    paid_on = serializers.DateField(
        label=gettext_lazy("paid on"),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("pay only."),
    )
    bank_reference = serializers.CharField(
        label=gettext_lazy("bank reference"),
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text=gettext_lazy("pay only."),
    )


class ClaimAttachmentInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        label=gettext_lazy("attachment kind"),
        max_length=40,
        help_text=gettext_lazy("A `code` of the type's `required_attachments`, or `other`."),
    )
    file = serializers.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("PDF, JPEG or PNG (checked from the content); multipart only."),
    )


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            {"type": "array", "items": {"type": "string"}},
        ]
    }
)
class _DeclaredErrorsField(serializers.DictField):
    """Errors of each declared figure, or (declared missing or not an object) a list."""


class ClaimErrorSerializer(serializers.Serializer):
    """The shape of a 400: every key names the field at fault (only those at fault appear)."""

    declared = _DeclaredErrorsField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy(
            'Errors of the declared figures, nested by figure name: {"declared": '
            '{"interest_paid": ["…"]}}.'
        ),
    )
    claim_type = serializers.ListField(child=serializers.CharField(), required=False)
    period = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=gettext_lazy(
            "Also: the agency already has a live claim of this type and period."
        ),
    )
    subjects = serializers.ListField(child=serializers.CharField(), required=False)
    attachments = serializers.ListField(child=serializers.CharField(), required=False)
    code = serializers.ListField(child=serializers.CharField(), required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    action = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.ListField(child=serializers.CharField(), required=False)
    approved_amount = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=gettext_lazy("Also: more than the special fund has left."),
    )
    paid_on = serializers.ListField(child=serializers.CharField(), required=False)
    bank_reference = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
