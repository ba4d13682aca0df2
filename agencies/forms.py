"""Forms of the agency portal. They only parse input; every rule lives in services.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.web.forms import DateInput, clean_phone

from . import rules
from .models import Agency, BusinessFormat, EmployeeSystemFiling, Street, Worker

AGENCY_FORM_FIELDS = (
    "name", "uscc", "legal_representative", "contact_name", "phone", "address",
    "street", "formats", "founded_on", "employee_count",
)  # fmt: skip
WORKER_FORM_FIELDS = (
    "job", "hired_on", "contract_kind", "contract_start", "contract_end", "social_insurance",
    "insured_since", "health_check_on", "accident_insurance_until", "certificates",
    "is_hard_to_employ", "is_graduate",
)  # fmt: skip
FILING_DECLARATIONS = (
    "signs_customer_contracts", "dispatches_workers", "pays_wages_directly", "trains_continuously",
)  # fmt: skip
COMMON_JOBS = ("家政服务员", "养老护理员", "育婴员", "母婴护理员", "病患陪护员", "家务管理员")


class SignupForm(UserCreationForm):
    """A new applicant's account; Django's password validators apply."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "phone", "email")
        labels = {"full_name": _("Your full name"), "phone": _("Mobile phone")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "password1", "password2", "full_name", "phone", "email"])
        for name in ("full_name", "phone", "email"):
            self.fields[name].required = True
        self.fields["username"].help_text = _(
            "Letters, digits and @ . + - _ only; you will sign in with it."
        )
        self.fields["email"].help_text = _("Decisions on your application are sent here.")
        self.fields["phone"].widget.input_type = "tel"
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_full_name(self):
        return (self.cleaned_data.get("full_name") or "").strip()


class AgencyForm(forms.Form):
    """Registration details of an agency. ``editable`` limits the fields offered (edit page)."""

    license = forms.FileField(
        label=_("Business licence"),
        required=False,
        help_text=_("Optional. A scan or photo of the licence: PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, editable: tuple[str, ...] = AGENCY_FORM_FIELDS, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Agency,
            fields=[f for f in AGENCY_FORM_FIELDS if f in editable],
            widgets={
                "founded_on": DateInput(),
                "formats": forms.CheckboxSelectMultiple,
                "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            },
        )
        license_field = self.fields.pop("license")
        self.fields.update(model_fields)
        self.fields["license"] = license_field
        if "uscc" in self.fields:
            self.fields["uscc"].help_text = _(
                "18 characters, as printed on the business licence (统一社会信用代码)."
            )
            self.fields["uscc"].widget.attrs.update(autocapitalize="characters", spellcheck="false")
        if "street" in self.fields:
            self.fields["street"].queryset = Street.objects.filter(active=True)
            self.fields["street"].empty_label = _("Choose the street or town")
        if "formats" in self.fields:
            self.fields["formats"].queryset = BusinessFormat.objects.filter(active=True)
            self.fields["formats"].help_text = _("Tick every format the agency offers.")
        if "employee_count" in self.fields:
            self.fields["employee_count"].widget.attrs.update(min=0)
        if "founded_on" in self.fields:
            self.fields["founded_on"].widget.attrs.update(max=timezone.localdate().isoformat())

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def agency_data(self) -> dict:
        """The agency fields for the service (formats and licence travel separately)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("formats", "license")
        }


class WorkerForm(forms.Form):
    """A worker's job record; on the add form also the person's name, ID number and phone."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("18 characters of the resident ID card; the last one may be X."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, with_person: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_person:
            for name in ("name", "id_number", "phone"):
                del self.fields[name]
        self.fields.update(
            forms.fields_for_model(
                Worker,
                fields=WORKER_FORM_FIELDS,
                widgets={
                    "hired_on": DateInput(),
                    "contract_start": DateInput(),
                    "contract_end": DateInput(),
                    "insured_since": DateInput(),
                    "health_check_on": DateInput(),
                    "accident_insurance_until": DateInput(),
                    "job": forms.TextInput(attrs={"list": "common-jobs"}),
                    "contract_kind": forms.RadioSelect,
                    "certificates": forms.TextInput(),
                },
            )
        )
        # The person's graduation date (高校毕业生), kept on the person record by the people
        # service: the social insurance subsidy counts the years since it.
        self.fields["graduated_on"] = forms.DateField(
            label=_("Graduation date"),
            required=False,
            widget=DateInput(attrs={"max": timezone.localdate().isoformat()}),
            help_text=_("For a college graduate: the date on the graduation certificate."),
        )
        self.fields["contract_kind"].choices = Worker.ContractKind.choices
        self.fields["contract_end"].help_text = _("Leave empty for an open-ended contract.")
        self.fields["certificates"].help_text = _("For example: 育婴员四级 (2024), 养老护理员证书.")

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def worker_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in WORKER_FORM_FIELDS}
        # Sent only when entered or changed: an unchanged date is the person's record as is.
        if "graduated_on" in self.changed_data:
            data["graduated_on"] = self.cleaned_data.get("graduated_on")
        return data


class WorkerLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate():
            raise ValidationError(_("The leaving date cannot be in the future."))
        return left_on


class WorkerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *rules.STATUS_LABELS.items()],
    )
    job = forms.ChoiceField(label=_("Job"), required=False)
    show = forms.ChoiceField(
        label=_("Employment"),
        required=False,
        choices=[("", _("Current workers")), ("left", _("Workers who left"))],
    )

    def __init__(self, *args, jobs: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [("", _("All jobs")), *((j, j) for j in jobs)]
        self.fields["q"].widget.attrs.update(placeholder=_("Search by name or ID number"))

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


class WorkerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The filled-in template; a CSV file with the same header row also works."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class FilingForm(forms.Form):
    """The four declarations of an employee-system enterprise (the service requires all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FILING_DECLARATIONS:
            self.fields[name] = forms.BooleanField(
                label=EmployeeSystemFiling._meta.get_field(name).verbose_name, required=False
            )

    def declarations(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in FILING_DECLARATIONS}


class SizeBasisForm(forms.Form):
    """The basis of the enterprise size: staff and yearly revenue of one year."""

    size_staff = forms.IntegerField(
        label=_("Staff (persons)"),
        min_value=0,
        max_value=10_000_000,
        help_text=_("Average number of people employed in the year (从业人员)."),
    )
    size_revenue = forms.DecimalField(
        label=_("Yearly revenue (10,000 yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Operating revenue of the year in 10,000 yuan, e.g. 350.5 for 3,505,000 yuan."),
    )
    size_year = forms.IntegerField(
        label=_("Year of the figures"),
        min_value=1949,
        max_value=9999,
        help_text=_("Usually last year."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["size_year"].widget.attrs.update(max=timezone.localdate().year)
        self.fields["size_revenue"].widget.attrs.update(inputmode="decimal")


class SurveyReturnForm(forms.Form):
    """The year's statistical survey for one agency: one text field per figure (the service
    parses and checks them, naming the indicator), one explanation per pre-filled figure."""

    def __init__(self, data=None, *, cells, prefilled, initial=None, disabled=False):
        super().__init__(data, initial=initial)
        self.cells = cells
        for cell in cells:
            indicator = cell.indicator
            help_text = indicator.help_text
            if indicator.prefill and not cell.format_code:
                help_text = " ".join(
                    filter(
                        None,
                        [
                            help_text,
                            _("The agency's records say %(value)s.")
                            % {"value": prefilled.get(indicator.code, "—")},
                        ],
                    )
                )
            self.fields[cell.key] = forms.CharField(
                label=f"{cell.label}（{indicator.unit}）",
                required=False,
                disabled=disabled,
                help_text=help_text,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "narrow"}),
            )
            if indicator.prefill and not cell.format_code:
                self.fields[f"{indicator.code}__why"] = forms.CharField(
                    label=_("Why “%(indicator)s” differs from the records")
                    % {"indicator": indicator.label},
                    required=False,
                    disabled=disabled,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def figures(self) -> dict[str, str]:
        return {cell.key: self.cleaned_data.get(cell.key, "") for cell in self.cells}

    def explanations(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k.endswith("__why")}
