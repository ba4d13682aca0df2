"""The agency's answer to a rectification: what it fixed, and evidence files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (type, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class RectificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("What the agency has fixed"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Go through each item to fix and say what was done."),
    )
    files = MultipleFileField(
        label=_("Evidence (photos, scans)"),
        required=False,
        help_text=_("PDF, JPEG or PNG; up to 10 files. Photos of the fixed items, new rules…"),
    )
