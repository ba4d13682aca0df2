"""Forms of the staff admin. They parse input; the services decide and write.

A ``ServiceForm`` ends its validation with the service call: the admin calls
``is_valid()`` once, a service's ValidationError becomes field errors (so the admin
re-renders the form instead of failing), and a savepoint makes sure nothing is
half-written when a second service call of the same save is refused.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.forms import show_service_errors


class ServiceForm(forms.ModelForm):
    """A model form whose save is a service call made at the end of validation."""

    request = None  # set by the ModelAdmin's get_form
    service_error_aliases: dict[str, str] = {}

    def _post_clean(self):
        # The services validate (with better messages than model constraints give);
        # the form only parses input.
        pass

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        if getattr(self, "_committed", False):
            return True
        try:
            with transaction.atomic():
                self.instance = self.commit(self.request.user)
        except ValidationError as exc:
            show_service_errors(self, exc, self.service_error_aliases)
            return False
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or gettext("You may not make this change."))
            return False
        self._committed = True
        return True

    def commit(self, actor):  # pragma: no cover - abstract
        raise NotImplementedError


class ReasonForm(forms.Form):
    """The intermediate page of a review action."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required
        self.fields["reason"].required = reason_required
        self.fields["reason"].error_messages["required"] = _(
            "Please give the reason; the agency will see it."
        )
        if not reason_required:
            self.fields["reason"].help_text = _("Optional; the agency will see it.")
