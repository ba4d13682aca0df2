"""Forms of the voucher admin. They parse input; vouchers.services decides and writes.

The model forms are the admin kit's ``ServiceForm``: validation ends with the service
call, whose ValidationError lands on the field it names."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.web.admin_kit.forms import ServiceForm

from .. import selectors
from ..models import Application, Participation, VoucherBatch
from ..services.applications import application_create
from ..services.batches import BATCH_FIELDS, batch_save, participation_set

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionReasonForm(forms.Form):
    """The page of an action that records a reason (required where the action says so)."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
        required=False,
    )

    def __init__(
        self,
        *args,
        reason_required: bool = False,
        reader=None,
        help_text=None,
        with_reason: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        reader = reader or gettext("the household")
        self.reason_required = reason_required
        if not with_reason:  # the action records no reason: do not ask for one
            del self.fields["reason"]
            return
        field = self.fields["reason"]
        field.required = reason_required
        field.error_messages["required"] = gettext(
            "Please give the reason; %(reader)s will see it."
        ) % {"reader": reader}
        field.help_text = help_text or (
            gettext("Required: %(reader)s will see this reason.") % {"reader": reader}
            if reason_required
            else gettext("Optional.")
        )


# --- batch -------------------------------------------------------------------------------------


class BatchForm(ServiceForm):
    class Meta:
        model = VoucherBatch
        fields = BATCH_FIELDS
        widgets = {
            "applications_open_on": DATE_INPUT,
            "applications_close_on": DATE_INPUT,
            "valid_from": DATE_INPUT,
            "valid_until": DATE_INPUT,
        }
        help_texts = {
            "total": _("Must equal the number of vouchers × the face value."),
            "count": _("Cannot be set below the vouchers already out."),
        }

    def commit(self, actor) -> VoucherBatch:
        data = {f: self.cleaned_data[f] for f in BATCH_FIELDS if f in self.cleaned_data}
        return batch_save(actor=actor, data=data, batch=self.instance if self.instance.pk else None)


class ParticipationChangeForm(ServiceForm):
    """Take an agency out of the programme (or back in), with a note."""

    class Meta:
        model = Participation
        fields = ("active", "note")

    def commit(self, actor) -> Participation:
        return participation_set(
            actor=actor,
            batch=self.instance.batch,
            agency=self.instance.agency,
            active=self.cleaned_data["active"],
            note=self.cleaned_data.get("note", ""),
        )


class ParticipationAddForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("batch"), queryset=VoucherBatch.objects.all())
    agencies = forms.ModelMultipleChoiceField(
        label=_("agencies"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Registered agencies not yet taking part in this batch."),
        error_messages={"required": _("Tick at least one agency.")},
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, batch: VoucherBatch | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        registered = agency_selectors.registered_agencies().select_related("street")
        if batch is not None:
            taking_part = Participation.objects.filter(batch=batch, active=True).values("agency")
            registered = registered.exclude(pk__in=taking_part)
            self.fields["batch"].initial = batch.pk
        self.fields["agencies"].queryset = registered.order_by("street__sort_order", "name")
        self.fields["agencies"].label_from_instance = lambda a: f"{a.name}（{a.street.name}）"


# --- applications ------------------------------------------------------------------------------


class ApplicationAddForm(ServiceForm):
    """人员申报 entered by a reviewer for a household (at the counter or from a paper form)."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("18 characters; full-width digits and a lower-case x are accepted."),
    )
    name = forms.CharField(label=_("full name"), max_length=50)
    head_id_number = forms.CharField(
        label=_("household head's ID number"),
        max_length=30,
        required=False,
        help_text=_(
            "Required when the batch gives one voucher per household: the household head's "
            "18-character ID number (the applicant's own when they are the head). With the "
            "address below it identifies the household."
        ),
    )
    evidence_file = forms.FileField(
        label=_("evidence"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG, e.g. the unemployment registration card. Optional at the counter "
            "when the original was seen."
        ),
    )
    service_error_aliases = {"evidence": "evidence_file"}
    field_order = (
        "batch",
        "id_number",
        "name",
        "phone",
        "head_id_number",
        "address",
        "street",
        "target_group",
        "evidence_file",
        "note",
    )

    class Meta:
        model = Application
        fields = ("batch", "phone", "address", "street", "target_group", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "batch" in self.fields:
            self.fields["batch"].queryset = VoucherBatch.objects.filter(
                status=VoucherBatch.Status.OPEN
            )
            current = selectors.open_batch_for_applications() or selectors.current_batch()
            if current is not None and not self.is_bound:
                self.initial.setdefault("batch", current.pk)
        if "target_group" in self.fields:
            field = self.fields["target_group"]
            field.queryset = field.queryset.filter(active=True)
            field.label_from_instance = lambda g: (
                f"{g.name}（{g.evidence_hint}）" if g.evidence_hint else g.name
            )
        if "street" in self.fields:
            field = self.fields["street"]
            field.queryset = field.queryset.filter(active=True)

    def commit(self, actor) -> Application:
        data = self.cleaned_data
        return application_create(
            batch=data["batch"],
            id_number=data["id_number"],
            name=data["name"],
            phone=data["phone"],
            address=data["address"],
            street=data["street"],
            target_group=data["target_group"],
            evidence=data.get("evidence_file"),
            note=data.get("note") or "",
            actor=actor,
            head_id_number=data.get("head_id_number") or "",
            head_required=True,
        )


# --- voucher actions ---------------------------------------------------------------------------


class ChooseAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("agency"),
        queryset=Agency.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the agency the household wants.")},
    )

    def __init__(self, data=None, *, batch: VoucherBatch, current=None, **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["agency"]
        field.queryset = selectors.eligible_agencies(batch)
        field.label_from_instance = lambda a: "{}（{}；{}）".format(
            a.name, a.street.name, "、".join(f.name for f in a.formats.all()) or "—"
        )
        if current is not None:
            field.initial = current.pk
        field.help_text = _(
            "Registered agencies taking part in the programme that did not fail their latest "
            "annual inspection. The household may change its choice until the service."
        )


class FollowUpForm(forms.Form):
    called_on = forms.DateField(label=_("called on"), widget=DATE_INPUT)
    reached = forms.TypedChoiceField(
        label=_("household reached"),
        choices=(("1", _("Yes, the household answered")), ("0", _("No, not reached"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction (1-5)"),
        choices=(
            ("", "—"),
            ("5", _("5 very satisfied")),
            ("4", _("4 satisfied")),
            ("3", _("3 neutral")),
            ("2", _("2 dissatisfied")),
            ("1", _("1 very dissatisfied")),
        ),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Required when the household was reached."),
    )
    remarks = forms.CharField(
        label=_("remarks"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        max_length=2000,
        help_text=_("What the household said; why it could not be reached."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("called_on", timezone.localdate())


class VerifyFailForm(forms.Form):
    reason = forms.CharField(
        label=_("What was found"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
        error_messages={"required": _("Say what was found; the agency sees it.")},
        help_text=_("Required: the agency sees it. The voucher will not be reimbursed."),
    )


class VerifyPassForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        required=False,
        help_text=_("Optional, e.g. how the service was checked."),
    )


# --- settlements -------------------------------------------------------------------------------


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=DATE_INPUT)
    reference = forms.CharField(
        label=_("payment reference"),
        max_length=100,
        required=False,
        help_text=_("The bank transfer's reference or voucher number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())


def _month_choices(today: dt.date, months: int = 24) -> list[tuple[str, str]]:
    out = []
    year, month = today.year, today.month
    for _n in range(months):
        label = gettext("%(year)s, month %(month)s") % {"year": year, "month": month}
        out.append((f"{year:04d}-{month:02d}", label))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


class SettlementDrawForm(forms.Form):
    batch = forms.ModelChoiceField(
        label=_("batch"), queryset=VoucherBatch.objects.all(), empty_label=None
    )
    month = forms.ChoiceField(
        label=_("month"),
        help_text=_("Verified vouchers not yet settled whose service was in this month or before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["month"].choices = _month_choices(today)
        if not self.is_bound:
            current = selectors.current_batch()
            if current is not None:
                self.initial.setdefault("batch", current.pk)
            # The usual case: last month's statement, drawn up early in this month.
            last = today.replace(day=1) - dt.timedelta(days=1)
            self.initial.setdefault("month", f"{last:%Y-%m}")

    def clean_month(self) -> dt.date:
        year, month = self.cleaned_data["month"].split("-")
        return dt.date(int(year), int(month), 1)
