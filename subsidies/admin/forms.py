"""Forms of the subsidies admin. They parse input; subsidies.services decides and writes."""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.forms import ReasonForm, ServiceForm

from .. import rules, selectors, services
from ..models import AwardPolicy, ClaimType, ParameterFlag, SpecialFund

CALCULATOR_LABELS = {
    "interest": _("interest actually paid × rate"),
    "capped_award": _("requested award, up to a cap"),
    "per_head": _("people (times) × standard per head"),
    "cost_per_head": _("actual cost, up to a standard per head"),
    "fixed_per_unit": _("fixed amount per unit"),
    "rate_of_amount": _("amount paid × rate"),
    "ui_refund": _("unemployment-insurance refund with the layoff-rate rule"),
}
ELIGIBILITY_LABELS = {
    "registered": _("registered agency, not suspended"),
    "filed_employee_system": _("filed employee-system enterprise"),
    "recognised_centre_passed": _("recognised centre that passed the inspection"),
    "recognised_station_passed": _("recognised station that passed the inspection"),
    "recognised_market_passed": _("recognised professional market that passed the inspection"),
    "rated_excellent": _("rated excellent in the annual evaluation"),
    "brand_this_year": _("awarded a brand title this year"),
}


def calculator_choices() -> list[tuple[str, str]]:
    return [(name, f"{CALCULATOR_LABELS.get(name, name)}（{name}）") for name in rules.CALCULATORS]


def eligibility_choices() -> list[tuple[str, str]]:
    return [(name, f"{ELIGIBILITY_LABELS.get(name, name)}（{name}）") for name in rules.ELIGIBILITY]


# --- review actions ---------------------------------------------------------------------------


class ApproveForm(ReasonForm):
    """审批通过: the amount defaults to the eligible amount and may only be lower."""

    approved_amount = forms.DecimalField(
        label=_("Approved amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "kj-amount"}),
    )
    field_order = ("approved_amount", "reason")

    def __init__(self, *args, eligible=None, **kwargs):
        super().__init__(*args, **kwargs)
        if eligible is not None:
            self.fields["approved_amount"].help_text = gettext(
                "At most the eligible amount of %(amount)s; the special fund must still hold it."
            ) % {"amount": rules.yuan(eligible)}
            self.fields["approved_amount"].widget.attrs["max"] = str(eligible)


class PayForm(ReasonForm):
    """登记拨付: when the money left and the bank's reference of the transfer."""

    paid_on = forms.DateField(
        label=_("Payment date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the payment date.")},
    )
    bank_reference = forms.CharField(
        label=_("Bank reference"),
        max_length=60,
        error_messages={"required": _("Enter the bank transfer reference.")},
        help_text=_("The reference number on the bank's transfer slip."),
    )
    field_order = ("paid_on", "bank_reference", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = gettext("Note")
        self.fields["reason"].help_text = gettext("Optional.")
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())


# --- the catalogue ----------------------------------------------------------------------------


class ParametersField(forms.JSONField):
    """The calculator's parameters as readable JSON (Chinese kept, one key a line)."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value  # what the user typed, when the form comes back with errors
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not isinstance(value, dict):
            raise forms.ValidationError(
                gettext('The parameters must be a JSON object, e.g. {"cap": "100000.00"}.')
            )
        return {} if value is None else value


class AttachmentsField(forms.CharField):
    """Required attachments, one a line: the code, a space, then the name."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{code} {label}" for code, label in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        pairs, errors = [], []
        for n, line in enumerate((value or "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            code, _sep, label = line.partition(" ")
            if not label.strip():
                errors.append(
                    gettext("Line %(n)s: write the code, a space, then the name.") % {"n": n}
                )
                continue
            pairs.append([code.strip(), label.strip()])
        if errors:
            raise forms.ValidationError(errors)
        return pairs


class ClaimTypeForm(ServiceForm):
    calculator = forms.ChoiceField(label=_("calculator"), choices=calculator_choices)
    eligibility = forms.ChoiceField(label=_("eligibility rule"), choices=eligibility_choices)
    parameters = ParametersField(
        label=_("parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7, "cols": 60, "class": "kj-code"}),
    )
    required_attachments = AttachmentsField(
        label=_("required attachments"),
        required=False,
        help_text=_("One a line: a code (letters, digits, _), a space, then the name."),
    )

    class Meta:
        model = ClaimType
        fields = (
            "code",
            "policy_year",
            *services.CLAIM_TYPE_FIELDS,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "policy_year" in self.fields and not self.is_bound:
            self.initial.setdefault("policy_year", timezone.localdate().year)
        if "parameters" not in self.fields:
            return  # an existing type: its rates change by proposal (admin/changes.py)
        known = ", ".join(
            f"{name}: {'、'.join(params) or '—'}" for name, params in rules.PARAMETERS.items()
        )
        self.fields["parameters"].help_text = gettext(
            "A JSON object. Amounts in yuan, rates from 0 to 1 (1 = 100%%). What each calculator "
            "reads — %(known)s; any type may add subject_kind (person, enrolment, order, "
            "certificate)."
        ) % {"known": known}

    def commit(self, actor) -> ClaimType:
        data = {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}
        existing = self.instance if self.instance.pk else None
        return services.claim_type_save(actor=actor, claim_type=existing, data=data)


class SpecialFundForm(ServiceForm):
    """Add a fund (year, optionally one claim type) or change its budget and note."""

    amount = forms.DecimalField(
        label=_("budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "kj-amount"}),
    )

    class Meta:
        model = SpecialFund
        fields = ("year", "claim_type", "amount", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "year" in self.fields and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        if "claim_type" in self.fields:
            self.fields["claim_type"].required = False
            self.fields["claim_type"].empty_label = gettext("— all claim types of the year —")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("year"):
            taken = selectors.funds_for_year(data["year"]).filter(claim_type=data.get("claim_type"))
            if taken.exists():
                self.add_error(
                    None,
                    gettext("This fund already exists for %(year)s; open it to change its budget.")
                    % {"year": data["year"]},
                )
        return data

    def commit(self, actor) -> SpecialFund:
        data = self.cleaned_data
        fund = self.instance
        return services.fund_set(
            actor=actor,
            year=fund.year if fund.pk else data["year"],
            claim_type=fund.claim_type if fund.pk else data.get("claim_type"),
            amount=data["amount"],
            note=(data.get("note") or "").strip(),
        )


class AwardPolicyForm(ServiceForm):
    """The award settings of a policy year."""

    yearly_total = forms.DecimalField(
        label=_("yearly total of awards per agency (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: no yearly total."),
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "kj-amount"}),
    )

    class Meta:
        model = AwardPolicy
        fields = ("year", "awards_per_year", "yearly_total", "basic_pass_counts")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "year" in self.fields and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def commit(self, actor) -> AwardPolicy:
        data = self.cleaned_data
        policy = self.instance if self.instance.pk else None
        return services.award_policy_save(
            actor=actor,
            year=policy.year if policy else data["year"],
            policy=policy,
            data={name: data.get(name) for name in services.AWARD_POLICY_FIELDS},
        )


class ParameterFlagForm(ServiceForm):
    """Mark a parameter of a claim type as a figure the bureau still has to confirm."""

    class Meta:
        model = ParameterFlag
        fields = ("claim_type", "name", "note")

    def commit(self, actor) -> ParameterFlag:
        if self.instance.pk:
            return self.instance  # read-only once made; confirmed by the list's action
        data = self.cleaned_data
        return services.parameter_flag(
            actor=actor,
            claim_type=data["claim_type"],
            name=data["name"],
            note=(data.get("note") or "").strip(),
        )
