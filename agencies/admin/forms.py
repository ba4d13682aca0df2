"""Forms of the agencies admin. They parse input; the services decide and write (a
ServiceForm of the admin kit ends its validation with the service call)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.forms import ServiceForm

from ..models import Agency, AgencyPolicy, Recognition, RecognitionKind, Worker
from ..services import recognitions, registration, workers

AGENCY_DETAIL_FIELDS = (
    "name", "uscc", "uscc_override_reason", "legal_representative", "contact_name", "phone",
    "address", "street", "formats", "founded_on", "employee_count",
)  # fmt: skip
ALLIANCE_FIELDS = ("alliance_member", "alliance_joined_on")
SIZE_FIELDS = ("size_staff", "size_revenue", "size_year")


class AgencyAdminForm(ServiceForm):
    # Longer than 18 so a code pasted with spaces reaches the service, which normalises it.
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40)
    license_file = forms.FileField(
        label=_("upload a new business licence"),
        required=False,
        help_text=_("PDF, JPEG or PNG. Leave empty to keep the current licence."),
    )
    service_error_aliases = {"license": "license_file"}

    class Meta:
        model = Agency
        fields = (*AGENCY_DETAIL_FIELDS, *ALLIANCE_FIELDS, *SIZE_FIELDS)
        widgets = {
            "uscc_override_reason": forms.Textarea(attrs={"rows": 2}),
            "formats": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "uscc_override_reason": _(
                "Only needed when a real credit code fails the check character: record why it "
                "is accepted (e.g. the licence was checked at the counter)."
            ),
        }

    def commit(self, actor) -> Agency:
        data = self.cleaned_data
        agency = Agency.objects.get(pk=self.instance.pk)
        details = {f: data[f] for f in registration.AGENCY_FIELDS if f in self.fields}
        uscc_touched = {"uscc", "uscc_override_reason"} & set(self.changed_data)
        if not uscc_touched:
            details.pop("uscc", None)
        detail_fields = set(AGENCY_DETAIL_FIELDS) | {"license_file"}
        if detail_fields & set(self.changed_data):
            agency = registration.agency_update(
                actor=actor,
                agency=agency,
                data=details,
                formats=data["formats"],
                license_file=data.get("license_file"),
                override_reason=(data.get("uscc_override_reason") or "").strip()
                if uscc_touched
                else "",
            )
        if set(SIZE_FIELDS) & set(self.changed_data):
            agency = registration.agency_size_set(
                actor=actor,
                agency=agency,
                staff=data.get("size_staff"),
                revenue=data.get("size_revenue"),
                year=data.get("size_year"),
            )
        if set(ALLIANCE_FIELDS) & set(self.changed_data):
            agency = registration.agency_set_alliance(
                actor=actor,
                agency=agency,
                member=data["alliance_member"],
                joined_on=data.get("alliance_joined_on"),
            )
        return agency


class WorkerAddForm(ServiceForm):
    name = forms.CharField(label=_("full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("18 characters; full-width digits and a lower-case x are accepted."),
    )
    person_phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    service_error_aliases = {"phone": "person_phone"}

    class Meta:
        model = Worker
        fields = ("agency", *workers.WORKER_FIELDS)

    def commit(self, actor) -> Worker:
        data = self.cleaned_data
        return workers.worker_add(
            actor=actor,
            agency=data["agency"],
            id_number=data["id_number"],
            name=data["name"],
            phone=data.get("person_phone") or "",
            data={f: data.get(f) for f in workers.WORKER_FIELDS},
        )


class WorkerChangeForm(ServiceForm):
    class Meta:
        model = Worker
        fields = (*workers.WORKER_FIELDS, "left_on")

    def commit(self, actor) -> Worker:
        data = self.cleaned_data
        worker = Worker.objects.select_related("person", "agency").get(pk=self.instance.pk)
        changes = {f: data[f] for f in workers.WORKER_FIELDS if f in self.changed_data}
        if "left_on" in self.changed_data and data.get("left_on") is None:
            changes["left_on"] = None  # back at work
        if changes:
            worker = workers.worker_update(actor=actor, worker=worker, data=changes)
        if "left_on" in self.changed_data and data.get("left_on") is not None:
            worker = workers.worker_leave(actor=actor, worker=worker, left_on=data["left_on"])
        return worker


class RecognitionGrantForm(ServiceForm):
    class Meta:
        model = Recognition
        fields = ("agency", "kind", "year", "granted_on", "valid_until")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agency" in self.fields:
            self.fields["agency"].queryset = Agency.objects.filter(
                status=Agency.Status.REGISTERED
            ).order_by("name")
            self.fields["agency"].help_text = _("Only registered agencies can be recognised.")
        if "year" in self.fields and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        if "kind" in self.fields:
            # Only kinds in use are offered for a new grant (the bureau keeps the list).
            self.fields["kind"].queryset = RecognitionKind.objects.filter(active=True)

    def commit(self, actor) -> Recognition:
        data = self.cleaned_data
        return recognitions.recognition_grant(
            actor=actor,
            agency=data["agency"],
            kind=data["kind"],
            year=data["year"],
            granted_on=data["granted_on"],
            valid_until=data.get("valid_until"),
        )


class WorkerImportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("Use the template (.xlsx). Nothing is written unless every row is valid."),
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class AgencyPolicyForm(forms.ModelForm):
    """Clear messages for the ranges the database constraints also hold."""

    class Meta:
        model = AgencyPolicy
        fields = (
            "year",
            "target_new_agencies_min",
            "target_new_agencies_max",
            "target_stations_min",
            "target_stations_max",
            "target_centres_min",
            "target_centres_max",
            "target_city_brands_min",
            "target_city_brands_max",
            "filing_min_workers",
            "filing_min_contract_months",
            "filing_valid_months",
            "filing_renewal_days",
            "health_check_valid_months",
        )

    def clean(self):
        data = super().clean()
        for low, high in (
            ("target_new_agencies_min", "target_new_agencies_max"),
            ("target_stations_min", "target_stations_max"),
            ("target_centres_min", "target_centres_max"),
            ("target_city_brands_min", "target_city_brands_max"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("The maximum cannot be below the minimum."))
        if data.get("filing_valid_months") == 0:
            self.add_error("filing_valid_months", _("A filing must be valid for at least 1 month."))
        return data
