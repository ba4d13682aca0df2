from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.audit import log as audit_log
from kunqu_jiafu.db import bulk_save_existing

from .idcard import ParsedId, parse_id_number
from .models import Person
from .phone import phone_or_error
from .selectors import people_by_id_number


def name_mismatch_message(existing: Person, actor) -> str:
    """The ID number is registered under another name. Only those who see full ID numbers are
    told that name: on a resident's public page (no actor), to an agency or in its imports, it
    would give whoever knows an ID number the name that goes with it."""
    from kunqu_jiafu.accounts.roles import can_see_full_id

    if actor is not None and can_see_full_id(actor):
        return _(
            "This ID number is already registered under the name %(name)s; "
            "please check the name or the ID number."
        ) % {"name": existing.name}
    return _(
        "This ID number is already registered under another name; "
        "please check the name or the ID number."
    )


def _name_mismatch(existing: Person, actor) -> ValidationError:
    return ValidationError({"name": name_mismatch_message(existing, actor)})


def person_get_or_create(*, id_number: str, name: str, phone: str = "", actor=None) -> Person:
    """Find the person by ID number or create them; the name must match an existing record."""
    parsed = parse_id_number(id_number)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please enter the person's name.")})
    phone = phone_or_error(phone)
    existing = Person.objects.by_id_number(parsed.number).first()
    if existing is not None:
        if existing.name != name:
            raise _name_mismatch(existing, actor)
        if phone and existing.phone != phone:
            existing.phone = phone
            existing.save(update_fields=["phone", "updated_at"])
        return existing
    person = Person(
        name=name,
        phone=phone,
        area_known=parsed.area_known,
    )
    person.set_id_number(parsed.number)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Someone created the same person concurrently: use theirs, if the name agrees.
        existing = Person.objects.by_id_number(parsed.number).get()
        if existing.name != name:
            raise _name_mismatch(existing, actor) from None
        return existing
    audit_log(actor, person, "people.person.created", after={"name": name})
    return person


@dataclass
class PersonEntry:
    """One person of a bulk upsert: a checked ID number, the name, and what to record.
    An empty phone leaves the recorded one alone; ``facts`` (target-group flags, graduation
    date) are written as given."""

    parsed: ParsedId
    name: str
    phone: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


UPSERT_FACTS = ("is_hard_to_employ", "is_unemployed", "is_graduate", "is_low_income")


@dataclass
class UpsertedPeople:
    by_number: dict[str, Person]  # every entry's person, by ID number
    created: int
    updated: int


def people_bulk_upsert(
    entries: Sequence[PersonEntry], *, known: dict[str, Person] | None = None
) -> UpsertedPeople:
    """Create the people not recorded yet and record the others' new phone and facts, in a
    few statements whatever the count (the spreadsheet imports). ``known`` is the recorded
    people by ID number when the caller has just read them (``people_by_id_number``);
    otherwise they are read here in one query. Each ID number appears once; the caller has
    checked that each recorded person's name matches (``name_mismatch_message``)."""
    if known is None:
        known = people_by_id_number(e.parsed.number for e in entries)
    new: list[Person] = []
    changed: dict[int, Person] = {}
    changed_fields: set[str] = set()
    by_number: dict[str, Person] = {}
    for entry in entries:
        unknown = set(entry.facts) - {*UPSERT_FACTS, "graduated_on"}
        if unknown:
            raise ValueError(f"not a fact a bulk upsert records: {sorted(unknown)}")
        person = known.get(entry.parsed.number)
        if person is None:
            person = _new_person(entry)
            new.append(person)
        else:
            updates = dict(entry.facts) | ({"phone": entry.phone} if entry.phone else {})
            for key, value in updates.items():
                if getattr(person, key) != value:
                    setattr(person, key, value)
                    changed[person.pk] = person
                    changed_fields.add(key)
        by_number[entry.parsed.number] = person
    Person.objects.bulk_create(new)
    now = timezone.now()
    for person in changed.values():
        person.updated_at = now
    bulk_save_existing(Person, list(changed.values()), [*sorted(changed_fields), "updated_at"])
    return UpsertedPeople(by_number=by_number, created=len(new), updated=len(changed))


def _new_person(entry: PersonEntry) -> Person:
    person = Person(
        name=entry.name,
        phone=entry.phone,
        area_known=entry.parsed.area_known,
        **entry.facts,
    )
    person.set_id_number(entry.parsed.number)
    return person


def person_flag_identity(*, actor, person: Person, problem: str) -> Person:
    """Record (or, with an empty text, clear) a doubt about a person's identity."""
    from django.core.exceptions import PermissionDenied

    from kunqu_jiafu.accounts.roles import can_see_full_id

    if not can_see_full_id(actor):
        raise PermissionDenied(_("Only reviewers and approvers record identity problems."))
    problem = (problem or "").strip()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.identity_problem == problem:
            return person
        before = {"identity_problem": person.identity_problem}
        person.identity_problem = problem
        person.save(update_fields=["identity_problem", "updated_at"])
        action = "people.person.identity_flagged" if problem else "people.person.identity_cleared"
        audit_log(
            actor,
            person,
            action,
            before=before,
            after={"identity_problem": problem},
            reason=problem,
        )
    return person


def person_set_target_groups(
    *, actor, person: Person, is_hard_to_employ: bool, is_graduate: bool, graduated_on=None
) -> Person:
    """Record whether a person is 就业困难人员 or 高校毕业生 (with the graduation date, which
    decides whether graduate subsidies still apply): reviewers and approvers only."""
    from django.core.exceptions import PermissionDenied

    from kunqu_jiafu.accounts.roles import can_see_full_id

    if not can_see_full_id(actor):
        raise PermissionDenied(_("Only reviewers and approvers record a person's target groups."))
    errors = target_group_errors(is_graduate, graduated_on)
    if errors:
        raise ValidationError(errors)
    fields = ("is_hard_to_employ", "is_graduate", "graduated_on")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = {name: getattr(person, name) for name in fields}
        after = {
            "is_hard_to_employ": bool(is_hard_to_employ),
            "is_graduate": bool(is_graduate),
            "graduated_on": graduated_on,
        }
        if before == after:
            return person
        for name, value in after.items():
            setattr(person, name, value)
        person.save(update_fields=[*fields, "updated_at"])
        audit_log(actor, person, "people.person.target_groups_set", before=before, after=after)
    return person


def person_record_graduation(*, actor, person: Person, graduated_on) -> Person:
    """Record the graduation date of a 高校毕业生 as the employer declares it (the caller checks
    that ``actor`` keeps this person's job record). A date the bureau has confirmed (the
    person is recorded as a graduate with a date) is corrected by the bureau only."""
    import datetime as dt

    from django.utils import timezone

    if graduated_on is not None and not isinstance(graduated_on, dt.date):
        raise ValidationError({"graduated_on": _("Enter the graduation date, e.g. 2025-07-01.")})
    if graduated_on is not None and graduated_on > timezone.localdate():
        raise ValidationError({"graduated_on": _("The graduation date cannot be in the future.")})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.graduated_on == graduated_on:
            return person
        if person.is_graduate and person.graduated_on is not None:
            raise ValidationError(
                {
                    "graduated_on": _(
                        "The bureau has confirmed the graduation date as %(date)s; ask the "
                        "bureau to correct it."
                    )
                    % {"date": person.graduated_on.isoformat()}
                }
            )
        before = {"graduated_on": person.graduated_on}
        person.graduated_on = graduated_on
        person.save(update_fields=["graduated_on", "updated_at"])
        audit_log(
            actor,
            person,
            "people.person.graduation_recorded",
            before=before,
            after={"graduated_on": graduated_on},
        )
    return person


def target_group_errors(is_graduate: bool, graduated_on) -> dict[str, str]:
    """What is wrong with a graduation date (shared by the service and the admin form)."""
    import datetime as dt

    from django.utils import timezone

    if graduated_on is None:
        return {}
    if not isinstance(graduated_on, dt.date):
        return {"graduated_on": _("Enter the graduation date, e.g. 2025-07-01.")}
    if graduated_on > timezone.localdate():
        return {"graduated_on": _("The graduation date cannot be in the future.")}
    if not is_graduate:
        return {"graduated_on": _("A graduation date is recorded only for a college graduate.")}
    return {}
