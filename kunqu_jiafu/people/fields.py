"""A resident's contact details encrypted at rest (DOMAIN.md: "Personal data ... stays hidden").

``EncryptedTextField`` stores a Fernet token (people/crypto.py, the keys of the ID numbers) and
gives the plain text back when a row is read, so forms, the admin, the API, exports and PDFs
use it like any text field. An empty value stays empty (whether a phone was left is no secret).
The ciphertext differs on every write, so the database cannot compare values: any lookup other
than "is empty" is refused loudly instead of silently finding nothing; search through a blind
index column (``contact_index``) instead.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


def contact_index(kind: str, value: str) -> str:
    """The keyed blind index of a normalised contact value (e.g. ``"phone"``, a stored phone);
    the kind keeps a phone's index apart from an ID number's."""
    return crypto.blind_index(f"{kind}:{value}") if value else ""


class EncryptedTextField(models.TextField):
    """Text encrypted with the ID numbers' keys; ``max_length`` bounds the plain text (forms)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot compare it "
            f"({lookup_name!r}); search by its blind index instead."
        )

    def get_transform(self, name):
        return None

    def formfield(self, **kwargs):
        # A one-line input as the CharField it replaces, not a textarea (the admin's default
        # for text columns).
        widget = kwargs.get("widget")
        if (
            widget is None
            or isinstance(widget, forms.Textarea)
            or (isinstance(widget, type) and issubclass(widget, forms.Textarea))
        ):
            kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField"})
        return super().formfield(**kwargs)


class EmptyOnlyExact(Exact):
    """``field=""`` (or None) works; comparing with a value would never match a token."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                "An encrypted field can only be compared with the empty value; "
                "search by its blind index instead."
            )
        return super().get_prep_lookup()
