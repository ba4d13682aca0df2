"""Small helpers every portal page uses to bind forms and show a service's errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def posted(request):
    """The submitted data on POST (even if empty, so the form is bound), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def show_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names; the rest goes above the form.

    A form may map a service's key to one of its fields with ``field_for_error(key)`` (e.g. a
    claim's "declared.count" → that figure's field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        if hasattr(form, "field_for_error"):
            field = form.field_for_error(key)
        else:
            field = key if key in form.fields else None
        form.add_error(field, [message for error in errors for message in error.messages])
