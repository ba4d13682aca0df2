"""Forms of the spot-check admin: they parse input; inspections.services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from subsidies import selectors as subsidy_selectors

from ..models import SpotCheckItem
from ..models.spotchecks import Population

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SpotCheckDrawForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    population = forms.ChoiceField(label=_("population"), choices=Population.choices)
    claim_types = forms.MultipleChoiceField(
        label=_("claim types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For subsidy claims only: the types to sample from."),
    )
    period_start = forms.DateField(label=_("period from"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("period to"), widget=DATE_INPUT)
    sample_size = forms.IntegerField(
        label=_("sample size"),
        required=False,
        min_value=1,
        help_text=_("How many records to check; or leave empty and give a rate."),
    )
    sample_rate = forms.DecimalField(
        label=_("sample rate (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("The share of the population to check, e.g. 5 for 5% (rounded up)."),
    )
    seed = forms.CharField(
        label=_("random seed"),
        required=False,
        max_length=20,
        help_text=_("Leave empty: the portal picks one and records it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen: dict[str, str] = {}
        for kind in subsidy_selectors.spot_check_claim_types():
            seen.setdefault(kind.code, f"{kind.name}（{kind.code}）")
        self.fields["claim_types"].choices = sorted(seen.items())


class SpotCheckRecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[(v, label) for v, label in SpotCheckItem.Outcome.choices if v != "pending"],
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("how checked"), choices=SpotCheckItem.Method.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("evidence"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Who was called or visited, when, and what was found or seen."),
    )
    file = forms.FileField(
        label=_("evidence file (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Optional: a photo, a scan of a document."),
    )


class SpotCheckAssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("assign to"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(groups__name__in=(REVIEWER, APPROVER), is_active=True)
            .distinct()
            .order_by("username")
        )
