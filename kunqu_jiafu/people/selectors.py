"""Reads of people that other modules share."""

from __future__ import annotations

from collections.abc import Iterable

from .crypto import blind_index
from .models import Person


def people_by_id_number(numbers: Iterable[str]) -> dict[str, Person]:
    """The recorded people among ``numbers`` (normalised ID numbers), by number: one query."""
    by_hash = {blind_index(number): number for number in numbers}
    if not by_hash:
        return {}
    return {by_hash[p.id_hash]: p for p in Person.objects.filter(id_hash__in=by_hash)}
