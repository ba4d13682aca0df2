"""The person a public form (no account) names, found without telling the stranger anything.

Issue 11: public forms never change an existing person's data, and answer the same whatever is
known about an ID number. So a name that differs from the record is not an error here: the
form goes on, linked to the person the ID number belongs to, and the caller records the name as
given with a flag for staff to review. Staff and agency forms keep person_get_or_create and its
precise message."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .idcard import parse_id_number
from .models import Person
from .phone import phone_or_error
from .services import person_get_or_create


@dataclass(frozen=True)
class PublicMatch:
    person: Person
    name_given: str
    name_differs: bool  # the ID number is registered under another name: for staff to review


def person_for_public_form(*, id_number: str, name: str, phone: str = "") -> PublicMatch:
    """The person with this ID number (created if new, with the phone given). An existing
    person's record is never changed, whatever the name or phone given."""
    parsed = parse_id_number(id_number)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please enter the person's name.")})
    phone = phone_or_error(phone)
    existing = Person.objects.by_id_number(parsed.number).first()
    if existing is not None:
        return PublicMatch(existing, name, existing.name != name)
    try:
        person = person_get_or_create(id_number=parsed.number, name=name)
    except ValidationError as exc:
        # Created a moment ago under another name (the service's race branch).
        person = Person.objects.by_id_number(parsed.number).first()
        if person is None or "name" not in getattr(exc, "error_dict", {}):
            raise
        return PublicMatch(person, name, True)
    if phone:
        # Only a record with no phone yet, i.e. the one just made: never overwrite one.
        Person.objects.filter(pk=person.pk, phone="").update(phone=phone)
    return PublicMatch(person, name, person.name != name)
