"""Forms of the voucher pages (public application and status lookup, agency portal).

They only parse input; every rule lives in services.py. Where a mistake can be seen without
asking the database (a mistyped ID number, a voucher code whose check character does not
match), the form reports it next to the field so it shows together with the other mistakes."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from agencies.models import Agency, BusinessFormat, Street, Worker
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.web.forms import DateInput, clean_phone

from . import codes
from .models import TargetGroup, Voucher

ID_WIDGET = forms.TextInput(
    attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
)
PHONE_WIDGET = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
_NUMBER_RE = re.compile(r"^JQ\d{4}-?\d{5}$")


def _clean_id_number(value: str) -> str:
    return parse_id_number(value or "").number


# --- public: application and status -------------------------------------------------------


class TargetGroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TargetGroup) -> str:
        return obj.name


class ApplyForm(forms.Form):
    """人员申报 by the resident (no account)."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=ID_WIDGET,
        help_text=_("18 characters, as on the resident identity card."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=PHONE_WIDGET)
    address = forms.CharField(
        label=_("Home address"),
        max_length=200,
        help_text=_("The service is given at this address."),
    )
    head_id_number = forms.CharField(
        label=_("Household head's ID number (if not you)"),
        max_length=30,
        required=False,
        widget=ID_WIDGET,
        help_text=_(
            "One voucher is given per household: leave empty if you are the household head, "
            "otherwise enter the head's 18-character ID number."
        ),
    )
    street = forms.ModelChoiceField(
        label=_("Street or town where you live"),
        queryset=Street.objects.none(),
        empty_label=_("Choose the street or town"),
    )
    target_group = TargetGroupChoiceField(
        label=_("Target group"),
        help_text=_("The group the household belongs to; under each is the evidence to upload."),
        queryset=TargetGroup.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_("A photo or scan (PDF, JPEG or PNG, up to 10 MB) of the evidence named above."),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
    note = forms.CharField(
        label=_("Anything else we should know"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("Consent to the use of personal details"),
        help_text=_(
            "I agree that the bureau uses these personal details and the evidence to check the "
            "application, issue the voucher and follow up the service, and passes my name, "
            "phone and address to the agency I choose."
        ),
    )

    def __init__(self, *args, per_household: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not per_household:  # the batch gives one voucher per person: no head asked
            del self.fields["head_id_number"]
        self.fields["street"].queryset = agency_selectors.street_choices()
        self.fields["target_group"].queryset = TargetGroup.objects.filter(active=True)
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["address"].widget.attrs.update(autocomplete="street-address")
        messages = {
            "name": _("Please enter your full name."),
            "id_number": _("Please enter your 18-character ID number."),
            "phone": _("Please leave a phone number so the bureau can reach you."),
            "address": _("Enter the household's address; the service is given at home."),
            "street": _("Please choose the street or town where you live."),
            "target_group": _("Choose the group the household belongs to."),
            "evidence": _(
                "Upload a photo or PDF of the evidence for the target group (e.g. the "
                "unemployment registration card)."
            ),
            "consent": _("Please agree to the use of your personal details; without it the "
                         "bureau cannot handle the application."),
        }  # fmt: skip
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message

    def clean_id_number(self) -> str:
        return _clean_id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def target_group_options(self):
        """(radio option, group) pairs, so the page can show each group's description and hint."""
        groups = {g.pk: g for g in self.fields["target_group"].queryset}
        for option in self["target_group"]:
            value = option.data["value"]
            yield option, groups.get(getattr(value, "value", value))


class LookupForm(forms.Form):
    """The status lookup: the application number and the ID number must both match."""

    number = forms.CharField(
        label=_("Application number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "JQ2026-00001",
            }
        ),
        error_messages={"required": _("Enter the application number, e.g. JQ2026-00001.")},
    )
    id_number = forms.CharField(
        label=_("ID number of the applicant"),
        max_length=30,
        widget=ID_WIDGET,
        error_messages={"required": _("Please enter your 18-character ID number.")},
    )

    def clean_number(self) -> str:
        number = re.sub(r"[\s\u3000]", "", self.cleaned_data.get("number", "")).upper()
        number = number.replace("－", "-").replace("—", "-")
        if not _NUMBER_RE.match(number):
            raise ValidationError(
                _("An application number looks like JQ2026-00001; please check it.")
            )
        if "-" not in number:
            number = f"{number[:6]}-{number[6:]}"
        return number

    def clean_id_number(self) -> str:
        # Only the typed number's own structure is checked here: it says nothing about whether
        # an application exists.
        return _clean_id_number(self.cleaned_data.get("id_number", ""))


class AgencyFilterForm(forms.Form):
    """Narrow the list of agencies a household may choose."""

    street = forms.ModelChoiceField(
        label=_("Street or town"),
        queryset=Street.objects.none(),
        required=False,
        empty_label=_("All streets and towns"),
    )
    format = forms.ModelChoiceField(
        label=_("Service"),
        queryset=BusinessFormat.objects.none(),
        required=False,
        empty_label=_("All services"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = agency_selectors.street_choices()
        self.fields["format"].queryset = agency_selectors.format_choices()


class ChooseAgencyForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(
        queryset=agency_selectors.all_agencies(), widget=forms.HiddenInput
    )


# --- agency portal ---------------------------------------------------------------------------


class VoucherFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Voucher.Status.choices],
    )
    q = forms.CharField(label=_("Voucher code or holder name"), max_length=50, required=False)


class WorkerChoiceField(forms.ModelChoiceField):
    """A worker shown with the derived home-service status (green / yellow / red)."""

    def __init__(self, *args, statuses=None, **kwargs):
        self.statuses = statuses or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Worker) -> str:
        status = self.statuses.get(obj.pk)
        label = f"{obj.person.name}（{obj.job}）"
        return f"{label} · {status.label}" if status else label


class RedeemForm(forms.Form):
    """上门服务: the agency records the home service and redeems the voucher."""

    code = forms.CharField(
        label=_("Voucher code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "XXXX-XXXX-XXX",
                "class": "vc-code-input",
            }
        ),
        help_text=_("11 characters as printed on the voucher; dashes and spaces do not matter."),
    )
    service_date = forms.DateField(label=_("Service date"), widget=DateInput())
    kind = forms.ModelChoiceField(
        label=_("Service kind"),
        queryset=BusinessFormat.objects.none(),
        empty_label=_("Choose the service kind"),
    )
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.none(),
        empty_label=_("Choose the worker who gave the service"),
        error_messages={"required": _("Choose the worker who gave the service.")},
    )
    hours = forms.DecimalField(
        label=_("Duration (hours)"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        help_text=_("From 0.5 to 24 hours."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agency: Agency, workers, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = agency_selectors.format_ids_of(agency)
        self.fields["kind"].queryset = agency_selectors.format_choices(first=own)
        self.fields["worker"].queryset = workers
        self.fields["worker"].statuses = statuses or {}
        self.fields["hours"].error_messages["min_value"] = _(
            "Enter the duration in hours, from 0.5 to 24."
        )
        self.fields["hours"].error_messages["max_value"] = _(
            "Enter the duration in hours, from 0.5 to 24."
        )
        self.fields["code"].error_messages["required"] = _(
            "Enter the voucher code printed on the voucher."
        )
        self.fields["hours"].error_messages["required"] = _(
            "Enter how long the service took, from 0.5 to 24 hours."
        )
        self.fields["service_date"].error_messages["required"] = _("Enter the date of the service.")
        self.fields["kind"].error_messages["required"] = _("Choose the kind of service given.")
        if not self.is_bound:
            self.initial.setdefault("service_date", timezone.localdate())
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            if own:
                self.initial.setdefault("kind", own[0])

    def clean_code(self) -> str:
        try:
            return codes.parse(self.cleaned_data.get("code", ""))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["code"]) from None
