"""Small helpers every portal page uses: binding forms, the date input, phone numbers, and
showing a service's errors on the form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError

from kunqu_jiafu.people.phone import normalize_phone


def posted(request):
    """The submitted data on POST (even if empty, so the form is bound), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def clean_phone(value: str) -> str:
    """One rule for every phone number: kunqu_jiafu.people.phone."""
    return normalize_phone(value)


def show_service_errors(
    form,
    exc: ValidationError,
    aliases: Mapping[str, str] | None = None,
    fields: Iterable[str] | None = None,
) -> None:
    """Put a service's ValidationError on the fields it names; the rest goes above the form.

    ``aliases`` maps a service's key to a form field; ``fields`` narrows the fields that may
    carry an error (default: all the form's). A form may instead map keys itself with
    ``field_for_error(key)`` (e.g. a claim's "declared.count" → that figure's field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    allowed = form.fields if fields is None else set(fields)
    for key, errors in exc.error_dict.items():
        if hasattr(form, "field_for_error"):
            field = form.field_for_error(key)
        else:
            field = (aliases or {}).get(key, key)
            if field not in allowed:
                field = None
        form.add_error(field, [message for error in errors for message in error.messages])
