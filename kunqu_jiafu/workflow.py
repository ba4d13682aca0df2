"""The transition-table primitive each area's workflow.py builds its tables from.

A table is a tuple of rows anyone can read top to bottom: (action, current status, next
status, roles allowed, reason required, label). The tables decide what is offered; the
services check again and have the last word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: tuple[str, ...]
    needs_reason: bool
    label: str


def find(table: tuple[Transition, ...], source: str, action: str) -> Transition | None:
    for transition in table:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(table: tuple[Transition, ...], source: str, roles: Iterable[str]) -> list[Transition]:
    return [t for t in table if t.source == source and set(t.roles) & set(roles)]
