"""Forms of the inspections admin: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.forms import ServiceForm

from .. import selectors
from ..models import ChecklistItem, ChecklistTemplate, InspectionRound
from ..services import rounds, templates


class TemplateForm(forms.ModelForm):
    """An unused template's name, thresholds and note (saved by templates.template_update)."""

    class Meta:
        model = ChecklistTemplate
        fields = ("name", "pass_score", "basic_score", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def _post_clean(self):
        pass  # the service validates, with messages naming the field

    def clean(self):
        data = super().clean()
        if self.instance.pk and selectors.template_in_use(self.instance):
            raise ValidationError(
                _("This template is used by inspections: make a new version to change it.")
            )
        if data.get("pass_score") is not None and data.get("basic_score") is not None:
            try:
                templates.thresholds_check(data["pass_score"], data["basic_score"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return data


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ("sort_order", "group", "code", "title", "weight", "source", "guidance")
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 3, "cols": 36}),
            "sort_order": forms.NumberInput(attrs={"class": "kj-narrow"}),
            "weight": forms.NumberInput(attrs={"class": "kj-narrow", "step": "0.5"}),
        }


class ItemFormSet(BaseInlineFormSet):
    """The template's items, checked together: codes once, points adding up to 100."""

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms:
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            row = {name: form.cleaned_data.get(name) for name in templates.ITEM_FIELDS}
            row["pk"] = form.instance.pk
            rows.append(row)
        return rows

    def clean(self):
        super().clean()
        if any(self.errors) or not self.has_changed():
            return
        rows = self.rows()
        if any(row[name] in (None, "") for row in rows for name in ("code", "title", "weight")):
            return  # the field errors say it
        try:
            templates.items_check(rows)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class RoundForm(ServiceForm):
    class Meta:
        model = InspectionRound
        fields = ("year", "title", "starts_on", "due_on")

    def commit(self, actor) -> InspectionRound:
        data = self.cleaned_data
        return rounds.round_create(
            actor=actor,
            year=data["year"],
            title=data["title"],
            starts_on=data["starts_on"],
            due_on=data["due_on"],
        )


class AssignForm(forms.Form):
    """The intermediate page of "assign inspectors"."""

    inspector_1 = forms.ModelChoiceField(label=_("first inspector"), queryset=None)
    inspector_2 = forms.ModelChoiceField(label=_("second inspector"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("inspector_1", "inspector_2"):
            self.fields[name].queryset = selectors.inspectors()
            self.fields[name].error_messages["required"] = _(
                "Choose an inspector from the bureau's staff."
            )
            self.fields[name].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        data = super().clean()
        first, second = data.get("inspector_1"), data.get("inspector_2")
        if first and second and first == second:
            self.add_error(
                "inspector_2",
                _(
                    "The two inspectors must be two different people (the bureau's rule): "
                    "choose someone else as the second inspector."
                ),
            )
        return data
